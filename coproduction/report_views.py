"""What the pages report, overall and per group, for a range of dates (by default the last 12 months).

Every staff role reads it: counts of people are shown after disclosure control, so the page can be
shared beyond the teams that run the sessions.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import generic

from . import selectors
from .forms import ReportRangeForm
from .models import ParticipationGroup
from .views import CoproductionStaffMixin


class ReportView(CoproductionStaffMixin, generic.TemplateView):
    """The report for every session, or (with ``group_pk``) for one group's sessions."""

    permission_required = ("accounts.access_staff_area", "coproduction.read_session")
    template_name = "coproduction/staff/report.html"

    @cached_property
    def group(self) -> ParticipationGroup | None:
        if "group_pk" not in self.kwargs:
            return None
        return get_object_or_404(ParticipationGroup, pk=self.kwargs["group_pk"])

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        first_day, last_day = selectors.last_twelve_months(today)
        form = ReportRangeForm(self.request.GET or None, first_day=first_day, last_day=last_day)
        first_day, last_day = form.dates()
        return super().get_context_data(**kwargs) | {
            "group": self.group,
            "range_form": form,
            "form": form,  # the layout shows its error summary
            "report": selectors.report_for(first_day=first_day, last_day=last_day, today=today, group=self.group),
        }
