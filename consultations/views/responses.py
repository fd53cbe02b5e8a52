"""Staff reading, summarising, exporting and recording responses; safeguarding concerns; "You said,
we did" (staff and public); participants' e-mails about consultations.

Any staff role may read every team's consultation and its responses, and may raise a safeguarding
concern on any of them: a concern must never be blocked by team boundaries. Recording responses
and "You said, we did" need edit permission (the owning team, managers, administrators). Contact
details are personal data, so only those with edit permission see a respondent's e-mail address.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.mixins import StaffRequiredMixin
from accounts.roles import capabilities
from participation_portal.pagination import page_links

from .. import exports, selectors, services
from ..forms.responses import (
    OutcomeItemForm,
    OutcomesPublishForm,
    RecordResponseForm,
    ResponseFilterForm,
    SafeguardingConcernForm,
    SubscriptionsForm,
)
from ..models import Consultation, OutcomeItem

RESPONSES_PER_PAGE = 50
OUTCOMES_PER_PAGE = 10
TEMPLATES = "consultations/staff/responses/"


def bar_step(percentage: int) -> int:
    """The nearest 5% step for the bar chart's CSS classes (app-bar-chart__bar--0 .. --100)."""
    return max(0, min(100, 5 * round(percentage / 5)))


class ConsultationStaffMixin(StaffRequiredMixin):
    """Finds the consultation in the URL for a staff page about it.

    Any staff role may read; ``edit_required`` pages also need edit permission on this consultation.
    Queries: the consultation (with its team and service area) and, for staff who do not work across
    teams, their teams once per request.
    """

    permission_required = ("accounts.access_staff_area", "consultations.read_consultation")
    edit_required = False
    permission_denied_message = gettext_lazy("Only the consultation's team or a manager can do this.")

    def has_permission(self):
        if not super().has_permission():
            return False
        self.consultation = get_object_or_404(
            Consultation.objects.select_related("team", "service_area"), pk=self.kwargs["pk"]
        )
        self.can_edit = self.request.user.has_perm("consultations.edit_consultation", self.consultation)
        return self.can_edit or not self.edit_required

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "consultation": self.consultation,
            "can_edit": self.can_edit,
            "status": self.consultation.status_at(timezone.now()),
        }

    def submitted_response(self, response_pk: int):
        """A submitted response of this consultation (a draft is still someone's to finish), else 404."""
        try:
            response = selectors.response_with_answers(response_pk=response_pk, consultation=self.consultation)
        except self.consultation.responses.model.DoesNotExist as missing:
            raise Http404 from missing
        if not response.is_submitted:
            raise Http404
        return response


# --- Reading responses -------------------------------------------------------------------------------


class ResponseListView(ConsultationStaffMixin, TemplateView):
    """Submitted responses, newest first, filtered by channel, respondent type and date; 50 a page."""

    template_name = TEMPLATES + "list.html"

    def get_context_data(self, **kwargs):
        form = ResponseFilterForm(self.request.GET or None)
        filters = form.selector_filters() if form.is_bound and form.is_valid() else {}
        responses = selectors.responses_filtered(consultation=self.consultation, **filters).only(
            "pk", "consultation", "reference", "submitted_at", "channel", "respondent_type", "safeguarding_flagged_at"
        )
        page = Paginator(responses, RESPONSES_PER_PAGE).get_page(self.request.GET.get("page"))
        context = {
            "form": form,
            "page_obj": page,
            "responses": page.object_list,
            "is_filtered": form.is_filtered,
            "page_links": page_links(page),
        }
        return super().get_context_data(**kwargs) | context


class ResponseDetailView(ConsultationStaffMixin, TemplateView):
    template_name = TEMPLATES + "detail.html"

    def get_context_data(self, **kwargs):
        response = self.submitted_response(self.kwargs["response_pk"])
        answers = {answer.question_id: answer for answer in response.answers.all()}
        questions = list(self.consultation.questions.all())
        contact = getattr(response, "contact", None)
        return super().get_context_data(**kwargs) | {
            "response": response,
            "answered": [(question, answers.get(question.pk)) for question in questions],
            "contact": contact,
            "flags": list(response.safeguarding_flags.all()),
        }


