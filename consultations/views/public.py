"""The public side of consultations: the hub, a consultation's page, responding, and "your responses".

A visitor's draft response is found through the session (one key per consultation), or, for a
signed-in participant, through their account. Nothing in a URL names a response, and a draft that
belongs to someone else is a 404. Every respond URL of a consultation that is not open shows one
plain page saying so and accepts nothing, except that a draft started before the closing time may
be sent during the grace period the model allows.
"""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView
from django_ratelimit.decorators import ratelimit

from consultations import selectors, services
from consultations.forms.public import (
    AboutYouForm,
    HubFilterForm,
    QuestionPageForm,
    SaveForLaterForm,
    question_field_name,
)
from consultations.models import Answer, Consultation, Document, Question, QuestionKind, RespondentContact, Response
from participation_portal.pagination import page_links

REFERENCES_SESSION_KEY = "consultation-references"  # references of responses sent from this browser
RESUME_SENT_SESSION_KEY = "consultation-resume-sent"  # the address a return link just went to
NOT_OPEN_CODES = {"closed", "upcoming", "withdrawn", "draft"}

# Sending a return link e-mails any address typed in, so it is limited like the other public forms.
anonymous_post_limit = method_decorator(
    ratelimit(key="ip", rate=lambda _group, _request: settings.ANONYMOUS_FORM_RATE, method="POST", block=True),
    name="post",
)


def draft_session_key(consultation: Consultation) -> str:
    return f"consultation-draft-{consultation.pk}"


def public_consultations():
    """Published consultations, withdrawn ones included (their page says why). Drafts are not public."""
    return Consultation.objects.filter(published_at__isnull=False).select_related("service_area")


def public_status(consultation: Consultation, moment: datetime) -> str:
    """The state the public sees; a draft being previewed shows as it will once published."""
    status = consultation.status_at(moment)
    if status != "draft":
        return status
    if moment < consultation.opens_at:
        return "upcoming"
    return "open" if moment < consultation.closes_at else "closed"


