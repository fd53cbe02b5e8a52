"""Staff reading, summarising, exporting and recording responses; safeguarding concerns; "You said,
we did" (staff and public); participants' e-mails about consultations.

Any staff role may read every team's consultation and its responses, and may raise a safeguarding
concern on any of them: a concern must never be blocked by team boundaries. Recording responses
and "You said, we did" need edit permission (the owning team, managers, administrators). Contact
details are personal data kept apart from the answers: no page of answers shows them. Those with
edit permission may look up the address of someone who asked to be contacted, on a page of its
own, and each look is recorded.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.roles import capabilities
from common.cache import shared_with_drawing
from common.dates import govuk_date
from common.links import link_maker
from common.pagination import CountedPaginator, page_links

from .. import exports, selectors, services
from ..forms.responses import (
    OutcomeItemForm,
    OutcomesPublishForm,
    RecordResponseForm,
    ResponseFilterForm,
    SafeguardingConcernForm,
    SubscriptionsForm,
)
from ..models import Consultation, ConsultationStatus, ExportState, OutcomeItem
from .mixins import ConsultationStaffMixin

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESPONSES_PER_PAGE = 50
OUTCOMES_PER_PAGE = 10
TEMPLATES = "consultations/staff/responses/"


def bar_step(percentage: int) -> int:
    """The nearest 5% step for the bar chart's CSS classes (app-bar-chart__bar--0 .. --100)."""
    return max(0, min(100, 5 * round(percentage / 5)))


# --- Reading responses -------------------------------------------------------------------------------


class ResponseListView(ConsultationStaffMixin, TemplateView):
    """Submitted responses, newest first, filtered by channel, respondent type and date; 50 a page."""

    template_name = TEMPLATES + "list.html"

    def get_context_data(self, **kwargs):
        form = ResponseFilterForm(self.request.GET or None)
        filters = form.selector_filters() if form.is_bound and form.is_valid() else {}
        responses = selectors.responses_filtered(consultation=self.consultation, **filters).only(
            "pk", "consultation", "reference", "submitted_at", "channel", "respondent_type"
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
            "contact": contact if contact is not None and contact.is_wanted() else None,
            "flags": list(response.safeguarding_flags.all()),
        }


class ContactDetailsView(ConsultationStaffMixin, TemplateView):
    """A respondent's contact details, behind a deliberate step: GET says that looking is recorded,
    POST records the look and shows the address. Like every staff page, never cached
    (PrivacyHeadersMiddleware), so the address stays on no disk."""

    template_name = TEMPLATES + "contact.html"
    changes_consultation = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"response": self.response}

    @cached_property
    def response(self):
        response = self.submitted_response(self.kwargs["response_pk"])
        contact = getattr(response, "contact", None)
        if contact is None or not contact.is_wanted():
            raise Http404("This person did not ask to be contacted.")
        return response

    def post(self, request, *args, **kwargs):
        try:
            contact = services.respondent_contact_view(
                response=self.response, viewer=request.user, moment=timezone.now()
            )
        except ValidationError as error:
            if error.code == "not_permitted":
                raise PermissionDenied(error.messages[0]) from error
            raise Http404(error.messages[0]) from error
        return self.render_to_response(self.get_context_data(contact=contact))


