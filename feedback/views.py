"""Pages for closed-case feedback: staff pages under /staff/feedback/, the family's under /feedback/.

Staff see and change their own teams' closed cases (managers all); every look at a family's
contact details is logged (services.case_details_view). The public pages need no account: a
letter's code opens the form for its case alone. Every write goes through services.py.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from accounts.roles import team_ids
from common.cache import form_drawing_key
from common.kept_answers import KeepsTypedAnswers, typed_answers
from common.pagination import page_links
from common.views import EmptyFormBuiltWhenDrawn, StaffRequiredMixin, post_limit
from coproduction.views import PagedListMixin

from . import calls as services_calls
from . import services
from .codes import code_display, code_normalise
from .forms import (
    PICTURE_STATEMENTS,
    CallOutcomeForm,
    CaseFilterForm,
    CasesImportForm,
    ChildFeedbackForm,
    ClosedCaseForm,
    CodeForm,
    FeedbackForm,
    FlagForm,
    FlagHandledForm,
    RecordFeedbackForm,
)
from .models import (
    CallAttempt,
    CallStatus,
    CaseFeedback,
    ClosedCase,
    Disposition,
    FollowUpCall,
    FollowUpSample,
    LetterBatch,
    PictureAnswer,
)
from .rules import cases_for
from .services import CodeProblem

FEEDBACK_SHOWN = 50
HANDLED_FLAGS_SHOWN = 20
IMPORTED_MESSAGE = gettext_lazy("Uploaded %(rows)s rows: %(created)s new closed cases, %(updated)s updated.")


class FeedbackStaffMixin(StaffRequiredMixin):
    permission_required = ("accounts.access_staff_area", "feedback.read_case")
    permission_denied_message = gettext_lazy("Only the case's team or a manager can do this.")


# --- Closed cases ----------------------------------------------------------------------------------


class CaseListView(FeedbackStaffMixin, PagedListMixin, generic.ListView):
    """The closed cases of the user's teams (every team's, for managers), the latest closed first."""

    template_name = "feedback/staff/case_list.html"
    context_object_name = "cases"
    filter_form_class = CaseFilterForm

    def get_queryset(self):
        cases = cases_for(self.request.user, ClosedCase.objects.select_related("team"))
        cases = cases.search(self.filter_form.value("q") or "")
        if team := self.filter_form.value("team"):
            cases = cases.filter(team=team)
        return cases.order_by("-closed_on", "reference", "pk")


class CaseMixin(FeedbackStaffMixin):
    """A page about the case in the URL, for its team and managers; another team's case is refused."""

    @cached_property
    def case(self) -> ClosedCase:
        return get_object_or_404(ClosedCase.objects.select_related("team"), pk=self.kwargs["case_pk"])

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("feedback.view_case", self.case)


class CaseDetailView(CaseMixin, generic.TemplateView):
    """The case, the family's contact details (the look is logged), its codes and its feedback."""

    template_name = "feedback/staff/case_detail.html"

    def get_context_data(self, **kwargs):
        case = services.case_details_view(case=self.case, viewer=self.request.user, moment=timezone.now())
        feedback = list(case.feedback.select_related("code").order_by("-received_at", "pk")[: FEEDBACK_SHOWN + 1])
        return super().get_context_data(**kwargs) | {
            "case": case,
            "codes": list(case.codes.order_by("for_child")),
            "feedback_list": feedback[:FEEDBACK_SHOWN],
            "more_feedback": len(feedback) > FEEDBACK_SHOWN,
            "now": timezone.now(),
        }


class CaseFormMixin:
    template_name = "feedback/staff/case_form.html"
    form_class = ClosedCaseForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "instance": self.get_instance()}

    def form_valid(self, form):
        try:
            case = services.case_save(case=form.instance, user=self.request.user)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Closed case saved."))
        return redirect("feedback:case", case_pk=case.pk)


class CaseCreateView(CaseFormMixin, FeedbackStaffMixin, generic.FormView):
    def get_instance(self):
        return ClosedCase()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["no_team"] = not context["form"].fields["team"].queryset.exists()
        return context


class CaseEditView(CaseFormMixin, CaseMixin, generic.FormView):
    def get_instance(self):
        return self.case

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"case": self.case}


