"""The annual Local Offer publication (regulation 56 of the SEND Regulations 2014).

Comments on the Local Offer over a year (April to March), grouped by Local Offer area and polarity,
with the council's response and planned action, and the "You said, we did" points published in the
year. What regulation 56(4) allows the council to leave out (an item about one person's own service,
or vexatious) is left out, and so is child-protection feedback; 56(3): no one can be identified, so
the counts go through disclosure control and no comment is quoted.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _

from common.disclosure import Count as ShownCount
from common.disclosure import breakdown, table
from consultations.models import OutcomeItem

from ..models import Coding, FeedbackItem, Polarity
from .sections import Scope

OUTCOMES_PER_AREA = 20
NO_AREA = "none"


def year_span(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def publication_figures(*, first_day: date, last_day: date) -> dict:
    """The year's counts by Local Offer area, polarity and theme, and "You said, we did" by area."""
    items = FeedbackItem.objects.received_between(first_day, last_day).filter(
        child_protection=False, publication_exclusion__isnull=True
    )
    rows = (
        Coding.objects.filter(item__in=items)
        .order_by()
        .values("theme__service_area_id", "theme__service_area__name", "polarity", "theme__name")
        .annotate(n=Count("item", distinct=True))
    )
    areas: dict[str, dict] = {}
    for row in rows:
        key = str(row["theme__service_area_id"] or NO_AREA)
        area = areas.setdefault(
            key, {"key": key, "name": row["theme__service_area__name"] or "", "themes": {}, "outcomes": []}
        )
        area["themes"].setdefault(row["polarity"], {})[row["theme__name"]] = row["n"]
    # Items per area and polarity (an item coded with two themes of one area counts once).
    per_area = (
        Coding.objects.filter(item__in=items)
        .order_by()
        .values("theme__service_area_id", "polarity")
        .annotate(n=Count("item", distinct=True))
    )
    for row in per_area:
        areas[str(row["theme__service_area_id"] or NO_AREA)].setdefault("items", {})[row["polarity"]] = row["n"]
    start, end = Scope(first_day=first_day, last_day=last_day, audience_scope="all").moments()
    outcomes = (
        OutcomeItem.objects.filter(
            consultation__outcomes_published_at__range=(start, end),
            consultation__published_at__isnull=False,
            consultation__withdrawn_at__isnull=True,
        )
        .order_by("consultation__service_area__name", "consultation_id", "position", "pk")
        .values(
            "consultation__service_area_id",
            "consultation__service_area__name",
            "consultation__title",
            "you_said",
            "we_did",
            "changed",
            "why_not",
        )
    )
    for outcome in outcomes:
        key = str(outcome["consultation__service_area_id"])
        area = areas.setdefault(
            key, {"key": key, "name": outcome["consultation__service_area__name"], "themes": {}, "outcomes": []}
        )
        if len(area["outcomes"]) < OUTCOMES_PER_AREA:
            area["outcomes"].append(
                {
                    "consultation": outcome["consultation__title"],
                    "you_said": outcome["you_said"],
                    "we_did": outcome["we_did"] if outcome["changed"] else outcome["why_not"],
                    "changed": outcome["changed"],
                }
            )
    ordered = sorted(areas.values(), key=lambda area: (area["key"] == NO_AREA, area["name"]))
    return {"areas": ordered, "polarities": [[value, str(label)] for value, label in Polarity.choices]}


@dataclass
class AreaShown:
    key: str
    name: str
    counts: list[tuple[str, ShownCount]]
    themes: list[tuple[str, list[tuple[str, ShownCount]]]]
    outcomes: list[dict]
    response: str
    total: ShownCount | None = None
    notes: list[str] = field(default_factory=list)


def publication_present(figures: dict, responses: dict) -> tuple[list[AreaShown], bool]:
    """Each area with its counts by polarity (a table of areas by polarity, suppressed as one), the
    themes under each polarity (suppressed within it), its "You said, we did" and the response."""
    polarities = figures.get("polarities", [])
    areas = figures.get("areas", [])
    grid = table([[area.get("items", {}).get(value, 0) for value, _label in polarities] for area in areas])
    hidden = grid.suppressed
    shown = []
    for area, cells, total in zip(areas, grid.cells, grid.row_totals, strict=True):
        themes = []
        for value, label in polarities:
            named = sorted(area["themes"].get(value, {}).items(), key=lambda pair: (-pair[1], pair[0]))
            if not named:
                continue
            counts = breakdown([n for _name, n in named])
            hidden |= counts.suppressed
            themes.append((label, [(name, cell) for (name, _n), cell in zip(named, counts.cells[0], strict=True)]))
        shown.append(
            AreaShown(
                key=area["key"],
                name=area["name"] or _("Not linked to a Local Offer area"),
                counts=[(label, cell) for (_value, label), cell in zip(polarities, cells, strict=True)],
                themes=themes,
                outcomes=area["outcomes"],
                response=responses.get(area["key"], ""),
                total=total,
            )
        )
    return shown, hidden
