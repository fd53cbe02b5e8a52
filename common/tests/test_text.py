import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template

from common.text import NUL_REMOVED_MESSAGE, NulFreeFormMixin, without_bidi_controls

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def test_every_invisible_direction_control_is_removed_and_the_rest_kept():
    assert (
        without_bidi_controls(f"pay{CONTROLS}ment \u0645\u0631\u062d\u0628\u0627")
        == "payment \u0645\u0631\u062d\u0628\u0627"
    )
    assert without_bidi_controls(None) == ""


def test_the_template_filter_removes_controls_and_still_escapes():
    rendered = Template("{% load text_from_people %}{{ text|without_bidi_controls }}").render(
        Context({"text": "<b>\u202eabc</b>"})
    )
    assert rendered == "&lt;b&gt;abc&lt;/b&gt;"


class Comment(NulFreeFormMixin, forms.Form):
    comment = forms.CharField()
    other = forms.CharField(required=False)


@pytest.mark.parametrize("data", [{"comment": "ok\x00ay", "other": "fine"}, QueryDict("comment=ok%00ay&other=fine")])
def test_a_nul_character_is_removed_and_the_field_says_so_plainly(data):
    form = Comment(data)
    assert not form.is_valid()
    assert form.errors == {"comment": [str(NUL_REMOVED_MESSAGE)]}
    assert form["comment"].value() == "okay"


def test_a_form_without_nul_characters_is_untouched():
    form = Comment({"comment": "okay"})
    assert form.is_valid() and form.cleaned_data["comment"] == "okay"
