"""Staff pages for theme reports (/staff/reports/): managers and administrators only (rules.py).

Thin: each page finds the report, validates a form and calls one service.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from common.pagination import page_links
from common.spreadsheets import csv_download
from common.views import StaffRequiredMixin

from ..models import ImprovementAction, LocalOfferPublication, ThemeReport
from . import rules as _rules  # noqa: F401 - registers the permissions this module checks
from . import services
from .exports import report_csv_rows, report_pdf, suppression_statement
from .forms import (
    ActionUpdateForm,
    CommentaryForm,
    ImprovementActionForm,
    PublicationBuildForm,
    PublicationEditForm,
    ReportRequestForm,
)
from .local_offer import publication_present
from .periods import Period
from .presentation import report_actions, report_present

PAGE_SIZE = 25
COMMENTARY_SHOWN = 100


class ReportStaffMixin(StaffRequiredMixin):
    permission_required = ("accounts.access_staff_area", "feedback.read_theme_report")
    permission_denied_message = gettext_lazy("Only managers and administrators read theme reports.")


class ReportListView(ReportStaffMixin, generic.ListView):
    template_name = "feedback/reports/report_list.html"
    context_object_name = "reports"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return ThemeReport.objects.select_related("audience").only(
            "pk", "audience__name", "first_day", "last_day", "state", "scheduled", "approved_at"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        return context


class ReportRequestView(ReportStaffMixin, generic.FormView):
    template_name = "feedback/reports/report_request.html"
    form_class = ReportRequestForm

    def form_valid(self, form):
        try:
            report = services.theme_report_request(
                audience=form.cleaned_data["audience"],
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                user=self.request.user,
                moment=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        return redirect("feedback:report", report_pk=report.pk)


class ReportMixin(ReportStaffMixin):
    """A page about the report in the URL; ``changes_report`` pages refuse a locked report."""

    changes_report = False

    @cached_property
    def report(self) -> ThemeReport:
        return get_object_or_404(
            ThemeReport.objects.select_related("audience", "reviewed_by", "approved_by", "requested_by"),
            pk=self.kwargs["report_pk"],
        )

    def report_url(self) -> str:
        return reverse("feedback:report", kwargs={"report_pk": self.report.pk})

    def dispatch(self, request, *args, **kwargs):
        if self.changes_report and request.user.has_perm("feedback.read_theme_report"):
            if self.report.is_locked:
                messages.error(request, _("This report is approved and can no longer be changed."))
                return redirect(self.report_url())
            if not self.report.is_built:
                return redirect(self.report_url())
        return super().dispatch(request, *args, **kwargs)

    def refused(self, error: ValidationError):
        messages.error(self.request, error.messages[0])
        return redirect(self.report_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        context["period"] = Period(self.report.first_day, self.report.last_day)
        return context


def report_context(report: ThemeReport) -> dict:
    """What the page and the PDF show: the figures with disclosure control, commentary and actions."""
    presented = report_present(report)
    return {
        "report": report,
        "period": Period(report.first_day, report.last_day),
        "presented": presented,
        "suppression_statement": suppression_statement(presented),
        "commentary": list(report.commentary.select_related("written_by")[:COMMENTARY_SHOWN]),
        "actions": report_actions(report),
        "flagged_quotes": services.flagged_quotes(report),
    }


class ReportDetailView(ReportMixin, generic.TemplateView):
    template_name = "feedback/reports/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.report.is_built:
            context |= report_context(self.report)
        context["can_change"] = self.request.user.has_perm("feedback.change_theme_report", self.report)
        return context


class ReportCsvView(ReportMixin, generic.View):
    def get(self, request, *args, **kwargs):
        if not self.report.is_built:
            return redirect(self.report_url())
        rows = report_csv_rows(self.report, report_present(self.report))
        return csv_download(rows, filename=f"theme-report-{self.report.pk}.csv")


class ReportPdfView(ReportMixin, generic.View):
    def get(self, request, *args, **kwargs):
        if not self.report.is_built:
            return redirect(self.report_url())
        response = HttpResponse(report_pdf(report_context(self.report)), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="theme-report-{self.report.pk}.pdf"'
        return response


class ReportStateView(ReportMixin, generic.View):
    """Review or approve (POST only; a GET goes back to the report)."""

    changes_report = True
    change = None
    done_message = ""

    def get(self, request, *args, **kwargs):
        return redirect(self.report_url())

    def post(self, request, *args, **kwargs):
        try:
            self.change(report=self.report, user=request.user, moment=timezone.now())
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, self.done_message)
        return redirect(self.report_url())


class ReportReviewView(ReportStateView):
    change = staticmethod(services.theme_report_review)
    done_message = gettext_lazy("Report marked as reviewed.")


class ReportApproveView(ReportStateView):
    change = staticmethod(services.theme_report_approve)
    done_message = gettext_lazy("Report approved. It can no longer be changed.")


class QuoteRemoveView(ReportMixin, generic.View):
    changes_report = True

    def get(self, request, *args, **kwargs):
        return redirect(self.report_url())

    def post(self, request, *args, **kwargs):
        try:
            quote_id = int(request.POST.get("quote", ""))
        except ValueError:
            return self.refused(ValidationError(_("That quote is not in this report.")))
        try:
            services.report_quote_remove(report=self.report, quote_id=quote_id, user=request.user)
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("Quote removed from the report."))
        return redirect(self.report_url() + "#quotes")


class CommentaryAddView(ReportMixin, generic.FormView):
    changes_report = True
    template_name = "feedback/reports/commentary_form.html"
    form_class = CommentaryForm

    def form_valid(self, form):
        try:
            services.report_commentary_add(
                report=self.report, user=self.request.user, text=form.cleaned_data["text"], moment=timezone.now()
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_service_error(error)
                return self.form_invalid(form)
            return self.refused(error)
        messages.success(self.request, _("Commentary added."))
        return redirect(self.report_url() + "#commentary")


class ActionAddView(ReportMixin, generic.FormView):
    changes_report = True
    template_name = "feedback/reports/action_form.html"
    form_class = ImprovementActionForm

    def form_valid(self, form):
        try:
            services.improvement_action_add(
                report=self.report,
                description=form.cleaned_data["description"],
                owner_team=form.cleaned_data["owner_team"],
                due_on=form.cleaned_data["due_on"],
                user=self.request.user,
                moment=timezone.now(),
            )
        except ValidationError as error:
            return self.refused(error)
        messages.success(self.request, _("Improvement action added."))
        return redirect(self.report_url() + "#actions")


class ActionDetailView(ReportStaffMixin, generic.FormView):
    """An improvement action, its history and a new status: it lives on after its report is approved."""

    template_name = "feedback/reports/action_detail.html"
    form_class = ActionUpdateForm

    @cached_property
    def action(self) -> ImprovementAction:
        return get_object_or_404(
            ImprovementAction.objects.select_related("owner_team", "raised_in__audience", "created_by"),
            pk=self.kwargs["improvement_action_pk"],
        )

    def get_initial(self):
        return {"status": self.action.status}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.action
        context["updates"] = self.action.updates.select_related("changed_by")[:200]
        context["raised_in"] = self.action.raised_in
        context["raised_in_period"] = Period(self.action.raised_in.first_day, self.action.raised_in.last_day)
        return context

    def form_valid(self, form):
        try:
            services.improvement_action_update(
                action=self.action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                user=self.request.user,
                moment=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Status saved."))
        return redirect("feedback:action", improvement_action_pk=self.action.pk)


# --- The annual Local Offer publication ---------------------------------------------------------------


class PublicationListView(ReportStaffMixin, generic.FormView):
    """The years' publications, and a year to build."""

    template_name = "feedback/reports/publication_list.html"
    form_class = PublicationBuildForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["publications"] = LocalOfferPublication.objects.only("pk", "year", "published_at", "built_at")[:50]
        return context

    def form_valid(self, form):
        try:
            publication = services.publication_build(
                year=form.cleaned_data["year"], user=self.request.user, moment=timezone.now()
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        return redirect("feedback:publication", publication_pk=publication.pk)


class PublicationEditView(ReportStaffMixin, generic.FormView):
    template_name = "feedback/reports/publication_edit.html"
    form_class = PublicationEditForm

    @cached_property
    def publication(self) -> LocalOfferPublication:
        return get_object_or_404(LocalOfferPublication, pk=self.kwargs["publication_pk"])

    @cached_property
    def shown(self):
        return publication_present(self.publication.figures, self.publication.responses)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"areas": self.shown[0]}

    def get_initial(self):
        initial = {"introduction": self.publication.introduction}
        return initial | {f"response_{key}": text for key, text in self.publication.responses.items()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas, hidden = self.shown
        context |= {"publication": self.publication, "areas": areas, "suppressed": hidden}
        return context

    def post(self, request, *args, **kwargs):
        if self.publication.is_published:
            messages.error(request, _("This year's publication is published and can no longer be changed."))
            return redirect("feedback:publication", publication_pk=self.publication.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.publication_edit(
                publication=self.publication,
                introduction=form.cleaned_data["introduction"],
                responses=form.responses(),
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Publication saved."))
        return redirect("feedback:publication", publication_pk=self.publication.pk)


class PublicationPublishView(ReportStaffMixin, generic.View):
    def get(self, request, *args, **kwargs):
        return redirect("feedback:publication", publication_pk=self.kwargs["publication_pk"])

    def post(self, request, *args, **kwargs):
        publication = get_object_or_404(LocalOfferPublication, pk=self.kwargs["publication_pk"])
        try:
            services.publication_publish(publication=publication, user=request.user, moment=timezone.now())
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("feedback:publication", publication_pk=publication.pk)
        messages.success(request, _("Published. Anyone can now read it."))
        return redirect("feedback:local-offer-year", year=publication.year)


class PublicIndexView(generic.ListView):
    """Every year's published Local Offer feedback: earlier years stay readable."""

    template_name = "feedback/reports/public_index.html"
    context_object_name = "publications"

    def get_queryset(self):
        return LocalOfferPublication.objects.published().only("pk", "year", "first_day", "last_day", "published_at")[
            :50
        ]


class PublicYearView(generic.TemplateView):
    template_name = "feedback/reports/public_year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = get_object_or_404(LocalOfferPublication.objects.published(), year=self.kwargs["year"])
        areas, hidden = publication_present(publication.figures, publication.responses)
        context |= {"publication": publication, "areas": areas, "suppressed": hidden}
        return context
