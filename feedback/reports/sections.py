"""The sections of a theme report, each a function that reads its figures from the database.

Every count is a GROUP BY in the database, never a loop over items. What a section returns is plain
JSON (labels as they were when the report was built, and raw counts): it is stored on the report as
its snapshot, and disclosure control (common.disclosure) is applied when it is shown or exported
(presentation.py), so every output hides the same cells.

A report built before a section was wired holds ``{"unavailable": True}`` for it, and its page says
that the portal held no such figures then.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, time

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import cached_property

from common.disclosure import quotable
from consultations.models import Consultation, OutcomeItem, Response
from coproduction.models import (
    LIVED_EXPERIENCE_ROLES,
    Action,
    Attendance,
    BenchLevel,
    LadderRung,
    ParticipantRole,
    RegisterEntry,
    Session,
)

from ..models import (
    NEGATIVE_RATINGS,
    POSITIVE_RATINGS,
    AudienceScope,
    CallAttempt,
    CallStatus,
    CaseFeedback,
    Channel,
    ClosedCase,
    Coding,
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    FollowUpCall,
    FriendsAndFamilyRating,
    Polarity,
)

# How many themes a polarity's list shows, and how many quotes a theme gives.
TOP_THEMES = 10
QUOTES_PER_GROUP = 2
QUOTES_SHOWN = 12

# Patterns that suggest a quote names or reaches a person; a person decides and removes it.
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_PATTERN = re.compile(r"(?<!\w)(\+44\s?|0)(\d[\s-]?){9,10}(?!\w)")
NAME_PATTERNS = (
    re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+"),
    re.compile(
        r"\b(?:my|our|her|his|their)\s+(?:son|daughter|child|boy|girl|brother|sister|worker|social worker|teacher)"
        r",?\s+(?:called\s+)?[A-Z][a-z]+"
    ),
    re.compile(r"\b(?:called|named|name is)\s+[A-Z][a-z]+"),
)


def quote_flags(text: str) -> list[str]:
    """What in a quote may identify someone: "email", "phone", "name"."""
    flags = []
    if EMAIL_PATTERN.search(text):
        flags.append("email")
    if PHONE_PATTERN.search(text):
        flags.append("phone")
    if any(pattern.search(text) for pattern in NAME_PATTERNS):
        flags.append("name")
    return flags


class Scope:
    """What one report reads: the audience's feedback received in the period."""

    def __init__(self, *, first_day: date, last_day: date, audience_scope: str):
        self.first_day = first_day
        self.last_day = last_day
        self.child_protection_only = audience_scope == AudienceScope.CHILD_PROTECTION

    def items(self):
        items = FeedbackItem.objects.received_between(self.first_day, self.last_day)
        return items.child_protection() if self.child_protection_only else items

    def codings(self):
        """The codings of the scope's items, filtered through one join (not an IN over the items)."""
        codings = Coding.objects.filter(item__received_on__gte=self.first_day, item__received_on__lte=self.last_day)
        return (codings.filter(item__child_protection=True) if self.child_protection_only else codings).order_by()

    @cached_property
    def theme_counts(self) -> list[dict]:
        """Items coded with each theme and polarity (an item coded by two people counts once): one
        GROUP BY that the themes, gaps and quotes sections share."""
        return list(
            self.codings()
            .values("theme_id", "theme__name", "theme__service_area__name", "polarity")
            .annotate(n=Count("item", distinct=True))
        )

    def moments(self) -> tuple[datetime, datetime]:
        """The period as a half-open span of UK times, for models that hold times."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.first_day, time.min, tzinfo=zone)
        end = datetime.combine(self.last_day, time.max, tzinfo=zone)
        return start, end


def grouped(queryset, field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in queryset.order_by().values(field).annotate(n=Count("pk"))}


def labelled(counts: dict[str, int], choices) -> list[list]:
    """[key, label, count] for each choice, in the choices' order, zeros included."""
    return [[value, str(label), counts.get(value, 0)] for value, label in choices]