class CasesImportView(FeedbackStaffMixin, generic.FormView):
    """Upload the case management system's CSV export; a file with bad rows is refused whole, and the
    page lists each bad line with its reason."""

    template_name = "feedback/staff/import.html"
    form_class = CasesImportForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = services.cases_import(
                data=data["file"].read(services.CASES_MAX_BYTES + 1), team=data["team"], user=self.request.user
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_service_error(error)
                return self.form_invalid(form)
            return self.render_to_response(self.get_context_data(form=form, problems=error.messages))
        messages.success(
            self.request, IMPORTED_MESSAGE % {"rows": result.rows, "created": result.created, "updated": result.updated}
        )
        return redirect("feedback:cases")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"columns": services.CASE_COLUMNS}


class CasesTemplateView(FeedbackStaffMixin, generic.View):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(services.cases_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="closed-cases-template.csv"'
        return response


# --- Feedback, for staff -------------------------------------------------------------------------


class FeedbackMixin(FeedbackStaffMixin):
    """Feedback on a case of the user's teams (or, without a case, of their teams); managers all."""

    @cached_property
    def feedback(self) -> CaseFeedback:
        return get_object_or_404(
            CaseFeedback.objects.select_related("case", "team", "code", "recorded_by", "flagged_by", "flag_handled_by"),
            pk=self.kwargs["feedback_pk"],
        )

    def has_permission(self):
        if not super().has_permission():
            return False
        user = self.request.user
        if user.has_perm("accounts.work_across_teams") or self.feedback.team_id in team_ids(user):
            return True
        # The designated officer, in no team, follows the e-mail's link to any flagged feedback.
        return self.feedback.flagged_at is not None and user.has_perm("feedback.handle_flag")


class FeedbackDetailView(FeedbackMixin, generic.TemplateView):
    template_name = "feedback/staff/feedback_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "feedback": self.feedback,
            "flag_form": kwargs.get("flag_form") or FlagForm(),
            "statements": picture_statements(self.feedback),
        }


def picture_statements(feedback: CaseFeedback) -> list[tuple[str, str]]:
    answers = feedback.picture_answers or {}
    labels = dict(PictureAnswer.choices)
    return [(label, labels.get(answers[key], "")) for key, label in PICTURE_STATEMENTS if key in answers]


