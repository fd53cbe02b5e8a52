"""What the co-production pages report, per group or overall, for a range of dates: sessions by Bench
level and rung, attendance, the share of parent carers and young people per session and month by
month, and what became of the actions sessions agreed.

Each section is one grouped query, however many sessions the range holds. Counts of people go
through disclosure control (common.disclosure): a count from 1 to 4 reads "fewer than 5", a second
count is hidden where a total would give the first away, and no percentage rests on a hidden count.
Counts of sessions and of actions name nobody and are shown as they are.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from common import disclosure
from common.dates import local_day_bounds
from common.prepared import PreparedRead

from . import follow_up, services
from .models import (
    LIVED_EXPERIENCE_ROLES,
    Action,
    Attendance,
    BenchLevel,
    LadderRung,
    ParticipantRole,
    RegisterEntry,
    Session,
)
from .services import Share

SESSIONS_LISTED = 100  # the per-session table lists the latest sessions; the months cover them all


def last_twelve_months(today: date) -> tuple[date, date]:
    """From the same day a year ago (28 February for 29 February) to today."""
    try:
        first = today.replace(year=today.year - 1)
    except ValueError:
        first = today.replace(year=today.year - 1, day=28)
    return first, today


def sessions_in(*, first_day: date, last_day: date, group=None):
    """Sessions held (not cancelled) from ``first_day`` to ``last_day``, UK dates; of one group, if given."""
    starts, ends = local_day_bounds(first_day, last_day)
    sessions = Session.objects.not_cancelled().filter(starts_at__gte=starts, starts_at__lt=ends)
    return sessions.filter(group=group) if group is not None else sessions


# --- Sessions by Bench level and rung --------------------------------------------------------------


@dataclass(frozen=True)
class LevelsByRung:
    rungs: list[str]  # column labels
    rows: list[tuple[str, list[int], int]]  # Bench level label, a count per rung, row total
    rung_totals: list[int]
    total: int


def sessions_by_level_and_rung(sessions) -> LevelsByRung:
    counted = {
        (row["bench_level"], row["rung"]): row["sessions"]
        for row in sessions.order_by().values("bench_level", "rung").annotate(sessions=Count("pk"))
    }
    rows = []
    for level in BenchLevel:
        cells = [counted.get((level.value, rung.value), 0) for rung in LadderRung]
        rows.append((level.label, cells, sum(cells)))
    rung_totals = [sum(row[1][i] for row in rows) for i in range(len(LadderRung))]
    return LevelsByRung([rung.label for rung in LadderRung], rows, rung_totals, sum(rung_totals))


# --- Attendance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceTable:
    """People's places on registers by the role they held and whether they came, after suppression."""

    roles: list[str]  # row labels
    attendances: list[str]  # column labels
    table: disclosure.Table

    @property
    def rows(self) -> list[tuple[str, list[disclosure.Count], disclosure.Count]]:
        return list(zip(self.roles, self.table.cells, self.table.row_totals, strict=True))


def attendance(sessions) -> AttendanceTable:
    counted = {
        (row["role"], row["attendance"]): row["people"]
        for row in RegisterEntry.objects.filter(session__in=sessions)
        .order_by()
        .values("role", "attendance")
        .annotate(people=Count("pk"))
    }
    values = [[counted.get((role.value, mark.value), 0) for mark in Attendance] for role in ParticipantRole]
    return AttendanceTable(
        roles=[role.label for role in ParticipantRole],
        attendances=[mark.label for mark in Attendance],
        table=disclosure.table(values),
    )


# --- The share of parent carers and young people ----------------------------------------------------

PRESENT = Q(register_entries__attendance=Attendance.ATTENDED)
LIVED = PRESENT & Q(register_entries__role__in=LIVED_EXPERIENCE_ROLES)


