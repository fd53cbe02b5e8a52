"""The reply page renders its form from a plain template (for speed) that gives exactly the markup the
GOV.UK form layout gives: labels, hints, errors and what was typed, in every state."""

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from coproduction.forms import RsvpForm
from coproduction.models import Session

CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
PLAIN = Template('{% include "coproduction/public/_rsvp_form.html" %}')
TYPED = '<script>alert("x")</script> a break every hour'

STATES = {
    "blank": ({}, None),
    "earlier reply": ({"reply": "maybe", "arrangements": ["bsl"], "access_needs": TYPED, "keep_needs": True}, None),
    "valid post": ({}, {"reply": "yes", "arrangements": ["quiet_room"], "access_needs": TYPED, "keep_needs": "on"}),
    "nothing chosen": ({}, {}),
    "every error": ({}, {"reply": "perhaps", "arrangements": ["bsl", "nope"], "access_needs": "x" * 2001}),
}


@pytest.mark.parametrize("offered", [["bsl", "quiet_room", "childcare"], []])
@pytest.mark.parametrize("state", STATES)
def test_the_plain_reply_form_is_the_same_markup_as_the_gds_layout(state, offered):
    initial, data = STATES[state]
    form = RsvpForm(data, initial=initial, session=Session(arrangements=offered))
    form.is_valid()
    crispy, plain = (template.render(Context({"form": form})) for template in (CRISPY, PLAIN))
    assert parse_html(plain) == parse_html(crispy)
    if data and "access_needs" in data:
        assert "&lt;script&gt;" in plain or "x" * 2001 in plain
