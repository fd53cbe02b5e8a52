"""Staff pages for the recognition ledger: a session's payments, vouchers and expenses, the ledger
across sessions with finance's CSV file, and the forms that record an offer and a payment.

Every staff role reads the ledger (as it reads sessions and their registers); the session's team,
managers and administrators record and change it (coproduction.edit_session). Writes go through
recognition.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from common.pagination import page_links
from common.spreadsheets import csv_download

from . import recognition as ledger
from .models import OfferAnswer, Participant, Recognition
from .recognition_forms import LedgerFilterForm, PaidForm, RecognitionForm
from .views import PAGE_SIZE, CoproductionStaffMixin, SessionMixin

SESSION_LINES_SHOWN = 500  # a session with more lines than people in the room would be a mistake


class SessionRecognitionView(SessionMixin, generic.TemplateView):
    """The payments, vouchers and expenses of one session, with their totals."""

    template_name = "coproduction/staff/recognition_session.html"

    def get_context_data(self, **kwargs):
        lines = list(
            self.session.recognitions.select_related("participant").order_by("participant__full_name", "kind", "pk")[
                : SESSION_LINES_SHOWN + 1
            ]
        )
        return super().get_context_data(**kwargs) | {
            "lines": lines[:SESSION_LINES_SHOWN],
            "more_lines": len(lines) > SESSION_LINES_SHOWN,
            "totals": ledger.totals_of(self.session.recognitions.all()),
        }


class RecognitionMixin(SessionMixin):
    """A page that records or changes a line of the session's ledger: the session's team or a manager,
    for a session that took place (otherwise the session page says why)."""

    changes_session = True

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():
            try:
                ledger.recognition_check(session=self.session, user=request.user, moment=timezone.now())
            except ValidationError as error:
                return self.refused(error)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def line(self) -> Recognition:
        if "recognition_pk" not in self.kwargs:
            return Recognition(session=self.session)
        return get_object_or_404(
            self.session.recognitions.select_related("participant"), pk=self.kwargs["recognition_pk"]
        )

    def ledger_url(self) -> str:
        return reverse("coproduction:session-recognition", kwargs={"session_pk": self.session.pk})

    def refused(self, error: ValidationError):
        messages.error(self.request, error.messages[0])
        return redirect(self.ledger_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"line": self.line}


class RecognitionFormView(RecognitionMixin, generic.FormView):
    """Record an offer for someone present, or change one (its amount, answer or voucher code)."""

    template_name = "coproduction/staff/recognition_form.html"
    form_class = RecognitionForm

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and self.line.paid_on:
            return self.refused(ValidationError(_("This has been paid, so it cannot be changed.")))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        people = ledger.recognition_people(self.session).values("participant_id")
        candidates = Participant.objects.filter(pk__in=people).order_by("full_name", "pk")
        return super().get_form_kwargs() | {"instance": self.line, "people": candidates}

    def form_valid(self, form):
        try:
            ledger.recognition_save(
                recognition=form.instance,
                user=self.request.user,
                moment=timezone.now(),
                benefits_advice_given=form.cleaned_data.get("benefits_advice_given", False),
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Saved."))
        return redirect(self.ledger_url())


class RecognitionPaidView(RecognitionMixin, generic.FormView):
    """Record the day an accepted payment, voucher or expenses was paid."""

    template_name = "coproduction/staff/recognition_paid.html"
    form_class = PaidForm

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and (self.line.paid_on or self.line.answer != OfferAnswer.ACCEPTED):
            message = (
                _("This has already been paid.")
                if self.line.paid_on
                else _("Only something the person accepted can be paid.")
            )
            return self.refused(ValidationError(message))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"paid_on": timezone.localdate()}

    def form_valid(self, form):
        try:
            ledger.recognition_pay(
                recognition=self.line,
                user=self.request.user,
                paid_on=form.cleaned_data["paid_on"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Marked as paid."))
        return redirect(self.ledger_url())


class LedgerFilterMixin(CoproductionStaffMixin):
    permission_required = ("accounts.access_staff_area", "coproduction.read_session")

    @cached_property
    def filter_form(self) -> LedgerFilterForm:
        return LedgerFilterForm(self.request.GET or None, today=timezone.localdate())

    @cached_property
    def ledger_filter(self) -> ledger.LedgerFilter:
        return self.filter_form.ledger_filter()

    def lines(self):
        return self.ledger_filter.apply(Recognition.objects.all())


class LedgerView(LedgerFilterMixin, generic.ListView):
    """Every session's payments, vouchers and expenses, latest session first, filtered and paged, with
    the totals of what the filters found."""

    template_name = "coproduction/staff/recognition_ledger.html"
    context_object_name = "lines"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            self.lines()
            .select_related("participant", "session", "session__team")
            .order_by("-session__starts_at", "participant__full_name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        return context | {
            "filter_form": self.filter_form,
            "filtered": self.filter_form.filtered(),
            "range": self.ledger_filter,
            "page_links": page_links(context["page_obj"]) if context["is_paginated"] else [],
            "totals": ledger.totals_of(self.lines()),
            "csv_query": query.urlencode(),
        }


class FinanceCsvView(LedgerFilterMixin, generic.View):
    """Finance's file for what the ledger's filters found (by default, this financial year)."""

    def get(self, request, *args, **kwargs):
        return csv_download(ledger.finance_rows(self.lines()), filename=self.ledger_filter.filename())