@dataclass(frozen=True)
class ShareRow:
    """One session's or month's share, as it may be shown: the counts after suppression and the
    percentage only where neither count is hidden."""

    label: str
    when: date
    share: Share
    lived: disclosure.Count
    present: disclosure.Count

    @property
    def percent(self) -> int | None:
        return disclosure.percent(self.lived, self.present)


@dataclass(frozen=True)
class ShareTable:
    rows: list[ShareRow]
    lived: disclosure.Count  # over every row
    present: disclosure.Count
    suppressed: bool
    more: bool = False  # rows left out (the per-session table lists the latest only)

    @property
    def percent(self) -> int | None:
        return disclosure.percent(self.lived, self.present)


def share_table(labelled: list[tuple[str, date, Share]], *, more: bool = False) -> ShareTable:
    """Rows of (label, date, Share) suppressed as one table: parent carers and young people, and the
    others present, with each row's total (those present), so no hidden count can be worked back."""
    result = disclosure.table([[s.lived_experience, s.present - s.lived_experience] for _l, _w, s in labelled])
    rows = [
        ShareRow(label, when, share, result.cells[i][0] if result.cells else None, result.row_totals[i])
        for i, (label, when, share) in enumerate(labelled)
    ]
    lived_total = result.column_totals[0] if result.column_totals else disclosure.count(0)
    return ShareTable(rows, lived_total, result.total, result.suppressed, more)


def share_by_session(sessions) -> ShareTable:
    """The latest SESSIONS_LISTED sessions, each with those present and how many were parent carers or
    young people: one query."""
    counted = list(
        sessions.order_by("-starts_at", "pk")
        .annotate(present=Count("register_entries", filter=PRESENT), lived=Count("register_entries", filter=LIVED))
        .values("title", "starts_at", "rung", "present", "lived")[: SESSIONS_LISTED + 1]
    )
    labelled = [
        (
            row["title"],
            timezone.localdate(row["starts_at"]),
            Share(present=row["present"], lived_experience=row["lived"], rung=row["rung"]),
        )
        for row in counted[:SESSIONS_LISTED]
    ]
    return share_table(labelled, more=len(counted) > SESSIONS_LISTED)


def share_by_month(sessions) -> ShareTable:
    """Month by month (UK months), every session in the range: one query."""
    london = ZoneInfo(settings.TIME_ZONE)
    counted = (
        sessions.order_by()
        .annotate(month=TruncMonth("starts_at", tzinfo=london))
        .values("month")
        .annotate(present=Count("register_entries", filter=PRESENT), lived=Count("register_entries", filter=LIVED))
        .order_by("month")
    )
    labelled = []
    for row in counted:
        month = row["month"]
        day = timezone.localtime(month).date() if isinstance(month, datetime) else month
        share = Share(present=row["present"], lived_experience=row["lived"], rung="")
        labelled.append((date_format(day, "F Y"), day, share))
    return share_table(labelled)


# --- The chart ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    month: str  # "Nov", under the bar
    year: str  # under the month, for January and the first bar
    x: float
    centre: float
    y: float
    height: float
    percent: int | None  # None: hidden (or nobody present), so no bar is drawn


@dataclass(frozen=True)
class Chart:
    """A bar chart of the monthly share, drawn as SVG by the template: sizes in the SVG's own units."""

    width: int
    height: int
    plot_top: int
    plot_bottom: int
    bar_width: float
    bars: list[Bar]
    meaningful_y: float
    meaningful_percent: int
    gridlines: list[tuple[int, float]]  # (percent, y)


