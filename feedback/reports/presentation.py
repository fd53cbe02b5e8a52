"""A report as it is shown and exported: its stored figures with disclosure control applied.

The page, the PDF and the CSV all read what ``report_present`` returns, so they hide the same cells:
a count from 1 to 4 is "fewer than 5", a second cell goes where a total would give a hidden one
away, no percentage stands on a hidden count, and quotes come only from groups of five or more
(chosen when the report was built). ``suppressed`` says whether anything was hidden.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.dates import govuk_date
from common.disclosure import Count, breakdown, count, percent, table

from ..models import ActionStatus, ImprovementAction, Polarity, ThemeReport
from .charts import bar_chart


@dataclass
class Row:
    label: str
    count: Count
    note: str = ""  # a change against the previous period, or a Local Offer area


@dataclass
class Breakdown:
    key: str
    caption: str
    rows: list[Row]
    total: Count | None = None
    note_heading: str = ""

    @property
    def chart(self):
        return bar_chart(title=self.caption, rows=[(row.label, row.count) for row in self.rows], chart_id=self.key)


@dataclass
class Grid:
    key: str
    caption: str
    column_labels: list[str]
    rows: list[tuple[str, list[Count], Count]]
    column_totals: list[Count]
    total: Count


@dataclass
class Figure:
    label: str
    value: str


@dataclass
class Section:
    key: str
    title: str
    empty: str = ""  # why there is nothing to show, when there is nothing
    figures: list[Figure] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Presented:
    sections: list[Section]
    suppressed: bool


def _breakdown(key: str, caption: str, rows: list[list], *, notes: dict | None = None) -> tuple[Breakdown, bool]:
    """[key, label, value] rows as a suppressed breakdown with its total."""
    suppressed = breakdown([value for *_rest, value in rows])
    result = Breakdown(
        key=key,
        caption=caption,
        rows=[
            Row(str(label), cell, (notes or {}).get(row_key, ""))
            for (row_key, label, _value), cell in zip(rows, suppressed.cells[0] if rows else [], strict=True)
        ],
        total=suppressed.total,
    )
    return result, suppressed.suppressed


def _percent_text(numerator: Count, denominator: Count) -> str:
    share = percent(numerator, denominator)
    return _("not shown (a count is under 5)") if share is None else f"{share}%"


def _volumes(figures: dict) -> tuple[Section, bool]:
    section = Section("volumes", _("Feedback received"))
    hidden = False
    for key, caption in (
        ("by_source", _("Feedback by source")),
        ("by_channel", _("Feedback by channel")),
        ("by_team", _("Feedback by team")),
    ):
        rows = figures[key]
        if key != "by_team":
            rows = [row for row in rows if row[2]] or rows
        part, part_hidden = _breakdown(f"volumes-{key}", caption, rows)
        section.breakdowns.append(part)
        hidden |= part_hidden
    if not sum(row[2] for row in figures["by_source"]):
        section.empty = _("No feedback was received in this period.")
    return section, hidden


def _friends_and_family(figures: dict) -> tuple[Section, bool]:
    section = Section("friends_and_family", _("Friends and Family Test"))
    if not figures["answered"]:
        section.empty = _("No one answered the Friends and Family Test question in this period.")
        return section, False
    neither = sum(value for key, _label, value in figures["by_rating"] if key == "neither")
    dont_know = sum(value for key, _label, value in figures["by_rating"] if key == "dont_know")
    rows = [
        ["positive", _("Very good or good"), figures["positive"]],
        ["neither", _("Neither good nor poor"), neither],
        ["negative", _("Poor or very poor"), figures["negative"]],
        ["dont_know", _("Don't know"), dont_know],
    ]
    part, hidden = _breakdown("friends-and-family", _("Overall, how was your experience of our service?"), rows)
    section.breakdowns.append(part)
    positive, negative = part.rows[0].count, part.rows[2].count
    section.figures = [
        Figure(_("Answered"), str(part.total)),
        Figure(_("Positive"), _percent_text(positive, part.total)),
        Figure(_("Negative"), _percent_text(negative, part.total)),
    ]
    return section, hidden


def _theme_columns(themes: list[dict], polarities: list[str]) -> dict[str, list[tuple[dict, Count]]]:
    """Each polarity is published as its own list of the themes coded with it, with its total, so
    each is suppressed as a breakdown of those themes alone: a theme not listed counts nothing, and a
    hidden zero would not protect anything a reader could not see."""
    columns, hidden = {}, False
    for polarity in polarities:
        coded = [theme for theme in themes if theme["counts"].get(polarity, 0)]
        suppressed = breakdown([theme["counts"][polarity] for theme in coded])
        columns[polarity] = (list(zip(coded, suppressed.cells[0] if coded else [], strict=True)), suppressed.total)
        hidden |= suppressed.suppressed
    return columns, hidden


def _change(now: Count, before: Count | None) -> str:
    if before is None:
        return _("not in the earlier report")
    if now.hidden or before.hidden:
        return _("not shown")
    difference = now.value - before.value
    return f"+{difference}" if difference > 0 else str(difference)


def _themes(figures: dict, previous: dict | None) -> tuple[Section, Section, bool]:
    themes_section = Section("themes", _("Top themes"))
    gaps_section = Section("gaps", _("Gaps in provision"))
    polarities = [value for value, _label in figures["polarities"]]
    themes = figures["themes"]
    columns, hidden = _theme_columns(themes, polarities)
    before: dict[tuple[int, str], Count] = {}
    if previous:
        previous_columns, _hidden = _theme_columns(previous["themes"], polarities)
        for polarity, (cells, _total) in previous_columns.items():
            for theme, cell in cells:
                before[(theme["id"], polarity)] = cell
    themes_section.figures = [
        Figure(_("Feedback items in the period"), str(count(figures["items"]))),
        Figure(_("Coded with at least one theme"), str(count(figures["coded_items"]))),
    ]
    if previous:
        themes_section.notes.append(
            _("Changes are against the report for %(period)s.") % {"period": previous["period"]}
        )
    else:
        themes_section.notes.append(_("There is no earlier report for this audience to compare with."))
    for polarity, label in figures["polarities"]:
        ranked, total = columns[polarity]
        ranked = list(ranked)
        # Shown counts first, largest first; hidden ones after, so their order says nothing of their size.
        ranked.sort(key=lambda pair: (pair[1].hidden, -(pair[1].shown or 0), pair[0]["name"]))
        if polarity == Polarity.MISSING:
            areas = {row[0]: row[2] for row in figures.get("gap_areas", [])}
            if ranked:
                gaps_section.breakdowns.append(
                    Breakdown(
                        key="gaps",
                        caption=_("Themes coded as missing"),
                        rows=[Row(theme["name"], cell, areas.get(theme["id"], "")) for theme, cell in ranked],
                        total=total,
                        note_heading=_("Local Offer area"),
                    )
                )
            else:
                gaps_section.empty = _("No feedback in this period was coded as a gap in provision.")
        rows = [
            Row(theme["name"], cell, _change(cell, before.get((theme["id"], polarity))) if previous else "")
            for theme, cell in ranked[: figures.get("top", 10)]
        ]
        if rows:
            themes_section.breakdowns.append(
                Breakdown(
                    key=f"themes-{polarity}",
                    caption=_("%(polarity)s: top themes") % {"polarity": label},
                    rows=rows,
                    note_heading=_("Change") if previous else "",
                )
            )
    if not themes:
        themes_section.empty = _("No feedback in this period has been coded with a theme yet.")
    return themes_section, gaps_section, hidden


def _quotes(figures: dict, removed: list[int]) -> Section:
    section = Section("quotes", _("What people said"))
    section.quotes = [quote for quote in figures["quotes"] if quote["id"] not in removed]
    labels = dict(Polarity.choices)
    for quote in section.quotes:
        quote["polarity_label"] = str(labels.get(quote["polarity"], ""))
    if figures.get("child_protection_only"):
        section.empty = _("Child-protection feedback is never quoted.")
    elif not section.quotes:
        section.empty = _(
            "No quotes: none of the feedback coded in a theme of five or more items was given with consent to quote."
        )
    section.notes.append(
        _("Quotes are shown only where at least five items share the theme, and only with consent; never with a name.")
    )
    return section


def _out_of_scope(key: str, title: str) -> Section:
    return Section(key, title, empty=_("This audience's reports cover child-protection feedback only."))


def _consultations(figures: dict) -> tuple[Section, bool]:
    title = _("Consultations and \u201cYou said, we did\u201d")
    if figures.get("out_of_scope"):
        return _out_of_scope("consultations", title), False
    section = Section("consultations", title)
    if not figures["held"] and not figures["outcomes_published"]:
        section.empty = _(
            "No consultation was open, and no \u201cYou said, we did\u201d was published, in this period."
        )
        return section, False
    section.figures = [
        Figure(_("Consultations open in the period"), str(count(figures["held"]))),
        Figure(_("Responses received"), str(count(figures["responses"]))),
        Figure(_("\u201cYou said, we did\u201d published"), str(count(figures["outcomes_published"]))),
        Figure(_("Points answered in them"), str(count(figures["outcome_points"]))),
    ]
    part, hidden = _breakdown("consultations-by-area", _("Consultations by service area"), figures["by_area"])
    if part.rows:
        section.breakdowns.append(part)
    hidden |= any(count(figures[key]).hidden for key in ("held", "responses", "outcomes_published", "outcome_points"))
    return section, hidden


def _coproduction(figures: dict) -> tuple[Section, bool]:
    title = _("Co-production sessions")
    if figures.get("out_of_scope"):
        return _out_of_scope("coproduction", title), False
    section = Section("coproduction", title)
    if not figures["sessions"]:
        section.empty = _("No co-production session was held in this period.")
        return section, False
    grid = table(figures["grid"])
    section.grids.append(
        Grid(
            key="coproduction-grid",
            caption=_("Sessions by Bench level and ladder rung"),
            column_labels=[label for _value, label in figures["rungs"]],
            rows=[
                (label, cells, total)
                for (_value, label), cells, total in zip(figures["levels"], grid.cells, grid.row_totals, strict=True)
            ],
            column_totals=grid.column_totals,
            total=grid.total,
        )
    )
    lived = figures["lived_experience"]
    attendance, attendance_hidden = _breakdown(
        "coproduction-attendance",
        _("Who attended"),
        [
            ["lived", _("Parent carers and young people"), lived],
            ["others", _("Professionals, partners and councillors"), figures["attended"] - lived],
        ],
    )
    section.breakdowns.append(attendance)
    section.figures = [
        Figure(_("Sessions held"), str(grid.total)),
        Figure(_("Attendances"), str(attendance.total)),
        Figure(_("Share of parent carers and young people"), _percent_text(attendance.rows[0].count, attendance.total)),
    ]
    return section, grid.suppressed or attendance_hidden


def _unavailable(key: str, title: str, source: str) -> Section:
    """A section of a report built before the portal held its figures."""
    return Section(
        key, title, empty=_("The portal held no %(source)s when this report was built.") % {"source": source}
    )


def _counted(section: Section, pairs: list[tuple[str, int]]) -> bool:
    """Lone counts as figures, each with primary suppression; whether any was hidden."""
    counts = [(label, count(value)) for label, value in pairs]
    section.figures.extend(Figure(label, str(cell)) for label, cell in counts)
    return any(cell.hidden for _label, cell in counts)


def _not_shown(figures: dict, key: str, title: str, source: str) -> Section | None:
    """The section of a report built before the portal held its figures, or out of the audience's
    scope; None where it has figures to show."""
    if figures.get("unavailable"):
        return _unavailable(key, title, source)
    if figures.get("out_of_scope"):
        return _out_of_scope(key, title)
    return None


def _closed_cases(figures: dict) -> tuple[Section, bool]:
    key, title = "closed_case_response_rates", _("Closed-case response rates")
    if placeholder := _not_shown(figures, key, title, _("closed-case letters or follow-up calls")):
        return placeholder, False
    section = Section(key, title)
    if not figures["letters"] and not figures["online"] and not figures["calls_drawn"]:
        section.empty = _(
            "No closure letter was sent, no feedback came online and no follow-up call was drawn in this period."
        )
        return section, False
    hidden = _counted(
        section,
        [
            (_("Closure letters sent"), figures["letters"]),
            (_("Families written to who gave feedback"), figures["responded"]),
        ],
    )
    section.figures.append(
        Figure(_("Response rate"), _percent_text(count(figures["responded"]), count(figures["letters"])))
    )
    hidden |= _counted(
        section,
        [
            (_("Feedback sent online"), figures["online"]),
            (_("Of which on the young person\u2019s form"), figures["child"]),
            (_("Follow-up calls drawn"), figures["calls_drawn"]),
        ],
    )
    outcomes_hidden = False
    if figures["calls_drawn"]:
        part, outcomes_hidden = _breakdown(
            "closed-case-calls", _("Follow-up calls by outcome"), figures["call_outcomes"]
        )
        section.breakdowns.append(part)
    # Calls made are nearly the calls drawn less those never tried: beside a hidden outcome, they
    # could give it away, so they are hidden with it.
    made = figures["calls_made"]
    made_count = Count(made, outcomes_hidden or count(made).hidden)
    section.figures.append(Figure(_("Calls made"), str(made_count)))
    hidden |= outcomes_hidden or made_count.hidden
    section.notes.append(
        _(
            "The response rate is of the families sent a letter in the period who gave feedback by any channel. "
            "Calls are those of the quarters that begin in the period."
        )
    )
    return section, hidden


def _coproduction_actions(figures: dict) -> tuple[Section, bool]:
    key, title = "coproduction_actions", _("Co-production actions")
    if placeholder := _not_shown(figures, key, title, _("co-production actions")):
        return placeholder, False
    section = Section(key, title)
    if not any(figures[part] for part in ("on_time", "late", "open")):
        section.empty = _("No action was agreed at a co-production session held in this period.")
        return section, False
    part, hidden = _breakdown(
        "coproduction-actions",
        _("Actions agreed at the period\u2019s sessions"),
        [
            ["on_time", _("Done by the due date"), figures["on_time"]],
            ["late", _("Done after the due date"), figures["late"]],
            ["open", _("Still open"), figures["open"]],
        ],
    )
    section.breakdowns.append(part)
    # Done is on time plus late: beside either hidden, it would give it away.
    on_time, late = part.rows[0].count, part.rows[1].count
    done = Count(on_time.value + late.value, on_time.hidden or late.hidden)
    section.figures = [
        Figure(_("Actions done"), str(done)),
        Figure(_("Done by the due date, of those done"), _percent_text(part.rows[0].count, done)),
    ]
    return section, hidden


def report_present(report: ThemeReport) -> Presented:
    figures = report.figures
    volumes, hidden = _volumes(figures["volumes"])
    fft, fft_hidden = _friends_and_family(figures["friends_and_family"])
    theme_figures = dict(figures["themes"], gap_areas=figures["gaps"]["themes"])
    themes, gaps, themes_hidden = _themes(theme_figures, figures.get("previous"))
    consultations, consultations_hidden = _consultations(figures["consultations"])
    coproduction, coproduction_hidden = _coproduction(figures["coproduction"])
    closed_cases, closed_cases_hidden = _closed_cases(figures["closed_case_response_rates"])
    actions, actions_hidden = _coproduction_actions(figures["coproduction_actions"])
    sections = [
        volumes,
        closed_cases,
        fft,
        themes,
        gaps,
        _quotes(figures["quotes"], report.removed_quotes),
        consultations,
        coproduction,
        actions,
    ]
    hidden_anywhere = [hidden, fft_hidden, themes_hidden, consultations_hidden]
    hidden_anywhere += [coproduction_hidden, closed_cases_hidden, actions_hidden]
    return Presented(sections=sections, suppressed=any(hidden_anywhere))


# --- Improvement actions -----------------------------------------------------------------------------


def action_as_dict(action: ImprovementAction) -> dict:
    return {
        "id": action.pk,
        "description": action.description,
        "owner_team": action.owner_team.name,
        "due_on": action.due_on.isoformat(),
        "due": govuk_date(action.due_on),
        "status": action.status,
        "status_label": str(ActionStatus(action.status).label),
        "raised_in": str(action.raised_in.first_day.isoformat()),
        "history": [
            {
                "status_label": str(ActionStatus(update.status).label),
                "note": update.note,
                "by": str(update.changed_by),
                "on": govuk_date(update.changed_at),
            }
            for update in action.updates.all()
        ],
    }


def report_actions(report: ThemeReport) -> dict:
    """The report's own actions and those carried from earlier reports: as they were when it was
    approved, or as they are now for a report not yet approved."""
    if report.actions_at_approval is not None:
        return report.actions_at_approval
    related = ImprovementAction.objects.select_related("owner_team", "raised_in").prefetch_related(
        "updates__changed_by"
    )
    return {
        "own": [action_as_dict(action) for action in related.filter(raised_in=report)],
        "carried": [action_as_dict(action) for action in related.carried_into(report)],
    }