class SafeguardingView(ConsultationStaffMixin, FormView):
    """Any member of staff who can read a response may raise a concern; the designated officer is emailed."""

    template_name = TEMPLATES + "safeguarding.html"
    form_class = SafeguardingConcernForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"response": self.response}

    def get(self, request, *args, **kwargs):
        self.response = get_object_or_404(self.consultation.responses.submitted(), pk=kwargs["response_pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.response = get_object_or_404(self.consultation.responses.submitted(), pk=kwargs["response_pk"])
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.safeguarding_flag_raise(
                response=self.response,
                raised_by=self.request.user,
                reason=form.cleaned_data["reason"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The concern is logged and the designated safeguarding officer has been emailed."),
        )
        return redirect("consultations:staff-response", pk=self.consultation.pk, response_pk=self.response.pk)


class SummaryView(ConsultationStaffMixin, TemplateView):
    """Per question: how many answered; counts, percentages and a chart for choices; latest written answers."""

    template_name = TEMPLATES + "summary.html"
    text_limit = 20

    def get_context_data(self, **kwargs):
        summaries = selectors.response_summary(consultation=self.consultation, text_limit=self.text_limit)
        for summary in summaries:
            summary.bars = [(choice, bar_step(choice.percentage)) for choice in summary.choices]
        return super().get_context_data(**kwargs) | {
            "summaries": summaries,
            "submitted": self.consultation.responses.submitted().count(),
            "text_limit": self.text_limit,
        }


# --- Exports -----------------------------------------------------------------------------------------


class ExportCsvView(ConsultationStaffMixin, View):
    """Every submitted response as CSV, streamed so a large consultation never waits in memory."""

    def get(self, request, *args, **kwargs):
        response = StreamingHttpResponse(
            exports.csv_lines(exports.rows(self.consultation)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(self.consultation, "csv")}"'
        response["Cache-Control"] = "no-store"
        return response


class ExportXlsxView(ConsultationStaffMixin, View):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            exports.xlsx_bytes(exports.rows(self.consultation)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(self.consultation, "xlsx")}"'
        response["Cache-Control"] = "no-store"
        return response


# --- Recording paper, telephone and event responses --------------------------------------------------


class RecordResponseView(ConsultationStaffMixin, FormView):
    template_name = TEMPLATES + "record.html"
    form_class = RecordResponseForm
    edit_required = True

    def get_form_kwargs(self):
        self.moment = timezone.now()
        return super().get_form_kwargs() | {
            "consultation": self.consultation,
            "questions": list(self.consultation.questions.all()),
            "moment": self.moment,
        }

    def form_valid(self, form):
        try:
            response = services.response_record(
                consultation=self.consultation,
                channel=form.cleaned_data["channel"],
                answers=form.answers(),
                respondent_type=form.cleaned_data["respondent_type"],
                consent_to_quote=form.cleaned_data["consent_to_quote"],
                received_at=form.received_at(),
                recorded_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Response %(reference)s is recorded. You can record another below.") % {"reference": response.reference},
        )
        return redirect("consultations:staff-record-response", pk=self.consultation.pk)


# --- You said, we did: staff -------------------------------------------------------------------------


class OutcomesEditView(ConsultationStaffMixin, FormView):
    """The points of "You said, we did": list, add, and publish (publishing posts to its own URL)."""

    template_name = TEMPLATES + "outcomes.html"
    form_class = OutcomeItemForm
    edit_required = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publish_form = kwargs.get("publish_form") or OutcomesPublishForm(
            initial={"summary": self.consultation.outcomes_summary},
            published=bool(self.consultation.outcomes_published_at),
        )
        item_form = context.pop("form")
        context |= {
            "items": list(self.consultation.outcome_items.all()),
            "item_form": item_form,
            "publish_form": publish_form,
            "can_publish": context["status"] == "closed",
        }
        # The page's error summary and "Error:" title follow whichever form was sent with a problem.
        failed = publish_form if publish_form.is_bound and publish_form.errors else item_form
        if failed.is_bound and failed.errors:
            context["form"] = failed
        return context

    def form_valid(self, form):
        try:
            item = services.outcome_item_save(item=form.item(self.consultation))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The point is added."))
        return redirect(
            reverse("consultations:staff-outcomes", kwargs={"pk": self.consultation.pk}) + f"#item-{item.pk}"
        )


class OutcomesPublishView(OutcomesEditView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        published = bool(self.consultation.outcomes_published_at)
        publish_form = OutcomesPublishForm(request.POST, published=published)
        if publish_form.is_valid():
            try:
                services.outcomes_publish(
                    consultation=self.consultation, summary=publish_form.cleaned_data["summary"], moment=timezone.now()
                )
            except ValidationError as error:
                publish_form.add_error(None, error)
            else:
                if published:
                    messages.success(request, _("The published page is updated."))
                else:
                    messages.success(
                        request,
                        _(
                            "\u201cYou said, we did\u201d is published. People who asked to hear what happened "
                            "next are being emailed."
                        ),
                    )
                return redirect("consultations:staff-outcomes", pk=self.consultation.pk)
        return self.render_to_response(self.get_context_data(form=OutcomeItemForm(), publish_form=publish_form))


class OutcomeItemDeleteView(ConsultationStaffMixin, TemplateView):
    """Asks first (GET), removes on POST."""

    template_name = TEMPLATES + "outcome_delete.html"
    edit_required = True

    def get_item(self) -> OutcomeItem:
        return get_object_or_404(self.consultation.outcome_items, pk=self.kwargs["item_pk"])

    def get_context_data(self, **kwargs):
        item = self.get_item()
        return super().get_context_data(**kwargs) | {"item": item, "item_list": [item]}

    def post(self, request, *args, **kwargs):
        try:
            services.outcome_item_delete(item=self.get_item())
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The point is removed."))
        return redirect("consultations:staff-outcomes", pk=self.consultation.pk)


# --- You said, we did: public ------------------------------------------------------------------------


class PublicOutcomeListView(ListView):
    """Every published "You said, we did", newest first, with its points; 10 consultations a page."""

    template_name = "consultations/outcomes/list.html"
    context_object_name = "consultations"
    paginate_by = OUTCOMES_PER_PAGE

    def get_queryset(self):
        return selectors.outcomes_published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"page_links": page_links(context["page_obj"]) if context["is_paginated"] else []}


class PublicOutcomesView(TemplateView):
    template_name = "consultations/outcomes/detail.html"

    def get_context_data(self, **kwargs):
        consultation = get_object_or_404(selectors.outcomes_published(), slug=self.kwargs["slug"])
        return super().get_context_data(**kwargs) | {
            "consultation": consultation,
            "items": list(consultation.outcome_items.all()),
            "responses": consultation.responses.submitted().count(),
        }


# --- Participants' e-mails about consultations -------------------------------------------------------


class SubscriptionsView(LoginRequiredMixin, FormView):
    """Participants choose the service areas they hear about when consultations open or close soon."""

    template_name = "consultations/subscriptions.html"
    form_class = SubscriptionsForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not capabilities(request.user).participate:
            raise PermissionDenied("These e-mails are for parent carers and young people with an account.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "service_areas": list(self.request.user.consultation_subscriptions.values_list("service_area", flat=True))
        }

    def form_valid(self, form):
        services.subscriptions_set(user=self.request.user, service_areas=list(form.cleaned_data["service_areas"]))
        messages.success(self.request, _("Your choices are saved."))
        return redirect("consultations:subscriptions")
