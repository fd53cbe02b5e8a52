"""{% drawn_once %}: a part drawn once under the key a view gives, or for this request alone without one."""

from django import forms
from django.core.cache import caches
from django.template import Context, Template

from common.cache import EmptyFormWhenDrawn, form_drawing_key

PAGE = Template('{% load drawings %}{% drawn_once 60 part key using="drawings" %}{{ words }}{% enddrawn_once %}')


def test_a_part_with_a_key_is_drawn_once_and_one_without_is_drawn_each_time():
    caches["drawings"].clear()
    assert PAGE.render(Context({"key": "k1", "words": "first"})) == "first"
    assert PAGE.render(Context({"key": "k1", "words": "second"})) == "first"  # kept under its key
    assert PAGE.render(Context({"key": "k2", "words": "second"})) == "second"
    assert PAGE.render(Context({"key": "", "words": "mine"})) == "mine"
    assert PAGE.render(Context({"key": "", "words": "yours"})) == "yours"  # never kept


class Reply(forms.Form):
    name = forms.CharField()
    keep = forms.BooleanField(required=False)
    code = forms.CharField(widget=forms.HiddenInput)


FORM_PAGE = Template(
    "{% load drawings %}{% if form.errors %}Error: {% endif %}{% if form %}<form>{% endif %}"
    '{% drawn_once 60 reply key using="drawings" %}{{ form.name }}{% enddrawn_once %}'
)


def stand_in(initial, built):
    def build():
        built.append(True)
        return Reply(initial=initial)

    return EmptyFormWhenDrawn(Reply, initial, build)


def test_an_empty_form_is_built_only_when_its_drawing_is_missing():
    caches["drawings"].clear()
    built = []
    form = stand_in({"code": "K7PMX9QD"}, built)
    key = form_drawing_key(form)
    assert key == form_drawing_key(Reply(initial={"code": "ANOTHER1"}))  # the hidden code is drawn by the page
    first = FORM_PAGE.render(Context({"form": form, "key": key}))
    assert built == [True] and 'name="name"' in first and not first.startswith("Error")
    again = stand_in({"code": "K7PMX9QD"}, built)
    assert FORM_PAGE.render(Context({"form": again, "key": key})) == first
    assert built == [True]  # drawn from the kept drawing: the second form was never built
    assert isinstance(again, Reply) and not again.is_bound and not again.errors


def test_a_form_holding_anything_told_before_is_drawn_for_its_visitor_alone():
    assert form_drawing_key(stand_in({"keep": False, "name": ""}, [])) != ""  # an unticked box is empty
    assert form_drawing_key(stand_in({"keep": True}, [])) == ""
    assert form_drawing_key(stand_in({"name": "Sam"}, [])) == ""
    assert form_drawing_key(Reply({"name": "Sam"})) == ""  # what was typed
    assert form_drawing_key(Reply(initial={"keep": 0})) == ""  # a nought is a value, unlike False