def share_chart(months: ShareTable, *, width: int = 400, height: int = 240) -> Chart:
    left, right, top, bottom = 44, 4, 10, height - 40
    plot_height = bottom - top
    slot = (width - left - right) / max(len(months.rows), 1)
    bar_width = max(min(slot * 0.7, 40), 2)

    def y_of(percent: float) -> float:
        return round(bottom - plot_height * percent / 100, 1)

    bars = []
    for i, row in enumerate(months.rows):
        percent = row.percent
        x = round(left + i * slot + (slot - bar_width) / 2, 1)
        y = y_of(percent or 0)
        year = str(row.when.year) if i == 0 or row.when.month == 1 else ""
        centre = round(x + bar_width / 2, 1)
        bars.append(Bar(date_format(row.when, "M"), year, x, centre, y, round(bottom - y, 1), percent))
    meaningful = round(settings.COPRODUCTION_MEANINGFUL_SHARE * 100)
    return Chart(
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        bar_width=round(bar_width, 1),
        bars=bars,
        meaningful_y=y_of(meaningful),
        meaningful_percent=meaningful,
        gridlines=[(p, y_of(p)) for p in (0, 25, 50, 75, 100)],
    )


# --- Actions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionOutcomes:
    """Actions agreed at the sessions: done by their due date, done after it, and still open."""

    on_time: int
    late: int
    open: int


def action_outcomes(sessions) -> ActionOutcomes | None:
    """The actions agreed at these sessions, or None where none were (the page says so)."""
    outcomes = ActionOutcomes(**Action.objects.report_outcomes(sessions=sessions))
    return outcomes if outcomes.on_time or outcomes.late or outcomes.open else None


# --- The whole report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    first_day: date
    last_day: date
    sessions: LevelsByRung
    attendance: AttendanceTable
    by_session: ShareTable
    by_month: ShareTable
    chart: Chart
    actions: ActionOutcomes | None

    @property
    def suppressed(self) -> bool:
        return self.attendance.table.suppressed or self.by_session.suppressed or self.by_month.suppressed


def report_for(*, first_day: date, last_day: date, today: date, group=None) -> Report:
    """The report for a range of UK dates, overall or for one group: one query a section."""
    sessions = sessions_in(first_day=first_day, last_day=last_day, group=group)
    by_month = share_by_month(sessions)
    return Report(
        first_day=first_day,
        last_day=last_day,
        sessions=sessions_by_level_and_rung(sessions),
        attendance=attendance(sessions),
        by_session=share_by_session(sessions),
        by_month=by_month,
        chart=share_chart(by_month),
        actions=action_outcomes(sessions),
    )


# --- A session's staff page ----------------------------------------------------------------------

WAITING_SHOWN = 20
REGISTER_MAX = 500  # a register form longer than this would not be usable; the page says so


# Every session page reads its session first (and with it the stamp its drawings are kept under).
session_read = PreparedRead(lambda pk: Session.objects.select_related("group", "team").filter(pk=pk))


def session_page_reading(session: Session, *, today: date) -> dict:
    """What a session's staff page shows below its agenda: the replies, the waiting list, the
    register with its share, and the follow-up. Nine queries, whatever the numbers."""
    entries = list(
        session.register_entries.select_related("participant").order_by("participant__full_name", "pk")[
            : REGISTER_MAX + 1
        ]
    )
    replies = services.replies_for(session)
    waiting = session.invitations.waiting().select_related("participant")[:WAITING_SHOWN] if replies.waiting else []
    return {
        "entries": entries[:REGISTER_MAX],
        "more_entries": len(entries) > REGISTER_MAX,
        "share": services.share_for(session),
        "replies": replies,
        "waiting": list(waiting),
    } | follow_up.session_follow_up(session, today=today)


SESSION_PAGE_READ = (
    "entries",
    "more_entries",
    "share",
    "replies",
    "waiting",
    *follow_up.SESSION_FOLLOW_UP_READ,
)


def session_page_key(session: Session, *, can_edit: bool, status: str, started: bool, today: date) -> str:
    """The key the page is drawn once under: the session's stamp (page_stamps.py) names what it
    shows; what the viewer may do, the session's status, the day (actions fall overdue) and the
    language name how it shows it."""
    return f"{session.pk}:{session.page_stamp}:{int(can_edit)}:{status}:{int(started)}:{today}:{get_language()}"
