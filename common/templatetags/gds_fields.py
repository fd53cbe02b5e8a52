"""``{% gds_field field %}``: draws one widget with the GOV.UK classes and ``aria-describedby``.

It replaces crispy-forms-gds's ``crispy_gds_field`` in the portal's copies of the gds templates, as
that one raises KeyError on a character count without a hint, gives e-mail, number and date inputs
no red border in error, and gives a select in error the text input's error class.
"""

from django import forms, template
from django.forms.widgets import Input

register = template.Library()

# (class every widget of the kind carries, class it adds while its field is in error)
GDS_CLASSES = {
    forms.Select: ("govuk-select", "govuk-select--error"),
    forms.Textarea: ("govuk-textarea", "govuk-textarea--error"),
    forms.CheckboxInput: ("govuk-checkboxes__input", ""),
    forms.FileInput: ("govuk-file-upload", "govuk-file-upload--error"),
    Input: ("govuk-input", "govuk-input--error"),  # text, e-mail, password, number, date ...
}
ERROR_CLASSES = {error for _base, error in GDS_CLASSES.values() if error}


def gds_classes(widget: forms.Widget) -> tuple[str, str]:
    for kind, classes in GDS_CLASSES.items():
        if isinstance(widget, kind):
            return classes
    return "", ""


def widget_dress(widget: forms.Widget, *, in_error: bool, described_by: list[str]) -> None:
    """Set the widget's classes and aria-describedby afresh, so drawing a form twice adds nothing twice."""
    base, error = gds_classes(widget)
    classes = [name for name in widget.attrs.get("class", "").split() if name not in ERROR_CLASSES]
    if base and base not in classes:
        classes.insert(0, base)
    if in_error and error:
        classes.append(error)
    widget.attrs["class"] = " ".join(classes)
    if described_by:
        widget.attrs["aria-describedby"] = " ".join(described_by)
    else:
        widget.attrs.pop("aria-describedby", None)


class GdsFieldNode(template.Node):
    def __init__(self, field: str):
        self.field = template.Variable(field)

    def render(self, context):
        field = self.field.resolve(context)
        widget = field.field.widget
        error_ids = [f"{field.auto_id}_{number}_error" for number in range(1, len(field.errors) + 1)]
        if isinstance(widget, forms.MultiWidget):
            self.dress_parts(field, error_ids)
        else:
            described_by = [f"{field.auto_id}_hint"] if field.help_text else []
            if "govuk-js-character-count" in widget.attrs.get("class", ""):
                # GOV.UK Frontend's character count finds its message by this id.
                described_by.append(f"{field.auto_id}-info")
            widget_dress(widget, in_error=bool(field.errors), described_by=described_by + error_ids)
        return str(field)

    @staticmethod
    def dress_parts(field, error_ids: list[str]) -> None:
        """Parts of a date: the part an error names is marked; an error about the whole date, or one
        no part claims, marks every part, as the Design System asks."""
        parts = getattr(field.field, "fields", ())
        part_errors = [list(getattr(part.widget, "errors", [])) for part in parts]
        claimed = {error for errors in part_errors for error in errors}
        whole = bool(field.errors) and (
            getattr(field.field, "whole_date_error", False) or any(error not in claimed for error in field.errors)
        )
        for widget, errors in zip(field.field.widget.widgets, part_errors or [[]] * 3, strict=False):
            ids = [error_id for error_id, error in zip(error_ids, field.errors, strict=False) if error in errors]
            widget_dress(widget, in_error=whole or bool(errors), described_by=ids)


@register.tag(name="gds_field")
def gds_field(parser, token):
    """``{% gds_field field %}``, used by common/templates/gds/field.html and multifield.html."""
    try:
        _name, field = token.split_contents()
    except ValueError as error:
        raise template.TemplateSyntaxError("gds_field takes one argument: the bound field") from error
    return GdsFieldNode(field)