def volumes(scope: Scope) -> dict:
    items = scope.items()
    by_team = items.order_by().values("team_id", "team__name").annotate(n=Count("pk")).order_by("-n", "team__name")
    return {
        "by_source": labelled(grouped(items, "source"), FeedbackSource.choices),
        "by_channel": labelled(grouped(items, "channel"), FeedbackChannel.choices),
        "by_team": [[row["team_id"], row["team__name"] or "No team recorded", row["n"]] for row in by_team],
    }


def friends_and_family(scope: Scope) -> dict:
    counts = grouped(scope.items().exclude(rating=""), "rating")
    return {
        "by_rating": labelled(counts, FriendsAndFamilyRating.choices),
        "positive": sum(counts.get(value, 0) for value in POSITIVE_RATINGS),
        "negative": sum(counts.get(value, 0) for value in NEGATIVE_RATINGS),
        "answered": sum(counts.values()),
    }


def themes(scope: Scope) -> dict:
    by_theme: dict[int, dict] = {}
    for row in scope.theme_counts:
        theme = by_theme.setdefault(row["theme_id"], {"id": row["theme_id"], "name": row["theme__name"], "counts": {}})
        theme["counts"][row["polarity"]] = row["n"]
    ordered = sorted(by_theme.values(), key=lambda theme: (-sum(theme["counts"].values()), theme["name"]))
    items = scope.items()
    return {
        "polarities": [[value, str(label)] for value, label in Polarity.choices],
        "themes": ordered,
        "coded_items": items.filter(Exists(Coding.objects.filter(item=OuterRef("pk")))).count(),
        "items": items.count(),
    }


def gaps(scope: Scope) -> dict:
    """Gaps in provision: themes coded "missing", with their Local Offer area."""
    rows = sorted(
        (row for row in scope.theme_counts if row["polarity"] == Polarity.MISSING),
        key=lambda row: (-row["n"], row["theme__name"]),
    )
    return {
        "themes": [
            [row["theme_id"], row["theme__name"], row["theme__service_area__name"] or "", row["n"]] for row in rows
        ]
    }


def quotes(scope: Scope) -> dict:
    """Quotes people consented to, each from a theme and polarity coded on at least five items.

    Child-protection feedback is never quoted. A quote is shown without its source; what looks like
    a name, phone number or e-mail address is flagged for a person to remove. The latest items of
    every group come in one query (a window numbering each group's items), not one per group.
    """
    groups = sorted(scope.theme_counts, key=lambda row: (-row["n"], row["theme__name"], row["polarity"]))
    eligible = [group for group in groups if quotable(group["n"])]
    names = {(group["theme_id"], group["polarity"]): group["theme__name"] for group in eligible}
    candidates = (
        scope.codings()
        .filter(item__consent_to_quote=True, item__child_protection=False)
        .filter(theme_id__in={group["theme_id"] for group in eligible})
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("theme_id"), F("polarity")],
                order_by=[F("item__received_on").desc(), F("item_id").desc()],
            )
        )
        .filter(place__lte=QUOTES_PER_GROUP + 1)  # one spare, where an item is quoted for another theme
        .values("item_id", "theme_id", "polarity", "place")
        if eligible
        else []
    )
    by_group: dict[tuple, list] = {}
    for row in candidates:
        by_group.setdefault((row["theme_id"], row["polarity"]), []).append(row)
    picked, seen = [], set()
    for group in eligible:
        key = (group["theme_id"], group["polarity"])
        rows = sorted(by_group.get(key, []), key=lambda row: row["place"])
        for row in [row for row in rows if row["item_id"] not in seen][:QUOTES_PER_GROUP]:
            if len(picked) < QUOTES_SHOWN:
                seen.add(row["item_id"])
                picked.append((row["item_id"], names[key], row["polarity"]))
    # The texts of the few items chosen, read apart so the window sorts narrow rows.
    texts = dict(FeedbackItem.objects.filter(pk__in=seen).values_list("pk", "text")) if seen else {}
    chosen = [
        {"id": pk, "text": texts[pk], "theme": theme, "polarity": polarity, "flags": quote_flags(texts[pk])}
        for pk, theme, polarity in picked
    ]
    return {
        "quotes": chosen,
        "small_groups": len(groups) - len(eligible),
        "child_protection_only": scope.child_protection_only,
    }


