"""Access control, kept complete: every URL pattern of the resolver, for every role, against the
outcome written in the table below. A URL with no row fails the test, so a new page (in any app,
the administration site included) cannot be added without saying who may open it.

Path arguments are filled with real objects: a consultation owned by the "owning" team with its
question, document, sent response and "You said, we did" item; the reference and return link are
another person's. One client per role and one database: every URL is opened with GET, and the
change URLs whose posts are cheap are posted to as well.
"""

import re

from django.test import Client
from django.urls import get_resolver, reverse

from consultations.models import Consultation
from coproduction.models import Session
from feedback.models import CaseFeedback

from .conftest import fill, walk

ROLES = ("anonymous", "participant", "own_team", "other_team", "no_team", "manager", "administrator")

# Outcomes: a status code, "sign-in" (302 to the sign-in page) or "redirect" (302 elsewhere: the
# page sends the person on, for example a respond page with no draft to the start page).
EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = EVERYONE | {"anonymous": "sign-in"}
# Every staff role reads every team's consultations and responses.
STAFF_READ = SIGNED_IN | {"participant": 403}
# Changing a consultation, or seeing a respondent's contact details: its own team, managers and
# administrators; never staff of another team or of none.
STAFF_CHANGE = STAFF_READ | {"other_team": 403, "no_team": 403}
# Pages that take a post only send a GET on (publishing: to the preview; a question: to the overview).
STAFF_CHANGE_BY_POST = STAFF_CHANGE | {"own_team": "redirect", "manager": "redirect", "administrator": "redirect"}
STAFF_SENT_ON = dict.fromkeys(("own_team", "other_team", "no_team", "manager", "administrator"), "redirect")
# Theme reports: managers and administrators; a page that takes a post only sends a GET on to the report.
REPORT_READ = STAFF_READ | {"own_team": 403, "other_team": 403, "no_team": 403}
REPORT_BY_POST = REPORT_READ | {"manager": "redirect", "administrator": "redirect"}


