"""GOV.UK form pieces every app's forms use: the crispy helper, radios and checkboxes, and the date input.

Labels, legends, hints and choices are drawn by the portal's own copies of the gds templates
(common/templates/gds/), which escape them: staff write question text, and it is never HTML.
"""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# Messages built when a form class is defined are translated when shown, not when the module loads.
interpolate = lazy(lambda template, values: str(template) % values, str)


def gds_helper(*fields, button: str | None = None) -> FormHelper:
    """A helper that draws the fields (and a submit button, if named) without a <form> tag or CSRF
    field: templates write the <form>, with hidden fields such as "next" and, where a page has two
    buttons, the buttons themselves."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields, *([Submit("submit", button)] if button else []))
    return helper


class CsvFileField(forms.FileField):
    """A CSV file to import (common/csv_import.py), up to ``megabytes``, with messages that say so."""

    def __init__(self, *, megabytes: int, **kwargs):
        kwargs.setdefault("label", _("Upload a CSV file"))
        kwargs.setdefault(
            "help_text", interpolate(_("Up to %(size)s MB. Use the template's columns."), {"size": megabytes})
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Select a CSV file to upload"),
                "empty": _("The selected file is empty"),
                "invalid": _("Select a CSV file to upload"),
            },
        )
        super().__init__(**kwargs)


# --- Radios and checkboxes drawn by crispy-forms-gds ------------------------------------------------

YES_NO_CHOICES = [(True, _("Yes")), (False, _("No"))]


def yes_no(value) -> bool | None:
    return {"True": True, "False": False, True: True, False: False}.get(value)


class FirstOptionBoundField(forms.BoundField):
    """Radios and checkboxes are drawn with ids id_<name>_1, id_<name>_2 ...; pointing the field's own
    id at the first option makes the error summary link land on it, as the Design System asks."""

    @property
    def auto_id(self):
        return f"id_{self.html_name}_1"


class GovRadios(forms.TypedChoiceField):
    bound_field_class = FirstOptionBoundField

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(**kwargs)


class GovYesNo(GovRadios):
    def __init__(self, **kwargs):
        super().__init__(choices=YES_NO_CHOICES, coerce=yes_no, **kwargs)


class GovCheckboxes(forms.MultipleChoiceField):
    bound_field_class = FirstOptionBoundField

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)


# --- The date input -------------------------------------------------------------------------------


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, labelled, in common/templates/gds/widgets/date.html."""

    template_name = "gds/widgets/date.html"

    def __init__(self, attrs=None):
        part = "govuk-input govuk-date-input__input govuk-input--width-{}"
        widgets = [
            forms.TextInput(attrs={"class": part.format(2), "label": _("Day"), "inputmode": "numeric"}),
            forms.TextInput(attrs={"class": part.format(2), "label": _("Month"), "inputmode": "numeric"}),
            forms.TextInput(attrs={"class": part.format(4), "label": _("Year"), "inputmode": "numeric"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return (value.day, value.month, value.year) if value else (None, None, None)


class DateInputField(forms.MultiValueField):
    """A date asked for in day, month and year boxes, with messages that name the date asked for.

    ``what`` completes "Enter the date ...", e.g. "the consultation opens" or "received". A missing
    part is named by itself and marks its own box; an error about the whole date marks every box
    and is linked from the error summary to the day box.
    """

    widget = DateInputWidget

    def __init__(self, *, what: str, error_messages=None, **kwargs):
        messages = {
            "required": interpolate(_("Enter the date %(what)s"), {"what": what}),
            "incomplete": interpolate(_("Enter the date %(what)s"), {"what": what}),
            "invalid": interpolate(_("The date %(what)s must be a real date"), {"what": what}),
            **(error_messages or {}),
        }
        parts = []
        for name in (_("day"), _("month"), _("year")):
            incomplete = interpolate(_("The date %(what)s must include a %(part)s"), {"what": what, "part": name})
            parts.append(
                forms.CharField(
                    error_messages={"incomplete": incomplete},
                    validators=[RegexValidator(r"^\s*[0-9]+\s*$", messages["invalid"])],
                )
            )
        parts[2].validators.append(
            RegexValidator(r"^\s*[0-9]{4}\s*$", _("Enter the year as 4 numbers, for example 2025"))
        )
        super().__init__(fields=parts, error_messages=messages, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, month, year = (str(value).strip() if value else "" for value in (list(data_list) + [None] * 3)[:3])
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not 2000 <= value.year <= 2100:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value

    def clean(self, value):
        if isinstance(value, date):
            return value
        self.whole_date_error = False
        values = list(value) if isinstance(value, list | tuple) else []
        values = (values + [None] * 3)[:3]
        if all(part in self.empty_values for part in values):
            if self.required:
                self.whole_date_error = True
                self.fields[0].widget.errors = [self.error_messages["required"]]
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        # Each box keeps its own errors, so the summary links to it and only it is marked.
        errors = []
        for part, part_value in zip(self.fields, values, strict=True):
            part.widget.errors = []
            try:
                if part_value in self.empty_values:
                    raise ValidationError(part.error_messages["incomplete"], code="incomplete")
                part.clean(part_value)
            except ValidationError as error:
                part.widget.errors = [message for message in error.messages if message not in errors]
                errors.extend(part.widget.errors)
        if errors:
            raise ValidationError(errors)
        try:
            return self.compress(values)
        except ValidationError as error:
            self.whole_date_error = True
            self.fields[0].widget.errors = list(error.messages)  # the error summary links to the day box
            raise


def date_input_error(form: forms.Form, name: str, message: str) -> None:
    """An error about a whole date found by the form (such as closing before opening)."""
    form.add_error(name, message)
    field = form.fields[name]
    field.whole_date_error = True
    field.fields[0].widget.errors = [*getattr(field.fields[0].widget, "errors", []), message]
