"""The portal's own GOV.UK form templates: text is escaped, and every field in error looks it."""

import re
from pathlib import Path

import crispy_forms_gds
import pytest
from crispy_forms_gds.layout import Field
from django import forms
from django.template import Context, Template
from django.template.loader import get_template

from common.forms import DateInputField, date_input_error, gds_helper

PLANTED = '<a href="https://evil.example/">Sign in to continue</a> <b>bold</b>'
LIBRARY_TEMPLATES = Path(crispy_forms_gds.__file__).parent / "templates"
TEXT_MARKED_SAFE = re.compile(
    r"\{\{\s*(field\.label|field\.help_text|legend|input\.value|choice\.\d|choice\.hint)\s*\|\s*safe"
)


def render(form: forms.Form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def input_classes(html: str, name: str) -> str:
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'class="([^"]*)"', tag).group(1)


def test_every_gds_template_that_marks_text_safe_is_replaced_by_one_that_escapes_it():
    replaced = []
    for path in LIBRARY_TEMPLATES.rglob("*.html"):
        if TEXT_MARKED_SAFE.search(path.read_text()):
            name = path.relative_to(LIBRARY_TEMPLATES).as_posix()
            ours = Path(get_template(name).origin.name)
            assert "common" in ours.parts, f"{name} still comes from crispy-forms-gds"
            assert not TEXT_MARKED_SAFE.search(ours.read_text()), f"our {name} marks text safe"
            replaced.append(name)
    assert "gds/field.html" in replaced and "gds/layout/help_text.html" in replaced


class PlantedForm(forms.Form):
    text = forms.CharField(label=PLANTED, help_text=PLANTED)
    yes = forms.BooleanField(label=PLANTED, required=False)
    pick = forms.ChoiceField(label=PLANTED, help_text=PLANTED, choices=[("a", PLANTED)], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(label=PLANTED, choices=[("a", PLANTED)], widget=forms.CheckboxSelectMultiple)
    when = DateInputField(what="it happened", label=PLANTED, help_text=PLANTED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("text"),
            Field.checkbox("yes"),
            Field.radios("pick"),
            Field.checkboxes("many"),
            Field("when"),
            button="Continue",  # crispy renders a button's words as a template: they come from code only
        )


@pytest.mark.parametrize("data", [None, {"pick": "nothing"}], ids=["blank", "in error"])
def test_labels_legends_hints_choices_and_buttons_are_escaped(data):
    html = render(PlantedForm(data))
    assert "<b>bold</b>" not in html
    assert not re.search(r"<a\b[^>]*>\s*Sign in to continue", html)
    assert html.count("&lt;b&gt;bold&lt;/b&gt;") >= 8


class ErrorStyleForm(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="Email address")
    area = forms.ChoiceField(label="Service area", choices=[("a", "A")])
    day = forms.DateField(label="Submitted from", widget=forms.DateInput(attrs={"type": "date"}))
    story = forms.CharField(label="Your story", widget=forms.Textarea)
    when = DateInputField(what="it happened", label="When")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name"),
            Field.text("email"),
            Field.select("area"),
            Field.text("day"),
            Field.textarea("story", max_characters=100),
            Field("when"),
        )


def test_every_kind_of_input_in_error_has_the_gds_error_class():
    form = ErrorStyleForm({"name": "", "email": "not an address", "area": "z", "day": "x", "story": ""})
    html = render(form)
    assert "govuk-input--error" in input_classes(html, "name")
    assert "govuk-input--error" in input_classes(html, "email")
    assert input_classes(html, "area").split() == ["govuk-select", "govuk-select--error"]
    assert "govuk-input--error" in input_classes(html, "day")
    assert "govuk-textarea--error" in input_classes(html, "story")
    assert all("govuk-input--error" in input_classes(html, f"when_{part}") for part in range(3))


def test_fields_without_errors_have_no_error_class_and_drawing_twice_adds_nothing():
    form = ErrorStyleForm({"name": "Jo", "email": "jo@example.com", "area": "a", "day": "2025-01-01", "story": "x"})
    form.is_valid()
    render(form)
    html = render(form)
    assert "--error" not in input_classes(html, "name") + input_classes(html, "area")
    assert input_classes(html, "email") == "govuk-input"


def test_a_character_count_without_a_hint_renders_and_is_described_by_its_message():
    html = render(ErrorStyleForm())
    tag = re.search(r"<textarea\b[^>]*>", html).group(0)
    assert 'aria-describedby="id_story-info"' in tag
    assert 'id="id_story-info"' in html


def test_a_missing_part_of_a_date_marks_that_box_only():
    form = ErrorStyleForm({"when_0": "3", "when_1": "", "when_2": "2025"})
    assert form.errors["when"] == ["The date it happened must include a month"]
    html = render(form)
    assert "govuk-input--error" in input_classes(html, "when_1")
    assert "govuk-input--error" not in input_classes(html, "when_0") + input_classes(html, "when_2")
    assert 'aria-describedby="id_when_1_error"' in re.search(r'<input\b[^>]*name="when_1"[^>]*>', html).group(0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when_0": "31", "when_1": "2", "when_2": "2025"}, "The date it happened must be a real date"),
        ({"when_0": "", "when_1": "", "when_2": ""}, "Enter the date it happened"),
        ({"when_0": "1", "when_1": "2", "when_2": "25"}, "Enter the year as 4 numbers, for example 2025"),
    ],
)
def test_a_date_in_error_is_explained(data, message):
    form = ErrorStyleForm(data)
    assert message in form.errors["when"]


def test_an_error_about_the_whole_date_marks_every_box():
    form = ErrorStyleForm({"when_0": "31", "when_1": "2", "when_2": "2025"})
    html = render(form)
    assert all("govuk-input--error" in input_classes(html, f"when_{part}") for part in range(3))

    later = ErrorStyleForm({"when_0": "1", "when_1": "2", "when_2": "2025"})
    assert later.is_valid() is False  # other fields are blank
    date_input_error(later, "when", "It must be after it opens")
    html = render(later)
    assert all("govuk-input--error" in input_classes(html, f"when_{part}") for part in range(3))