def consultations(scope: Scope) -> dict:
    if scope.child_protection_only:
        return {"out_of_scope": True}
    start, end = scope.moments()
    held = Consultation.objects.published().filter(opens_at__lte=end, closes_at__gte=start)
    by_area = held.order_by().values("service_area__name").annotate(n=Count("pk")).order_by("-n", "service_area__name")
    outcomes = Consultation.objects.with_outcomes_published().filter(outcomes_published_at__range=(start, end))
    return {
        "held": held.count(),
        "by_area": [[row["service_area__name"], row["service_area__name"], row["n"]] for row in by_area],
        "responses": Response.objects.submitted()
        .filter(consultation__in=held, submitted_at__range=(start, end))
        .count(),
        "outcomes_published": outcomes.count(),
        "outcome_points": OutcomeItem.objects.filter(consultation__in=outcomes).count(),
    }


def coproduction(scope: Scope) -> dict:
    if scope.child_protection_only:
        return {"out_of_scope": True}
    sessions = sessions_held(scope)
    grid = {
        (row["bench_level"], row["rung"]): row["n"]
        for row in sessions.order_by().values("bench_level", "rung").annotate(n=Count("pk"))
    }
    attended = RegisterEntry.objects.filter(session__in=sessions, attendance=Attendance.ATTENDED)
    by_role = grouped(attended, "role")
    return {
        "levels": [[value, str(label)] for value, label in BenchLevel.choices],
        "rungs": [[value, str(label)] for value, label in LadderRung.choices],
        "grid": [[grid.get((level, rung), 0) for rung in LadderRung.values] for level in BenchLevel.values],
        "sessions": sum(grid.values()),
        "attendance_by_role": labelled(by_role, ParticipantRole.choices),
        "attended": sum(by_role.values()),
        "lived_experience": sum(by_role.get(role, 0) for role in LIVED_EXPERIENCE_ROLES),
    }


def sessions_held(scope: Scope):
    start, end = scope.moments()
    return Session.objects.not_cancelled().filter(starts_at__range=(start, end))


def closed_case_response_rates(scope: Scope) -> dict:
    """Letters sent in the period and how many of those families gave feedback (by any channel, up to
    when the report is built); feedback sent online in the period, and how much on the young
    person's form; and the calls of the quarters that begin in the period, by where they ended."""
    if scope.child_protection_only:
        return {"out_of_scope": True}
    start, end = scope.moments()
    letters = ClosedCase.objects.filter(letter_sent_on__gte=scope.first_day, letter_sent_on__lte=scope.last_day)
    written = letters.order_by().aggregate(
        letters=Count("pk"), responded=Count("pk", filter=Exists(CaseFeedback.objects.filter(case=OuterRef("pk"))))
    )
    online = (
        CaseFeedback.objects.filter(received_at__range=(start, end))
        .order_by()
        .aggregate(
            online=Count("pk", filter=Q(channel__in=[Channel.ONLINE, Channel.ONLINE_CHILD])),
            child=Count("pk", filter=Q(channel=Channel.ONLINE_CHILD)),
        )
    )
    calls = FollowUpCall.objects.filter(
        sample__quarter_start__gte=scope.first_day, sample__quarter_start__lte=scope.last_day
    ).order_by()
    made = calls.filter(Exists(CallAttempt.objects.filter(call=OuterRef("pk"))))
    return {
        **written,
        **online,
        "calls_drawn": calls.count(),
        "calls_made": made.count(),
        "call_outcomes": labelled(grouped(calls, "status"), CallStatus.choices),
    }


def coproduction_actions(scope: Scope) -> dict:
    """The actions agreed at the sessions held in the period: done by their due date, done late, and
    still open (one aggregate in the co-production app)."""
    if scope.child_protection_only:
        return {"out_of_scope": True}
    return Action.objects.report_outcomes(sessions=sessions_held(scope))


# The report's sections in the order they are shown, each with its builder.
SECTIONS: list[tuple[str, Callable[[Scope], dict]]] = [
    ("volumes", volumes),
    ("closed_case_response_rates", closed_case_response_rates),
    ("friends_and_family", friends_and_family),
    ("themes", themes),
    ("gaps", gaps),
    ("quotes", quotes),
    ("consultations", consultations),
    ("coproduction", coproduction),
    ("coproduction_actions", coproduction_actions),
]
