from enum import StrEnum

import pytest
from django.db import models
from django.template import Context, Template

from common.status import TagColour, Tagged, tag_colours


class Light(models.TextChoices):
    ON = "on", "On <now>"
    OFF = "off", "Off"

    @property
    def tag_colour(self) -> TagColour:
        return LIGHT_COLOURS[self]


LIGHT_COLOURS = tag_colours(Light, {Light.ON: TagColour.GREEN, Light.OFF: TagColour.GREY})


def render(value) -> str:
    return Template("{% load status_tags %}{% status_tag value %}").render(Context({"value": value}))


def test_a_state_renders_as_a_tag_in_its_declared_colour_with_its_label_escaped():
    assert render(Light.ON) == '<strong class="govuk-tag govuk-tag--green">On &lt;now&gt;</strong>'
    assert render(Light.OFF) == '<strong class="govuk-tag govuk-tag--grey">Off</strong>'


def test_an_empty_state_renders_nothing():
    assert render(None) == ""
    assert render("") == ""


def test_a_bare_string_is_refused_because_it_has_no_colour():
    assert not isinstance("on", Tagged)
    with pytest.raises(TypeError):
        render("on")


def test_a_state_type_missing_a_colour_fails_when_declared():
    class Half(StrEnum):
        ONE = "one"
        TWO = "two"

    with pytest.raises(LookupError, match="TWO|two"):
        tag_colours(Half, {Half.ONE: TagColour.RED})