def clock_time(moment: datetime) -> str:
    """A time the GOV.UK way: 9am, 5:30pm, midday, midnight."""
    local = timezone.localtime(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return gettext("midnight") if local.hour == 0 else gettext("midday")
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def when(moment: datetime) -> str:
    """For example "5:30pm on 1 July 2025"."""
    return gettext("%(time)s on %(date)s") % {
        "time": clock_time(moment),
        "date": date_format(timezone.localtime(moment), "j F Y"),
    }


def with_times(consultation: Consultation) -> Consultation:
    """Give a consultation its opening and closing times as words, for the templates."""
    consultation.opens_text = when(consultation.opens_at)
    consultation.closes_text = when(consultation.closes_at)
    return consultation


def detail_context(consultation: Consultation, *, moment: datetime, preview: bool = False) -> dict:
    """Everything consultations/public/detail.html needs; the staff preview renders it with preview=True."""
    return {
        "consultation": with_times(consultation),
        "status": public_status(consultation, moment),
        "documents": list(consultation.documents.all()),
        "preview": preview,
    }


def estimated_minutes(questions: list[Question]) -> int:
    """About a minute per choice or short answer and three per long answer, rounded up to 5 minutes."""
    minutes = sum(3 if question.kind == QuestionKind.LONG_TEXT else 1 for question in questions)
    return max(5, -(-minutes // 5) * 5)


def page_url(consultation: Consultation, page: int) -> str:
    return reverse("consultations:respond-page", kwargs={"slug": consultation.slug, "page": page})


def resume_destination(consultation: Consultation, draft: Response, questions: list[Question] | None = None) -> str:
    """Where someone coming back should land: the page after the last one they answered, or an earlier
    page with a required question still unanswered; check your answers once nothing is left."""
    questions = list(consultation.questions.all()) if questions is None else questions
    answered = set(draft.answers.values_list("question_id", flat=True))
    last_answered = max((question.page for question in questions if question.pk in answered), default=0)
    candidates = [question.page for question in questions if question.page > last_answered]
    candidates += [question.page for question in questions if question.required and question.pk not in answered]
    if candidates:
        return page_url(consultation, min(candidates))
    return reverse("consultations:respond-check", kwargs={"slug": consultation.slug})


def in_offered_order(answer: Answer, question: Question) -> list[str]:
    """An answer's choices in the order the question offers them."""
    choices = question.choices
    values = [selection.value for selection in answer.selections.all()]
    return sorted(values, key=lambda value: choices.index(value) if value in choices else len(choices))


def draft_for(request, consultation: Consultation) -> Response | None:
    """The visitor's response to this consultation (a draft, or one just sent), or None.

    A response id in the session that is not this consultation's, or belongs to another account,
    is a 404: sessions are kept on the server, so that only happens when something is wrong.
    """
    key = draft_session_key(consultation)
    pk = request.session.get(key)
    if pk is not None:
        try:
            response = Response.objects.filter(pk=int(pk)).first()
        except (TypeError, ValueError) as exc:
            raise Http404("Not a response.") from exc
        if response is None:
            del request.session[key]  # deleted since, for example as a stale draft
        elif response.consultation_id != consultation.pk or (
            response.user_id is not None and response.user_id != request.user.pk
        ):
            raise Http404("Not your response.")
        else:
            response.consultation = consultation
            return response
    if request.user.is_authenticated:
        response = consultation.responses.drafts().filter(user=request.user).order_by("-started_at").first()
        if response is not None:
            response.consultation = consultation
        return response
    return None


def remember_sent(request, response: Response) -> None:
    references = request.session.get(REFERENCES_SESSION_KEY, [])
    if response.reference not in references:
        request.session[REFERENCES_SESSION_KEY] = [*references, response.reference][-20:]


CLOSED_PER_PAGE = 20


class HubView(TemplateView):
    template_name = "consultations/public/hub.html"

    def get_context_data(self, **kwargs):
        areas = selectors.service_areas()
        form = HubFilterForm(self.request.GET or None, service_areas=areas)
        filters = form.filters()
        results = selectors.hub(moment=timezone.now(), **filters)
        closed_page = Paginator(results["closed"], CLOSED_PER_PAGE).get_page(self.request.GET.get("page"))
        results["closed"] = list(closed_page.object_list)
        for found in results.values():
            for consultation in found:
                with_times(consultation)
        return super().get_context_data(**kwargs) | {
            "form": form,
            "results": results,
            "filtered": any(filters.values()),
            "total": len(results["open"]) + len(results["upcoming"]) + closed_page.paginator.count,
            "page_obj": closed_page,
            "page_links": page_links(closed_page),
            "filters": filters,
            "audience_label": dict(form.fields["audience"].choices)[filters["audience"]] if filters["audience"] else "",
            "area_label": dict(form.fields["area"].choices)[filters["service_area"]] if filters["service_area"] else "",
        }


def document_file_response(document: Document) -> FileResponse:
    """An uploaded document. PDFs open in the browser; anything else downloads, so no upload is ever
    run as a page of this site."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    return FileResponse(
        handle,
        as_attachment=document.content_type != "application/pdf",
        filename=Path(document.file.name).name,
        content_type=document.content_type,
    )


class DocumentView(View):
    def get(self, request, slug, document_pk):
        document = get_object_or_404(
            Document, pk=document_pk, consultation__in=public_consultations(), consultation__slug=slug
        )
        return document_file_response(document)


class DetailView(TemplateView):
    template_name = "consultations/public/detail.html"

    def get_context_data(self, **kwargs):
        consultation = get_object_or_404(public_consultations().prefetch_related("documents"), slug=kwargs["slug"])
        return super().get_context_data(**kwargs) | detail_context(consultation, moment=timezone.now())


class RespondingView(View):
    """Base of the respond pages: the consultation, the visitor's draft, and the gate.

    With ``needs_draft``, a visitor without a draft is sent to the start page, and one whose
    response has already been sent (a second tab, the back button) is sent to its confirmation.
    """

    needs_draft = True

    def dispatch(self, request, *args, **kwargs):
        self.moment = timezone.now()
        self.consultation = with_times(get_object_or_404(public_consultations(), slug=kwargs["slug"]))
        self.draft = draft_for(request, self.consultation)
        if self.needs_draft and self.draft is not None and self.draft.is_submitted:
            return self.to_confirmation(self.draft)
        in_progress = self.draft if self.draft is not None and not self.draft.is_submitted else None
        started_at = in_progress.started_at if in_progress else None
        if not self.consultation.accepts_submission_at(self.moment, started_at=started_at):
            return self.not_open(had_draft=in_progress is not None)
        if self.needs_draft and self.draft is None:
            return redirect("consultations:respond", slug=self.consultation.slug)
        return super().dispatch(request, *args, **kwargs)

    def not_open(self, *, had_draft: bool = False):
        return render(
            self.request,
            "consultations/public/not_open.html",
            {
                "consultation": self.consultation,
                "status": self.consultation.status_at(self.moment),
                "had_draft": had_draft,
            },
        )

    def to_confirmation(self, response: Response):
        # This browser holds the response, so it may see the confirmation again.
        remember_sent(self.request, response)
        return redirect("consultations:respond-done", slug=self.consultation.slug, reference=response.reference)

    def refused(self, error: ValidationError):
        """A service refused because the consultation closed meanwhile, or the response was sent."""
        if error.code == "submitted":
            self.draft.refresh_from_db()
            return self.to_confirmation(self.draft)
        return self.not_open(had_draft=True)

    def context(self, **extra) -> dict:
        return {
            "consultation": self.consultation,
            "child_friendly": self.consultation.child_friendly,
            **extra,
        }


class StartView(RespondingView):
    """What the consultation is about, how long it takes, the safeguarding notice, and "Start now"."""

    needs_draft = False
    template_name = "consultations/public/start.html"

    def get(self, request, *args, **kwargs):
        questions = list(self.consultation.questions.all())
        draft = self.draft
        in_progress = draft if draft is not None and not draft.is_submitted else None
        return render(
            request,
            self.template_name,
            self.context(
                question_count=len(questions),
                page_count=len({question.page for question in questions}),
                minutes=estimated_minutes(questions),
                in_progress=in_progress,
                continue_url=resume_destination(self.consultation, in_progress, questions) if in_progress else "",
                sent=draft if draft is not None and draft.is_submitted else None,
            ),
        )

    def post(self, request, *args, **kwargs):
        if self.draft is not None and not self.draft.is_submitted:
            # A second click on "Start now", or a second tab: carry on with the same draft.
            return redirect(resume_destination(self.consultation, self.draft))
        try:
            draft = services.response_start(consultation=self.consultation, user=request.user, moment=self.moment)
        except ValidationError:
            return self.not_open()
        request.session[draft_session_key(self.consultation)] = draft.pk
        return redirect(resume_destination(self.consultation, draft))


class QuestionPageView(RespondingView):
    template_name = "consultations/public/question_page.html"

    def dispatch(self, request, *args, **kwargs):
        self.change = request.GET.get("change") == "1"
        return super().dispatch(request, *args, **kwargs)

    def load_page(self, page: int) -> None:
        all_questions = list(self.consultation.questions.all())
        self.pages = sorted({question.page for question in all_questions})
        if page not in self.pages:
            raise Http404("No such page.")
        self.page = page
        self.questions = [question for question in all_questions if question.page == page]

    def saved_answers(self) -> dict:
        by_id = {question.pk: question for question in self.questions}
        initial = {}
        answers = Answer.objects.filter(response=self.draft, question__in=self.questions).prefetch_related("selections")
        for answer in answers:
            question = by_id[answer.question_id]
            values = [selection.value for selection in answer.selections.all()]
            if question.is_multiple:
                value = values
            elif question.is_choice:
                value = values[0] if values else ""
            else:
                value = answer.text
            initial[question_field_name(question)] = value
        return initial

    def form(self, data=None, *, lenient=False) -> QuestionPageForm:
        return QuestionPageForm(
            data,
            questions=self.questions,
            child_friendly=self.consultation.child_friendly,
            lenient=lenient,
            initial=None if data is not None else self.saved_answers(),
        )

    def show(self, form: QuestionPageForm):
        index = self.pages.index(self.page)
        if self.change:
            back_url = reverse("consultations:respond-check", kwargs={"slug": self.consultation.slug})
        elif index:
            back_url = page_url(self.consultation, self.pages[index - 1])
        else:
            back_url = reverse("consultations:respond", kwargs={"slug": self.consultation.slug})
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                single=len(self.questions) == 1,
                position=index + 1,
                page_count=len(self.pages),
                back_url=back_url,
                change=self.change,
            ),
        )

    def get(self, request, *args, page: int, **kwargs):
        self.load_page(page)
        return self.show(self.form())

    def post(self, request, *args, page: int, **kwargs):
        self.load_page(page)
        save_for_later = request.POST.get("action") == "save-later"
        form = self.form(request.POST, lenient=save_for_later)
        if not form.is_valid():
            return self.show(form)
        try:
            services.answers_save(response=self.draft, answers=form.answers(), moment=self.moment)
        except ValidationError as error:
            if error.code in NOT_OPEN_CODES or error.code == "submitted":
                return self.refused(error)
            form.add_error(None, error)
            return self.show(form)
        slug = self.consultation.slug
        if save_for_later:
            return redirect("consultations:respond-save", slug=slug)
        if self.change:
            return redirect("consultations:respond-check", slug=slug)
        index = self.pages.index(self.page)
        if index + 1 < len(self.pages):
            return redirect(page_url(self.consultation, self.pages[index + 1]))
        return redirect("consultations:respond-about-you", slug=slug)


class AboutYouView(RespondingView):
    template_name = "consultations/public/about_you.html"

    def initial(self) -> dict:
        contact = RespondentContact.objects.filter(response=self.draft).first()
        email = contact.email if contact else (self.request.user.email if self.request.user.is_authenticated else "")
        contact_wanted = []
        if contact and contact.wants_receipt:
            contact_wanted.append("receipt")
        if contact and contact.wants_outcome:
            contact_wanted.append("outcome")
        return {
            "respondent_type": self.draft.respondent_type or None,
            "consent_to_quote": "yes" if self.draft.consent_to_quote else None,
            "contact": contact_wanted,
            "email": email,
        }

    def show(self, form: AboutYouForm):
        last_page = self.consultation.questions.order_by("-page").values_list("page", flat=True).first()
        back_url = (
            reverse("consultations:respond-check", kwargs={"slug": self.consultation.slug})
            if self.request.GET.get("change") == "1" or last_page is None
            else page_url(self.consultation, last_page)
        )
        return render(self.request, self.template_name, self.context(form=form, back_url=back_url))

    def get(self, request, *args, **kwargs):
        return self.show(AboutYouForm(initial=self.initial(), anonymous_allowed=self.consultation.anonymous_allowed))

    def post(self, request, *args, **kwargs):
        form = AboutYouForm(request.POST, anonymous_allowed=self.consultation.anonymous_allowed)
        if not form.is_valid():
            return self.show(form)
        try:
            services.about_you_save(response=self.draft, **form.about_you())
        except ValidationError as error:
            return self.refused(error)
        return redirect("consultations:respond-check", slug=self.consultation.slug)


class CheckAnswersView(RespondingView):
    template_name = "consultations/public/check_answers.html"

    def show(self, *, errors: list[dict] | None = None):
        questions = list(self.consultation.questions.all())
        per_page: dict[int, int] = {}
        for question in questions:
            per_page[question.page] = per_page.get(question.page, 0) + 1
        answers = {answer.question_id: answer for answer in self.draft.answers.prefetch_related("selections")}
        rows = []
        missing = []
        for question in questions:
            answer = answers.get(question.pk)
            change_url = page_url(self.consultation, question.page) + "?change=1"
            if per_page[question.page] > 1:
                change_url += f"#id_{question_field_name(question)}"
            rows.append(
                {
                    "question": question,
                    "text": answer.text if answer and not question.is_choice else "",
                    "values": in_offered_order(answer, question) if answer and question.is_choice else [],
                    "answered": answer is not None,
                    "change_url": change_url,
                }
            )
            if question.required and answer is None:
                missing.append(
                    {"text": gettext("Answer ‘%(question)s’") % {"question": question.text}, "href": change_url}
                )
        contact = RespondentContact.objects.filter(response=self.draft).first()
        errors = [*missing, *(errors or [])]
        return render(
            self.request,
            self.template_name,
            self.context(
                rows=rows,
                errors=errors,
                draft=self.draft,
                contact=contact,
                respondent_type=self.draft.get_respondent_type_display(),
                about_you_url=reverse("consultations:respond-about-you", kwargs={"slug": self.consultation.slug})
                + "?change=1",
            ),
        )

    def get(self, request, *args, **kwargs):
        return self.show()

    def post(self, request, *args, **kwargs):
        try:
            response = services.response_submit(draft=self.draft, moment=self.moment)
        except ValidationError as error:
            if error.code == "incomplete":
                return self.show()
            if error.code == "email_needed":
                about_you = reverse("consultations:respond-about-you", kwargs={"slug": self.consultation.slug})
                return self.show(errors=[{"text": error.messages[0], "href": about_you + "?change=1"}])
            return self.refused(error)
        return self.to_confirmation(response)


@anonymous_post_limit
class SaveForLaterView(RespondingView):
    """Ask for an e-mail address and send a link back to the draft."""

    template_name = "consultations/public/save_for_later.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("sent") == "1" and request.session.get(RESUME_SENT_SESSION_KEY):
            return render(
                request,
                "consultations/public/save_for_later_sent.html",
                self.context(
                    email=request.session[RESUME_SENT_SESSION_KEY],
                    days=services.RESUME_LINK_DAYS,
                    continue_url=resume_destination(self.consultation, self.draft),
                ),
            )
        initial = {"email": request.user.email} if request.user.is_authenticated else {}
        return self.show(SaveForLaterForm(initial=initial))

    def post(self, request, *args, **kwargs):
        form = SaveForLaterForm(request.POST)
        if not form.is_valid():
            return self.show(form)
        email = form.cleaned_data["email"].strip().lower()
        services.resume_link_send(response=self.draft, email=email)
        request.session[RESUME_SENT_SESSION_KEY] = email
        return redirect(reverse("consultations:respond-save", kwargs={"slug": self.consultation.slug}) + "?sent=1")

    def show(self, form: SaveForLaterForm):
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                days=services.RESUME_LINK_DAYS,
                continue_url=resume_destination(self.consultation, self.draft),
            ),
        )


class ConfirmationView(View):
    """The reference number, shown only to the browser (or the account) that sent the response."""

    def get(self, request, slug: str, reference: str):
        consultation = get_object_or_404(public_consultations(), slug=slug)
        response = consultation.responses.submitted().filter(reference=reference).first()
        if response is None:
            raise Http404("No such response.")
        mine = reference in request.session.get(REFERENCES_SESSION_KEY, []) or (
            request.user.is_authenticated and response.user_id == request.user.pk
        )
        if not mine:
            raise Http404("Not your response.")
        contact = RespondentContact.objects.filter(response=response).first()
        return render(
            request,
            "consultations/public/confirmation.html",
            {
                "consultation": consultation,
                "response": response,
                "contact": contact,
                "child_friendly": consultation.child_friendly,
            },
        )


class ResumeView(View):
    """The link from a "save and come back later" e-mail: put the draft back in this browser."""

    def get(self, request, slug: str, token: str):
        consultation = get_object_or_404(public_consultations(), slug=slug)
        try:
            draft = services.response_for_resume_token(token=token, consultation=consultation)
        except ValidationError as error:
            return render(
                request,
                "consultations/public/resume_failed.html",
                {"consultation": consultation, "reason": error.code},
                status=400,
            )
        if draft.user_id is not None and draft.user_id != request.user.pk:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return render(
                request,
                "consultations/public/resume_failed.html",
                {"consultation": consultation, "reason": "other_account"},
                status=400,
            )
        moment = timezone.now()
        if not consultation.accepts_submission_at(moment, started_at=draft.started_at):
            with_times(consultation)
            return render(
                request,
                "consultations/public/not_open.html",
                {"consultation": consultation, "status": consultation.status_at(moment), "had_draft": True},
            )
        request.session[draft_session_key(consultation)] = draft.pk
        return redirect(resume_destination(consultation, draft))


class YourResponsesView(LoginRequiredMixin, TemplateView):
    """A participant's unfinished drafts (with a link to carry on) and the responses they have sent."""

    template_name = "consultations/public/your_responses.html"

    def get_context_data(self, **kwargs):
        moment = timezone.now()
        mine = Response.objects.filter(user=self.request.user).select_related("consultation")
        drafts = list(mine.drafts().order_by("-updated_at"))
        for draft in drafts:
            with_times(draft.consultation)
            draft.can_continue = draft.consultation.accepts_submission_at(moment, started_at=draft.started_at)
            if draft.can_continue:
                # The signed return link puts this draft in the session, whichever one is there now.
                draft.continue_url = reverse(
                    "consultations:resume",
                    kwargs={"slug": draft.consultation.slug, "token": services.resume_token_for(draft)},
                )
        return super().get_context_data(**kwargs) | {
            "drafts": drafts,
            "sent": list(mine.submitted().order_by("-submitted_at")),
        }