class FeedbackFlagView(FeedbackMixin, generic.View):
    """Flag feedback as a safeguarding concern (any staff who may read it)."""

    def post(self, request, *args, **kwargs):
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_flag(
                    feedback=self.feedback, user=request.user, reason=form.cleaned_data["reason"], moment=timezone.now()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Flagged. The designated safeguarding officer has been told."))
                return redirect("feedback:feedback", feedback_pk=self.feedback.pk)
        view = FeedbackDetailView(request=request, kwargs=self.kwargs, args=args)
        view.feedback = self.feedback
        return render(request, view.template_name, view.get_context_data(flag_form=form), status=200)

    def get(self, request, *args, **kwargs):
        return redirect("feedback:feedback", feedback_pk=self.feedback.pk)


class FlagHandlerMixin:
    """For the designated safeguarding officer, managers and administrators (rules.py)."""

    permission_required = ("accounts.access_staff_area", "feedback.handle_flag")
    permission_denied_message = gettext_lazy(
        "Only the designated safeguarding officer or a manager can review safeguarding concerns."
    )


class FeedbackFlagHandleView(FlagHandlerMixin, FeedbackMixin, generic.FormView):
    """Record what was done about a safeguarding concern: the flag is then handled, once."""

    template_name = "feedback/staff/flag_handle.html"
    form_class = FlagHandledForm

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and not self.feedback.flag_is_open:
            messages.info(request, _("This feedback has no safeguarding concern awaiting review."))
            return redirect("feedback:feedback", feedback_pk=self.feedback.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"feedback": self.feedback}

    def form_valid(self, form):
        try:
            services.feedback_flag_handle(
                feedback=self.feedback, user=self.request.user, note=form.cleaned_data["note"], moment=timezone.now()
            )
        except ValidationError as error:
            form.add_error("note" if hasattr(error, "error_dict") else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The concern is marked as handled."))
        return redirect("feedback:flags")


class FlagListView(FlagHandlerMixin, StaffRequiredMixin, generic.ListView):
    """Flagged feedback awaiting review, the oldest flag first, and the latest handled below it."""

    template_name = "feedback/staff/flag_list.html"
    context_object_name = "flags"
    paginate_by = 50

    def get_queryset(self):
        awaiting = CaseFeedback.objects.flag_open().select_related("case", "team", "flagged_by")
        return awaiting.order_by("flagged_at", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        handled = CaseFeedback.objects.flag_handled().select_related("case", "team", "flag_handled_by")
        context["handled"] = handled.order_by("-flag_handled_at", "-pk")[:HANDLED_FLAGS_SHOWN]
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        return context


class FeedbackRecordView(FeedbackStaffMixin, generic.FormView):
    """Feedback that came by telephone, reply letter, interview or a team's own questionnaire."""

    template_name = "feedback/staff/feedback_record.html"
    form_class = RecordFeedbackForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        case_pk = self.request.GET.get("case", "")
        case = ClosedCase.objects.filter(pk=int(case_pk)).first() if case_pk.isdigit() else None
        return {"case_reference": case.reference} if case else {}

    def form_valid(self, form):
        data = form.cleaned_data
        case = None
        if reference := data["case_reference"].strip():
            case = cases_for(self.request.user, ClosedCase.objects.all()).filter(reference__iexact=reference).first()
            if case is None:
                form.add_error("case_reference", _("None of your teams' closed cases has this reference"))
                return self.form_invalid(form)
        try:
            feedback = services.feedback_record(
                user=self.request.user,
                channel=data["channel"],
                team=data["team"],
                case=case,
                received_at=timezone.make_aware(datetime.combine(data["received_on"], time(12))),
                answers=form.answers(),
                questionnaire=data["questionnaire"],
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Feedback recorded."))
        return redirect("feedback:feedback", feedback_pk=feedback.pk)


# --- The day's letters ------------------------------------------------------------------------------


class LetterBatchListView(FeedbackStaffMixin, generic.ListView):
    """Each day's closure letters, the latest first, with their counts; the PDFs for managers."""

    template_name = "feedback/staff/letter_batches.html"
    context_object_name = "batches"
    paginate_by = 30

    def get_queryset(self):
        return LetterBatch.objects.order_by("-day")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        context["may_print"] = self.request.user.has_perm("feedback.print_letters")
        return context


class LetterBatchPdfView(FeedbackStaffMixin, generic.View):
    permission_required = ("accounts.access_staff_area", "feedback.print_letters")

    def get(self, request, *args, **kwargs):
        batch = get_object_or_404(LetterBatch.objects.exclude(pdf=""), pk=self.kwargs["batch_pk"])
        services.batch_pdf_view(batch=batch, viewer=request.user, moment=timezone.now())
        return FileResponse(batch.pdf.open("rb"), as_attachment=True, filename=f"closure-letters-{batch.day}.pdf")


# --- The telephone calls --------------------------------------------------------------------------


class CallListView(FeedbackStaffMixin, generic.ListView):
    """The calls still to make: one's own; every team's for managers. The soonest due first."""

    template_name = "feedback/staff/call_list.html"
    context_object_name = "calls"
    paginate_by = 50

    def get_queryset(self):
        no_answers = CallAttempt.objects.filter(disposition=Disposition.NO_ANSWER).only("call_id", "made_at")
        open_calls = (
            FollowUpCall.objects.open()
            .select_related("case__team", "caller")
            .annotate(attempt_count=Count("attempts"))
            .prefetch_related(Prefetch("attempts", queryset=no_answers, to_attr="no_answers"))
        )
        if not self.request.user.has_perm("accounts.work_across_teams"):
            open_calls = open_calls.filter(caller=self.request.user)
        return open_calls.order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for call in context["calls"]:
            call.times_untried = services_calls.times_untried([attempt.made_at for attempt in call.no_answers])
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        context["today"] = timezone.localdate()
        return context


class CallView(FeedbackStaffMixin, generic.FormView):
    """One call: the script, the family's preferred format and times, the attempts so far, and the
    outcome of this attempt. Seeing the phone number is recorded as a look at the contact details."""

    template_name = "feedback/staff/call.html"
    form_class = CallOutcomeForm

    @cached_property
    def call(self) -> FollowUpCall:
        return get_object_or_404(
            FollowUpCall.objects.select_related("case__team", "caller", "sample"), pk=self.kwargs["call_pk"]
        )

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("feedback.view_case", self.call.case)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services_calls.call_attempt_record(
                call=self.call,
                user=self.request.user,
                disposition=data["disposition"],
                moment=timezone.now(),
                notes=data["notes"],
                answers=form.answers(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Call recorded."))
        return redirect("feedback:calls")

    def get_context_data(self, **kwargs):
        call = self.call
        services.case_details_view(case=call.case, viewer=self.request.user, moment=timezone.now())
        attempts = list(call.attempts.select_related("made_by"))
        no_answers = [attempt.made_at for attempt in attempts if attempt.disposition == Disposition.NO_ANSWER]
        return super().get_context_data(**kwargs) | {
            "call": call,
            "case": call.case,
            "attempts": attempts,
            "times_untried": services_calls.times_untried(no_answers),
            "is_open": call.status == CallStatus.OPEN,
        }


class QuarterListView(FeedbackStaffMixin, generic.ListView):
    """Each quarter's sample: calls drawn, made, completed, declined, unreachable and open, with
    response, contact and refusal rates. Managers see every team's calls; staff their teams'."""

    template_name = "feedback/staff/quarters.html"
    context_object_name = "samples"
    paginate_by = 12

    def get_queryset(self):
        user = self.request.user
        scope = Q() if user.has_perm("accounts.work_across_teams") else Q(calls__case__team_id__in=team_ids(user))

        def counted(condition=None):
            return Count("calls", filter=scope & (condition or Q()), distinct=True)

        def status(value):
            return counted(Q(calls__status=value))

        return FollowUpSample.objects.annotate(
            drawn=counted(),
            made=counted(Q(calls__attempts__isnull=False)),
            completed=status(CallStatus.COMPLETED),
            declined=status(CallStatus.DECLINED),
            unreachable=status(CallStatus.UNREACHABLE),
            not_needed=status(CallStatus.NOT_NEEDED),
            still_open=status(CallStatus.OPEN),
        ).order_by("-quarter_start")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        context["all_teams"] = self.request.user.has_perm("accounts.work_across_teams")
        for sample in context["samples"]:
            sample.rates = call_rates(sample)
        return context


def call_rates(sample) -> dict[str, int | None]:
    """Percentages of the calls that were for someone to answer (not the ones feedback made needless):
    response (completed), contact (reached at all: completed or declined), refusal (declined)."""
    base = sample.drawn - sample.not_needed
    if base <= 0:
        return {"response": None, "contact": None, "refusal": None}
    return {
        "response": round(100 * sample.completed / base),
        "contact": round(100 * (sample.completed + sample.declined) / base),
        "refusal": round(100 * sample.declined / base),
    }


# --- The family's pages ----------------------------------------------------------------------------

CODE_MESSAGES = {
    CodeProblem.MISTYPED: gettext_lazy(
        "This code is not quite right. Check the code on your letter: it has 8 letters and numbers"
    ),
    CodeProblem.UNKNOWN: gettext_lazy(
        "We do not recognise this code. Check the code on your letter, or phone us on the number in it"
    ),
    CodeProblem.EXPIRED: gettext_lazy(
        "This code has expired. You can still tell us what you think by phone or by letter: "
        "the details are in your letter"
    ),
}

code_address_limit = post_limit(rate_setting="FEEDBACK_CODE_ADDRESS_RATE", group="feedback-code-address")


def code_tries_refuse(request, typed: str) -> None:
    """Count one try of this code, from any address: a code guessed in a loop from many addresses is
    refused too. Shares its counter (the cache) across every worker."""
    code = code_normalise(typed)[:8]
    if code and is_ratelimited(
        request,
        group="feedback-code-tries",
        key=lambda _group, _request: code,
        rate=settings.FEEDBACK_CODE_TRIES_RATE,
        method="POST",
        increment=True,
    ):
        raise Ratelimited()


def received_page(request, lookup) -> HttpResponse:
    return render(request, "feedback/public/received.html", {"for_child": lookup.code.for_child}, status=200)


@code_address_limit
class CodeView(EmptyFormBuiltWhenDrawn, generic.FormView):
    """Enter the code from the letter (a QR code fills it in). A good code opens its form; a used one
    says the feedback was received; a mistyped one asks to check the letter."""

    template_name = "feedback/public/code.html"
    form_class = CodeForm

    def get_initial(self):
        return {"code": code_display(code_normalise(self.request.GET.get("code", ""))[:8])}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"form_drawing_key": form_drawing_key(context["form"])}

    def form_valid(self, form):
        typed = form.cleaned_data["code"]
        code_tries_refuse(self.request, typed)
        lookup = services.code_lookup(typed=typed, moment=timezone.now())
        if lookup.problem == CodeProblem.USED:
            return received_page(self.request, lookup)
        if lookup.problem:
            form.add_error("code", CODE_MESSAGES[lookup.problem])
            return self.form_invalid(form)
        self.request.session[SESSION_CODE] = lookup.code.code
        return redirect("feedback:child-form" if lookup.code.for_child else "feedback:form")


SESSION_CODE = "feedback-code"


@post_limit(rate_setting="RESPONSE_PAGE_RATE", group="feedback-form")
class FeedbackFormView(KeepsTypedAnswers, EmptyFormBuiltWhenDrawn, generic.FormView):
    """The form for the case whose code opened it. The code travels in the form too, so answers sent
    after the session ended are still accepted; a refused post (CSRF) is shown back to send again."""

    template_name = "feedback/public/form.html"
    form_class = FeedbackForm
    for_child = False

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and not request.session.get(SESSION_CODE):
            return redirect("feedback:code")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"code": self.request.session.get(SESSION_CODE, "")}

    def code_refused(self, lookup) -> HttpResponse | None:
        if lookup.problem == CodeProblem.USED:
            self.request.session.pop(SESSION_CODE, None)
            return received_page(self.request, lookup)
        if lookup.problem or lookup.code.for_child != self.for_child:
            self.request.session.pop(SESSION_CODE, None)
            messages.error(self.request, _("Enter the code from your letter to give feedback."))
            return redirect("feedback:code")
        return None

    def get(self, request, *args, **kwargs):
        lookup = services.code_lookup(typed=request.session.get(SESSION_CODE, ""), moment=timezone.now())
        return self.code_refused(lookup) or super().get(request, *args, **kwargs)

    def form_valid(self, form):
        typed = form.cleaned_data["code"]
        code_tries_refuse(self.request, typed)
        lookup = services.code_lookup(typed=typed, moment=timezone.now())
        if refused := self.code_refused(lookup):
            return refused
        try:
            services.feedback_submit(
                typed_code=typed, answers=form.answers(), for_child_form=self.for_child, moment=timezone.now()
            )
        except ValidationError as error:
            if error.code == CodeProblem.USED:
                return received_page(self.request, lookup)
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
                return self.form_invalid(form)
            raise
        self.request.session.pop(SESSION_CODE, None)
        return redirect("feedback:thanks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        return context | {
            "for_child": self.for_child,
            "form_drawing_key": form_drawing_key(form),
            # Drawn by the page for each family, outside the form's drawing.
            "letter_code": form["code"].value() if form.is_bound else self.get_initial()["code"],
        }

    def typed_in_refused_post(self, request, *args, **kwargs):
        return typed_answers(self.form_class(request.POST))

    def kept_after_csrf_failure(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if not typed_answers(form):
            return None
        form.is_valid()
        return self.render_to_response(self.get_context_data(form=form, kept=True))


class ChildFeedbackFormView(FeedbackFormView):
    """The young person's form: bright, short words, a picture scale; who answered is recorded."""

    template_name = "feedback/public/child_form.html"
    form_class = ChildFeedbackForm
    for_child = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["picture_choices"] = [
            (PictureAnswer.AGREE, _("Agree"), "feedback/scale-agree.svg"),
            (PictureAnswer.NOT_SURE, _("Not sure"), "feedback/scale-not-sure.svg"),
            (PictureAnswer.DISAGREE, _("Disagree"), "feedback/scale-disagree.svg"),
        ]
        return context


class ThanksView(generic.TemplateView):
    template_name = "feedback/public/thanks.html"


def feedback_url_for(code: str) -> str:
    """The address a letter's QR code opens: the code page with the code filled in."""
    return reverse("feedback:code") + "?code=" + code
