"""``{% status_tag value %}``: a state as a GOV.UK tag, in the colour its type declares."""

from django import template
from django.utils.html import format_html

from common.status import Tagged

register = template.Library()

# Whether each type is Tagged: a runtime Protocol check is slow, and lists call this once per row.
_TAGGED_TYPES: dict[type, bool] = {}


def is_tagged(value) -> bool:
    kind = type(value)
    if kind not in _TAGGED_TYPES:
        _TAGGED_TYPES[kind] = isinstance(value, Tagged)
    return _TAGGED_TYPES[kind]


@register.simple_tag
def status_tag(value) -> str:
    """<strong class="govuk-tag govuk-tag--COLOUR">Label</strong>; nothing for an empty value."""
    if value is None or value == "":
        return ""
    if not is_tagged(value):
        # A bare string has no colour: a page that passes one is a mistake to catch in tests.
        raise TypeError(f"{value!r} is not a state with a tag colour")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', value.tag_colour, value.label)
