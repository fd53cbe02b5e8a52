"""Every e-mail template, found on disk: the subject and the plain-text part carry what people
typed exactly as typed, and the HTML part escapes it."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from notifications.models import Message
from notifications.services import message_render

TYPED = 'Children\'s respite & "short breaks" <for under 5s>'
ESCAPED = "Children&#x27;s respite &amp; &quot;short breaks&quot; &lt;for under 5s&gt;"
PARTS = ("subject.txt", "body.txt", "body.html")


def email_templates() -> dict[str, Path]:
    """``<app>/<name>`` -> folder, for every e-mail template of the portal's own apps."""
    found = {}
    for app in apps.get_app_configs():
        if not Path(app.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(app.path).parts:
            continue
        for part in PARTS:
            for path in Path(app.path).glob(f"templates/*/email/*/{part}"):
                found[f"{path.parent.parent.parent.name}/{path.parent.name}"] = path.parent
    return found


TEMPLATES = email_templates()


def variables(folder: Path) -> set[str]:
    text = "".join((folder / part).read_text() for part in PARTS)
    return set(re.findall(r"{{\s*(\w+)", text)) | set(re.findall(r"{%\s*if\s+(\w+)", text))


def test_every_app_s_email_templates_are_found():
    assert {"accounts/confirm_email", "accounts/password_reset", "consultations/receipt"} <= set(TEMPLATES)
    assert len(TEMPLATES) >= 9


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_an_email_has_all_three_parts_in_the_app_that_owns_it(template):
    folder = TEMPLATES[template]
    assert folder.parent.parent.name == template.split("/")[0]  # <app>/templates/<app>/email/<name>
    assert [part for part in PARTS if not (folder / part).exists()] == []


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_what_people_typed_arrives_as_typed_in_text_and_escaped_in_html(template, settings):
    settings.OTP_TOTP_ISSUER = TYPED  # the service's name is in most e-mails too
    folder = TEMPLATES[template]
    context = dict.fromkeys(variables(folder) - {"service_name", "site_url"}, TYPED)
    email = message_render(Message(recipient="jo@example.com", template=template, context=context))

    html = email.alternatives[0][0]
    for part, rendered in (("subject.txt", email.subject), ("body.txt", email.body)):
        if "{{" in (folder / part).read_text():
            assert TYPED in rendered, f"{part}: {rendered}"
        for entity in ("&amp;", "&#x27;", "&quot;", "&lt;", "&gt;"):
            assert entity not in rendered, f"{part} is HTML-escaped: {rendered}"
    assert ESCAPED in html
    assert TYPED not in html and "<for under 5s>" not in html