class SafeguardingView(ConsultationStaffMixin, FormView):
    """Any member of staff who can read a response may raise a concern; the designated officer is emailed."""

    template_name = TEMPLATES + "safeguarding.html"
    form_class = SafeguardingConcernForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "response": self.response,
            "already_raised": self.response.safeguarding_flags.exists(),
        }

    @cached_property
    def response(self):
        return get_object_or_404(self.consultation.responses.submitted(), pk=self.kwargs["response_pk"])

    def form_valid(self, form):
        try:
            flag = services.safeguarding_flag_raise(
                response=self.response,
                raised_by=self.request.user,
                reason=form.cleaned_data["reason"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        if flag.first_id is None:
            done = _("The concern is logged and the designated safeguarding officer has been emailed.")
        else:
            done = _(
                "The concern is logged with the earlier one on this response. The designated safeguarding "
                "officer was emailed about the first and sees every concern on this response."
            )
        messages.success(self.request, done)
        return redirect("consultations:staff-response", pk=self.consultation.pk, response_pk=self.response.pk)


class SummaryView(ConsultationStaffMixin, TemplateView):
    """Per question: how many answered; counts, percentages and a chart for choices; latest written answers."""

    template_name = TEMPLATES + "summary.html"
    text_limit = 20

    def get_context_data(self, **kwargs):
        state = selectors.submitted_state(consultation=self.consultation)
        return super().get_context_data(**kwargs) | {
            # Counted only when the page has no drawing of the summary for what was submitted so far.
            "summaries": SimpleLazyObject(self.summaries),
            "summary_drawing_key": state.drawing_key,
            "submitted": state.count,
            "text_limit": self.text_limit,
        }

    def summaries(self) -> list:
        summaries = selectors.response_summary(consultation=self.consultation, text_limit=self.text_limit)
        for summary in summaries:
            summary.bars = [(choice, bar_step(choice.percentage)) for choice in summary.choices]
        return summaries


# --- Exports -----------------------------------------------------------------------------------------


class ExportCsvView(ConsultationStaffMixin, View):
    """Every submitted response as CSV, streamed so a large consultation never waits in memory."""

    def get(self, request, *args, **kwargs):
        response = StreamingHttpResponse(
            exports.csv_lines(exports.rows(self.consultation)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(self.consultation, "csv")}"'
        return response


def xlsx_file_response(file, consultation) -> FileResponse:
    # Like every staff page, kept out of caches by PrivacyHeadersMiddleware.
    return FileResponse(
        file, as_attachment=True, filename=exports.filename(consultation, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )


class ExportXlsxView(ConsultationStaffMixin, View):
    """Every submitted response as an Excel file: built here into a temporary file when that takes a
    few seconds; past exports.XLSX_IN_REQUEST_LIMIT responses it would outlast a worker's timeout,
    so this page offers to have it prepared by a worker instead."""

    def get(self, request, *args, **kwargs):
        submitted = self.consultation.responses.submitted().count()
        if submitted > exports.XLSX_IN_REQUEST_LIMIT:
            return render(
                request, TEMPLATES + "export_large.html", {"consultation": self.consultation, "submitted": submitted}
            )
        spool = tempfile.TemporaryFile()  # on disk, not in memory; FileResponse closes it once sent
        exports.xlsx_write(exports.rows(self.consultation), spool)
        spool.seek(0)
        return xlsx_file_response(spool, self.consultation)

    def post(self, request, *args, **kwargs):
        export = services.response_export_request(
            consultation=self.consultation, user=request.user, moment=timezone.now()
        )
        return redirect("consultations:staff-export", pk=self.consultation.pk, export_pk=export.pk)


class ExportView(ConsultationStaffMixin, TemplateView):
    """How far a prepared Excel export has got, and its download link once it is ready."""

    template_name = TEMPLATES + "export.html"

    def get_context_data(self, **kwargs):
        export = get_object_or_404(self.consultation.exports, pk=self.kwargs["export_pk"])
        return super().get_context_data(**kwargs) | {
            "export": export,
            "state": ExportState(export.state),
            "ExportState": ExportState,
        }


class ExportDownloadView(ConsultationStaffMixin, View):
    def get(self, request, *args, **kwargs):
        export = get_object_or_404(self.consultation.exports, pk=kwargs["export_pk"], state=ExportState.READY)
        return xlsx_file_response(export.file.open("rb"), self.consultation)


# --- Recording paper, telephone and event responses --------------------------------------------------


class RecordResponseView(ConsultationStaffMixin, FormView):
    template_name = TEMPLATES + "record.html"
    form_class = RecordResponseForm
    changes_consultation = True

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
                moment=self.moment,
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
    changes_consultation = True

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
            "can_publish": context["status"] == ConsultationStatus.CLOSED,
        }
        # The page's error summary and "Error:" title follow whichever form was sent with a problem.
        failed = publish_form if publish_form.is_bound and publish_form.errors else item_form
        if failed.is_bound and failed.errors:
            context["form"] = failed
        return context

    def form_valid(self, form):
        try:
            item = services.outcome_item_save(item=form.item(self.consultation), user=self.request.user)
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
                    consultation=self.consultation,
                    summary=publish_form.cleaned_data["summary"],
                    moment=timezone.now(),
                    user=request.user,
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
    changes_consultation = True

    def get_item(self) -> OutcomeItem:
        return get_object_or_404(self.consultation.outcome_items, pk=self.kwargs["item_pk"])

    def get_context_data(self, **kwargs):
        item = self.get_item()
        return super().get_context_data(**kwargs) | {"item": item, "item_list": [item]}

    def post(self, request, *args, **kwargs):
        try:
            services.outcome_item_delete(item=self.get_item(), user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The point is removed."))
        return redirect("consultations:staff-outcomes", pk=self.consultation.pk)


# --- You said, we did: public ------------------------------------------------------------------------


def outcome_list_page(*, number: int) -> tuple[dict, None]:
    """One page of the public "You said, we did" list, ready to draw: the count, the consultations with
    their points, and each row's address and date written once (three queries). Nothing in it
    changes by itself with time, so it is kept until staff publish again (seen within the minute)."""
    published = selectors.outcomes_published()
    paginator = Paginator(published, OUTCOMES_PER_PAGE)
    page = paginator.page(number)  # past the last page: InvalidPage, a 404
    consultations = list(page.object_list)
    outcomes_url = link_maker("consultations:outcomes", "slug")
    for consultation in consultations:
        consultation.outcomes_url = outcomes_url(consultation.slug)
        consultation.published_text = govuk_date(consultation.outcomes_published_at)
        consultation.points = list(consultation.outcome_items.all())
    return {"count": paginator.count, "consultations": consultations}, None


class PublicOutcomeListView(TemplateView):
    """Every published "You said, we did", newest first, with its points; 10 consultations a page.
    Visitors who are not signed in share each page's data and its drawing for up to a minute
    (common.cache.shared_with_drawing); signed-in people always read it afresh."""

    template_name = "consultations/outcomes/list.html"

    def get_context_data(self, **kwargs):
        try:
            # Only the number's form here (any page past the last is refused in the build, uncached).
            number = int(self.request.GET.get("page") or 1)
            if number < 1:
                raise InvalidPage
            found, drawing_key = shared_with_drawing(
                self.request,
                f"outcome-list:{number}:{get_language()}",
                lambda _now: outcome_list_page(number=number),
                moment=timezone.now(),
            )
        except (ValueError, InvalidPage) as error:
            raise Http404("No such page.") from error
        page_obj = CountedPaginator((), OUTCOMES_PER_PAGE, count=found["count"]).page(number)
        return super().get_context_data(**kwargs) | {
            "consultations": found["consultations"],
            "page_obj": page_obj,
            "page_links": page_links(page_obj),
            "drawing_key": drawing_key,
        }


def outcomes_reading(slug: str) -> tuple[dict | None, None]:
    """A published "You said, we did" with its points and the number who answered (three queries),
    or None before it is published. It changes only when staff publish again."""
    published = selectors.outcomes_published().filter(slug=slug).first()
    if published is None:
        return None, None
    return {
        "consultation": published,
        "items": list(published.outcome_items.all()),
        "responses": published.responses.submitted().count(),
    }, None


class PublicOutcomesView(TemplateView):
    """A published "You said, we did"; before it is published, a plain page saying so and when to
    expect it, rather than a bare "page not found" for a link people were given. Visitors who are
    not signed in share its data and its drawing for up to a minute (common.cache.shared_with_drawing)."""

    template_name = "consultations/outcomes/detail.html"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        self.found, self.drawing_key = shared_with_drawing(
            request, f"outcomes:{slug}", lambda _now: outcomes_reading(slug), moment=timezone.now()
        )
        if self.found is None:
            consultation = get_object_or_404(Consultation.objects.published(), slug=slug)
            return render(
                request,
                "consultations/outcomes/not_published.html",
                {
                    "consultation": consultation,
                    "still_taking_responses": consultation.status_at(timezone.now())
                    in (ConsultationStatus.OPEN, ConsultationStatus.UPCOMING),
                },
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | self.found | {"drawing_key": self.drawing_key}


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