def same_for_all(outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


EXPECTED = {
    # --- the project: home, health, static pages, staff dashboard
    "home": EVERYONE,
    "healthz": EVERYONE,
    "robots-txt": EVERYONE,
    "accessibility": EVERYONE,
    "privacy": EVERYONE,
    "cookies": EVERYONE,
    "contact": EVERYONE,
    "staff-dashboard": STAFF_READ,
    # --- accounts
    "accounts:sign-in": same_for_all("redirect") | {"anonymous": 200},  # signed in already: sent on
    "accounts:sign-out": same_for_all(405),  # POST only
    "accounts:register": EVERYONE,
    "accounts:register-check-email": EVERYONE,
    "accounts:confirm-email": same_for_all(400),  # another person's (or no) confirmation: refused
    "accounts:password-reset": EVERYONE,
    "accounts:password-reset-sent": EVERYONE,
    "accounts:password-reset-confirm": EVERYONE,  # a link that does not work says so
    "accounts:password-reset-complete": EVERYONE,
    "accounts:account": SIGNED_IN,
    "accounts:data-download": SIGNED_IN,
    "accounts:account-delete": SIGNED_IN,  # staff are told to ask an administrator (a plain page)
    "accounts:account-deleted": EVERYONE,
    "accounts:password-change": SIGNED_IN,
    "accounts:password-change-done": EVERYONE,
    "accounts:two-factor-setup": STAFF_READ,
    "accounts:two-factor-verify": same_for_all("redirect") | {"anonymous": "sign-in"},  # no device yet: set one up
    # --- consultations, public
    "consultations:your-responses": SIGNED_IN,
    "consultations:subscriptions": same_for_all(403) | {"anonymous": "sign-in", "participant": 200},
    "consultations:hub": EVERYONE,
    "consultations:detail": EVERYONE,
    "consultations:document": EVERYONE,
    "consultations:respond": EVERYONE,
    # No draft in this browser: sent to the start page, never to another person's draft.
    "consultations:respond-page": same_for_all("redirect"),
    "consultations:respond-about-you": same_for_all("redirect"),
    "consultations:respond-check": same_for_all("redirect"),
    "consultations:respond-save": same_for_all("redirect"),
    "consultations:respond-kept": same_for_all("redirect"),
    "consultations:respond-done": same_for_all(404),  # another person's reference
    # Another person's return link to a draft they own: sign in as them, or refused.
    "consultations:resume": same_for_all(400) | {"anonymous": "sign-in"},
    "consultations:outcomes": EVERYONE,
    "consultations:outcome-list": EVERYONE,
    # --- consultations, staff
    "consultations:staff-list": STAFF_READ,
    "consultations:staff-create": STAFF_READ,  # any staff member may draft one, for a team of theirs
    "consultations:staff-overview": STAFF_READ,
    "consultations:staff-edit": STAFF_CHANGE,
    "consultations:staff-preview": STAFF_READ,
    "consultations:staff-publish": STAFF_CHANGE_BY_POST,
    "consultations:staff-withdraw": STAFF_CHANGE,
    "consultations:staff-question-create": STAFF_CHANGE_BY_POST,
    "consultations:staff-question-edit": STAFF_CHANGE_BY_POST,
    "consultations:staff-question-move": STAFF_CHANGE_BY_POST,
    "consultations:staff-question-delete": STAFF_CHANGE_BY_POST,
    "consultations:staff-document-create": STAFF_CHANGE,
    "consultations:staff-document": STAFF_READ,
    "consultations:staff-document-delete": STAFF_CHANGE,
    "consultations:staff-responses": STAFF_READ,
    "consultations:staff-summary": STAFF_READ,
    "consultations:staff-export-csv": STAFF_READ,
    "consultations:staff-export-xlsx": STAFF_READ,
    "consultations:staff-record-response": STAFF_CHANGE,
    "consultations:staff-response": STAFF_READ,
    "consultations:staff-response-contact": STAFF_CHANGE,
    "consultations:staff-safeguarding": STAFF_READ,  # a concern is never blocked by team boundaries
    "consultations:staff-outcomes": STAFF_CHANGE,
    "consultations:staff-outcome-delete": STAFF_CHANGE,
    "consultations:staff-outcomes-publish": STAFF_CHANGE | {"own_team": 405, "manager": 405, "administrator": 405},
    # A prepared Excel export: every staff role may read responses, so may follow one being built;
    # its file is there only once built (this one is still waiting).
    "consultations:staff-export": STAFF_READ,
    "consultations:staff-export-download": STAFF_READ
    | {role: 404 for role in ("own_team", "other_team", "no_team", "manager", "administrator")},
    # --- co-production: every staff role reads groups; the owning team, managers and administrators
    # change them. A participant's details: managers, administrators and the teams whose groups they
    # belong to (or which recorded them), never other staff.
    "coproduction:index": STAFF_READ,
    "coproduction:groups": STAFF_READ,
    "coproduction:group-create": STAFF_READ,
    "coproduction:group": STAFF_READ,
    "coproduction:group-edit": STAFF_CHANGE,
    "coproduction:group-close": STAFF_CHANGE,
    "coproduction:membership-add": STAFF_CHANGE,
    "coproduction:membership-end": STAFF_CHANGE,
    "coproduction:participants": STAFF_READ,
    "coproduction:participant-create": STAFF_READ,
    "coproduction:import": STAFF_READ,
    "coproduction:import-template": STAFF_READ,
    "coproduction:participant": STAFF_READ,  # their name and groups; the details only to those above
    "coproduction:participant-edit": STAFF_CHANGE,
    # Sessions: every staff role reads them; the owning team, managers and administrators plan, change
    # and cancel them and take the register (the world's session has started, so its register is open).
    "coproduction:sessions": STAFF_READ,
    "coproduction:session-create": STAFF_READ,
    "coproduction:session": STAFF_READ,
    "coproduction:session-edit": STAFF_CHANGE,
    "coproduction:session-cancel": STAFF_CHANGE,
    "coproduction:agenda-add": STAFF_CHANGE,
    "coproduction:agenda-edit": STAFF_CHANGE,
    "coproduction:agenda-move": STAFF_CHANGE | {"own_team": 405, "manager": 405, "administrator": 405},  # POST only
    "coproduction:agenda-delete": STAFF_CHANGE,
    "coproduction:register": STAFF_CHANGE,
    "coproduction:walk-in": STAFF_CHANGE,
    # Invitations: the session's team, managers and administrators invite and see who needs what by
    # name; every staff role reads the replies. The reply page and a group's calendar feed need no
    # account: their addresses carry a signed token (the world's are real ones).
    "coproduction:invite": STAFF_CHANGE,
    "coproduction:replies": STAFF_READ,
    "coproduction:access-needs": STAFF_CHANGE,
    "coproduction:rsvp": EVERYONE,
    "coproduction:calendar-feed": EVERYONE,
    # What a session agreed: its team, managers and administrators record outcomes, actions and minutes,
    # and approve the minutes (the world's draft); every staff role reads the actions, and the action's
    # team (or a manager) updates one.
    "coproduction:outcome-add": STAFF_CHANGE,
    "coproduction:outcome-remove": STAFF_CHANGE,
    # Participants' comments at a session (a role, never a name): recorded by its team or a manager.
    "coproduction:comment-add": STAFF_CHANGE,
    "coproduction:minutes": STAFF_CHANGE,
    "coproduction:minutes-approve": STAFF_CHANGE,
    "coproduction:action-add": STAFF_CHANGE,
    "coproduction:actions": STAFF_READ,
    "coproduction:action": STAFF_READ,
    "coproduction:action-change": STAFF_CHANGE,
    "coproduction:action-update": STAFF_CHANGE,
    # Recognition: every staff role reads the ledgers and finance's file; the session's team, managers
    # and administrators record and change lines (the world's line is accepted, not yet paid).
    "coproduction:recognition": STAFF_READ,
    "coproduction:recognition-csv": STAFF_READ,
    "coproduction:session-recognition": STAFF_READ,
    "coproduction:recognition-add": STAFF_CHANGE,
    "coproduction:recognition-edit": STAFF_CHANGE,
    "coproduction:recognition-paid": STAFF_CHANGE,
    # The report: every staff role reads it (counts of people after disclosure control).
    "coproduction:report": STAFF_READ,
    "coproduction:group-report": STAFF_READ,
    # --- feedback: every staff role reads and codes every team's feedback. Taking up a suggestion and
    # removing a coding are posts: a GET sends staff back to the item.
    "feedback:inbox": STAFF_READ,
    "feedback:item": STAFF_READ,
    "feedback:suggestion-accept": STAFF_READ | STAFF_SENT_ON,
    "feedback:coding-remove": STAFF_READ | STAFF_SENT_ON,
    "feedback:themes": STAFF_READ,
    "feedback:agreement": STAFF_READ,
    # --- closed-case feedback: the family's pages need no account; staff see their own teams' cases
    "feedback:code": EVERYONE,
    "feedback:form": same_for_all("redirect"),  # no code entered in this browser: to the code page
    "feedback:child-form": same_for_all("redirect"),
    "feedback:thanks": EVERYONE,
    "feedback:cases": STAFF_READ,  # each sees only their teams' cases (managers all)
    "feedback:case-create": STAFF_READ,
    "feedback:import": STAFF_READ,
    "feedback:import-template": STAFF_READ,
    "feedback:case": STAFF_CHANGE,  # the family's contact details: the case's team and managers only
    "feedback:case-edit": STAFF_CHANGE,
    "feedback:record": STAFF_READ,
    "feedback:calls": STAFF_READ,  # one's own calls; managers every team's
    "feedback:call": STAFF_CHANGE,  # the family's phone number: the case's team and managers
    "feedback:quarters": STAFF_READ,  # each sees their teams' calls counted (managers all)
    "feedback:letters": STAFF_READ,
    # Every team's families' addresses, for the post room: managers and administrators only.
    "feedback:letters-pdf": STAFF_READ | {"own_team": 403, "other_team": 403, "no_team": 403},
    "feedback:feedback": STAFF_CHANGE,
    "feedback:feedback-flag": STAFF_CHANGE
    | {"own_team": "redirect", "manager": "redirect", "administrator": "redirect"},
    # Safeguarding flags are reviewed and handled by the designated officer (by the setting's address),
    # managers and administrators; a team's own staff raise concerns but do not close them.
    "feedback:flags": REPORT_READ,
    "feedback:flag-handle": REPORT_READ,
    # --- theme reports: managers and administrators only (they cover every team's feedback)
    "feedback:reports": REPORT_READ,
    "feedback:report-request": REPORT_READ,
    "feedback:report": REPORT_READ,
    "feedback:report-csv": REPORT_READ,
    "feedback:report-pdf": REPORT_READ,
    "feedback:report-review": REPORT_BY_POST,
    "feedback:report-approve": REPORT_BY_POST,
    "feedback:report-quote-remove": REPORT_BY_POST,
    "feedback:report-commentary": REPORT_READ,
    "feedback:report-action-add": REPORT_READ,
    "feedback:action": REPORT_READ,
    "feedback:publications": REPORT_READ,
    "feedback:publication": REPORT_READ,
    "feedback:publication-publish": REPORT_BY_POST,
    # the published Local Offer feedback, for everyone
    "feedback:local-offer": EVERYONE,
    "feedback:local-offer-year": EVERYONE,
}

# The administration site: administrators only; anyone else is sent to sign in or refused.
NOT_ADMIN = same_for_all(403) | {"anonymous": "sign-in"}
ADMIN_PAGES = {
    "admin:index": 200,
    "admin:login": "redirect",  # signed in already
    "admin:logout": 405,
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:autocomplete": 403,  # no autocomplete field
    "admin:jsi18n": 200,
    "admin:view_on_site": 404,  # a team has no public page
    "admin:app_list": 200,
    "admin:auth_user_password_change": 200,
    "admin/(?P<url>.*)$": 404,
}
# What an administrator gets from each model's pages: changelist, add, change, delete, history.
# Sign-in records, second-factor devices and role groups are not theirs to edit here; the audit log
# of personal data they read (only they), and nobody changes or deletes an entry.
FULL = (200, 200, 200, 200, 200)
NONE = (403, 403, 403, 403, 403)
ADMIN_MODELS = {
    "accounts_team": FULL,
    "accounts_user": FULL,
    "auth_group": NONE,
    "auditlog_logentry": (200, 403, 200, 403, 200),
    "axes_accessattempt": NONE,
    "axes_accesslog": NONE,
    "axes_accessfailurelog": NONE,
    "otp_totp_totpdevice": NONE,
    "consultations_servicearea": FULL,
    "consultations_consultation": (200, 403, 200, 200, 200),  # drafted by staff, not here
    "consultations_safeguardingflag": (200, 403, 200, 403, 200),  # a concern's record is kept
    "consultations_subscription": FULL,
    "notifications_message": (200, 403, 200, 200, 200),  # written by the portal only
    "coproduction_participationgroup": FULL,
    "coproduction_participant": FULL,
    "coproduction_membership": FULL,
    "feedback_theme": FULL,  # the taxonomy: administrators keep it
    "feedback_closedcase": FULL,
    "feedback_feedbackcode": (200, 403, 200, 200, 200),  # made by the letters job only
    "feedback_casefeedback": (200, 403, 200, 200, 200),  # sent by families or recorded by staff
    "feedback_safeguardingword": FULL,
    "feedback_lettertemplate": (200, 403, 200, 200, 200),  # one wording, made by the migration
    "feedback_letterbatch": (200, 403, 200, 200, 200),  # made by the daily job
    "feedback_feedbackletter": (200, 403, 200, 200, 200),
    "feedback_followupsample": (200, 403, 200, 200, 200),
    "feedback_followupcall": (200, 403, 200, 200, 200),
    "feedback_reportaudience": FULL,
    "feedback_publicationexclusion": FULL,
    # Sessions and what hangs from them change only through the staff pages; a session may be deleted.
    "coproduction_session": (200, 403, 200, 200, 200),
    "coproduction_agendaitem": (200, 403, 200, 403, 200),
    "coproduction_registerentry": (200, 403, 200, 403, 200),
    "coproduction_invitation": (200, 403, 200, 403, 200),
    "coproduction_agreedoutcome": (200, 403, 200, 403, 200),
    "coproduction_sessioncomment": (200, 403, 200, 403, 200),
    "coproduction_minutes": (200, 403, 200, 403, 200),
    "coproduction_action": (200, 403, 200, 403, 200),
    "coproduction_recognition": (200, 403, 200, 403, 200),
}
ADMIN_MODEL_EXTRA = {"otp_totp_totpdevice_config": 403, "otp_totp_totpdevice_qrcode": 403}


def admin_expectations() -> dict:
    expected = {name: NOT_ADMIN | {"administrator": outcome} for name, outcome in ADMIN_PAGES.items()}
    for model, outcomes in ADMIN_MODELS.items():
        for page, outcome in zip(("changelist", "add", "change", "delete", "history"), outcomes, strict=True):
            expected[f"admin:{model}_{page}"] = NOT_ADMIN | {"administrator": outcome}
        app_label, _, model_name = model.rpartition("_")
        # The bare object address only sends on to its change page.
        expected[f"admin/{app_label}/{model_name}/<path:object_id>/"] = NOT_ADMIN | {"administrator": "redirect"}
    for name, outcome in ADMIN_MODEL_EXTRA.items():
        expected[f"admin:{name}"] = NOT_ADMIN | {"administrator": outcome}
    return expected


def unnamed_path(route: str, kwargs: dict) -> str:
    """The address of a pattern without a name (the administration site has a few)."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(kwargs[match.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match.group(1)]), path)
    return "/" + path.strip("^$")


def outcome(response) -> object:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("accounts:sign-in")):
        return "sign-in"
    if location.startswith(reverse("admin:login")):
        return "admin-sign-in"
    return "redirect"


def clients_for(world) -> dict:
    clients = {"anonymous": Client()}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def test_every_url_answers_every_role_as_its_row_says(world):
    expected = EXPECTED | admin_expectations()
    clients = clients_for(world)
    wrong = []
    walked = list(walk(get_resolver().url_patterns))
    wrong += [f"{key}: a row for a URL that no longer exists" for key in expected.keys() - {k for k, *_ in walked}]
    for key, pattern, route in walked:
        if key not in expected:
            wrong.append(f"{key} ({route}): no row in the table")
            continue
        kwargs = fill(route, world["arguments"])
        path = reverse(key, kwargs=kwargs) if pattern.name else unnamed_path(route, kwargs)
        seen = {role: outcome(clients[role].get(path)) for role in ROLES}
        if seen != expected[key]:
            wrong.append(f"{key} {path}: expected {expected[key]}, got {seen}")
    assert not wrong, "\n".join(wrong)


# The change URLs whose posts are cheap to try: refused to everyone outside the owning team (the
# staff roles) or not signed in as staff, and nothing changes.
CHANGE_POSTS = [
    "consultations:staff-publish",
    "consultations:staff-withdraw",
    "consultations:staff-question-delete",
    "consultations:staff-document-delete",
    "consultations:staff-outcome-delete",
    "consultations:staff-outcomes-publish",
    "consultations:staff-response-contact",
    "coproduction:session-cancel",
    "coproduction:agenda-move",
    "coproduction:agenda-delete",
    "coproduction:minutes-approve",
    "coproduction:outcome-remove",
    "coproduction:recognition-paid",
    "feedback:feedback-flag",
    "feedback:flag-handle",
]


def test_posts_to_change_urls_are_refused_outside_the_owning_team_and_change_nothing(world):
    clients = clients_for(world)
    refused = {"anonymous": "sign-in", "participant": 403, "other_team": 403, "no_team": 403}
    wrong = []
    for name in CHANGE_POSTS:
        route = next(route for key, _pattern, route in walk(get_resolver().url_patterns) if key == name)
        path = reverse(name, kwargs=fill(route, world["arguments"]))
        for role, outcome_expected in refused.items():
            seen = outcome(clients[role].post(path, {"reason": "x", "confirm": "yes"}))
            if seen != outcome_expected:
                wrong.append(f"{role} POST {path}: expected {outcome_expected}, got {seen}")
    assert not wrong, "\n".join(wrong)
    consultation = Consultation.objects.get(pk=world["arguments"]["pk"])
    assert consultation.withdrawn_at is None
    assert consultation.questions.exists() and consultation.documents.exists()
    assert consultation.outcome_items.exists()
    session = Session.objects.get(pk=world["arguments"]["session_pk"])
    assert session.cancelled_at is None and session.agenda_items.exists()
    assert not session.minutes.is_approved and session.outcomes.exists()
    assert not session.recognitions.filter(paid_on__isnull=False).exists()
    assert CaseFeedback.objects.get(pk=world["arguments"]["feedback_pk"]).flag_is_open
