"""{{ value|without_bidi_controls }}: see common.text."""

from django import template

from common.text import without_bidi_controls as remove

register = template.Library()


@register.filter
def without_bidi_controls(value):
    # Still escaped by autoescape afterwards: the filter returns plain text, never marked safe.
    return remove(value)
