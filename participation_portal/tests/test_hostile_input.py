"""Hostile input, everywhere: every URL of the resolver (the administration site apart) is opened
with hostile path values and query strings, and every form on every page is posted with hostile
values, as a visitor, a participant and a member of staff. No answer is a 500, and no marker comes
back unescaped.

The values are drawn by hypothesis: very long text, NUL and other control characters, bidi
controls, scripts, SQL fragments, numbers that are not numbers, lists where one value is expected,
unknown ids. Each carries a marker that is only harmless if escaped. The run is derandomised so CI
repeats it; HOSTILE_INPUT_EXAMPLES=200 (for example) tries more.
"""

import os
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .conftest import fill, walk

MARKERS = ('<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>")
NASTY = (
    "\x00",
    "a\x00b",
    "\u202e\u2066gnp.exe\u2069",  # bidi overrides and isolates
    "\u200b\ufeff",
    "' OR '1'='1' --",
    "1; DROP TABLE consultations_consultation; --",
    "%00",
    "../../../../etc/passwd",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "x" * 20_000,
    "\r\nSet-Cookie: x=y",
    "javascript:alert(1)",
    "😀" * 50,
)
ROLES = ("anonymous", "participant", "own_team")
SKIPPED_POSTS = {"/account/sign-out/"}  # would end the session the rest of the walk needs
EXAMPLES = int(os.environ.get("HOSTILE_INPUT_EXAMPLES", "4"))

hostile_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40)).flatmap(
    lambda text: st.sampled_from(MARKERS).map(lambda marker: text + marker)
)


class Forms(HTMLParser):
    """The forms of a page: method, action and field names (with hidden fields' own values)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "fields": {}}
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], (attrs.get("type"), attrs.get("value") or ""))


def forms_of(response) -> list[dict]:
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = Forms()
    parser.feed(response.content.decode(errors="replace"))
    return parser.forms


def hostile_path(route: str, arguments: dict, value: str) -> str:
    """The route with text parameters hostile and numeric ones unknown."""
    kwargs = fill(route, arguments)

    def part(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return "2147483647"
        if converter == "slug":
            return str(kwargs.get(name, "unknown"))  # a hostile slug does not match the pattern
        return quote(value, safe="")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", part, route)


def problems_in(response, what: str) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{what}: {response.status_code}")
    body = b"".join(response) if response.streaming else response.content
    found += [f"{what}: echoed {marker!r} unescaped" for marker in MARKERS if marker.encode() in body]
    return found


def post_data(fields: dict, value: str, as_list: bool) -> dict:
    data = {}
    for name, (kind, own_value) in fields.items():
        if name == "csrfmiddlewaretoken" or kind == "file":
            continue
        if kind == "hidden" and not as_list:
            data[name] = own_value  # the page's own state, so the form is reached; hostile in the next pass
        else:
            data[name] = [value, "2147483647"] if as_list else value
    return data


def test_a_nul_in_a_reference_or_token_of_a_url_is_not_found_not_an_error(world, client):
    slug = world["arguments"]["slug"]
    for path in (f"/consultations/{slug}/respond/done/%00K4MP/", f"/consultations/{slug}/resume/a%00b/"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"<h1" in response.content  # the site's own page


def test_hostile_values_in_every_url_and_form_give_no_500_and_no_unescaped_echo(world, settings):
    rates = ("ANONYMOUS_FORM_RATE", "SIGN_IN_ADDRESS_RATE", "RESPONSE_START_RATE", "RESPONSE_PAGE_RATE")
    for rate in (*rates, "COPRODUCTION_RSVP_RATE"):
        setattr(settings, rate, "100000/h")  # a refusal would hide the form behind it
    settings.AXES_FAILURE_LIMIT = 100000
    routes = [(key, route) for key, _pattern, route in walk(get_resolver().url_patterns) if not key.startswith("admin")]
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in ROLES[1:]:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(world["users"][role])

    forms = {role: forms_on_every_page(client, routes, world["arguments"]) for role, client in clients.items()}

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(value=hostile_text, as_list=st.booleans())
    def walk_with(value, as_list):
        wrong = []
        query = "?" + "&".join(f"{name}={quote(value)}" for name in ("page", "q", "audience", "status", "next"))
        for role, client in clients.items():
            for key, route in routes:
                path = hostile_path(route, world["arguments"], value) + query
                wrong += problems_in(client.get(path), f"{role} GET {key} {path[:80]!r}")
            for target, method, fields in forms[role]:
                data = post_data(fields, value, as_list)
                send = client.post if method == "post" else client.get
                wrong += problems_in(send(target, data), f"{role} {method.upper()} {target} {value[:40]!r}")
        assert not wrong, "\n".join(dict.fromkeys(wrong))

    walk_with()


def forms_on_every_page(client, routes, arguments) -> list[tuple[str, str, dict]]:
    """(address, method, fields) of every form the client is shown on any page, found once. A
    form that starts a response is posted as it stands, so the question pages after it show theirs."""
    found = {}
    for _key, route in routes:
        kwargs = fill(route, arguments)
        page = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, kwargs=kwargs: quote(str(kwargs[m.group(1)])), route)
        for form in forms_of(client.get(page)):
            target = urlsplit(form["action"]).path if form["action"] else page
            if target in SKIPPED_POSTS or not target.startswith("/"):
                continue
            found.setdefault((target, form["method"]), form["fields"])
            if target.endswith("/respond/") and form["method"] == "post":
                client.post(target, post_data(form["fields"], "", as_list=False))
    return [(target, method, fields) for (target, method), fields in found.items()]
