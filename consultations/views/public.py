"""The public side of consultations: the hub, a consultation's page, responding, and "your responses".

A visitor's draft response is found through the session (one key per consultation), or, for a
signed-in participant, through their account. Nothing in a URL names a response, and a draft that
belongs to someone else is a 404. Every respond URL of a consultation that is not open shows one
plain page saying so and accepts nothing, except that a draft started before the closing time may
be sent during the grace period the model allows.
"""

import hashlib
import json
from datetime import datetime
from pathlib import Path

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.views import View
from django.views.generic import TemplateView

from common.cache import form_drawing_key, shared_kept, shared_with_drawing, shared_with_visitors
from common.dates import govuk_date, govuk_datetime
from common.kept_answers import KeepsTypedAnswers, session_hours, typed_answers
from common.links import link_maker
from common.pagination import CountedPaginator, page_links
from common.views import anonymous_form_limit, post_limit, refuse_if_over_limit
from consultations import selectors, services
from consultations.forms.public import (
    AboutYouForm,
    HubFilterForm,
    QuestionPageForm,
    SaveForLaterForm,
    question_field_name,
)
from consultations.models import (
    Answer,
    Audience,
    Consultation,
    ConsultationStatus,
    Document,
    Question,
    QuestionKind,
    Response,
)

# What a question page's form is drawn from: every stored field of its questions.
QUESTION_FIELDS = Question._meta.concrete_fields
REFERENCES_SESSION_KEY = "consultation-references"  # references of responses sent from this browser
RESUME_SENT_SESSION_KEY = "consultation-resume-sent"  # the address a return link just went to
KEPT_SESSION_KEY = "consultation-kept"  # the draft just made to keep a page posted with no draft
LOST_PARAMETER = "lost"  # on the start page: the draft this browser had could not be found
# services.ensure_accepting refuses with the consultation's status as the code.
NOT_OPEN_CODES = set(ConsultationStatus) - {ConsultationStatus.OPEN}


# Starting a response writes a draft: a person starts a few, a script opened 300 in six seconds.
# Every way a draft is made (the start page, a page kept after the session ended) counts here.
START_LIMIT = {"rate_setting": "RESPONSE_START_RATE", "group": "response-start"}
response_start_limit = post_limit(**START_LIMIT)
# Question pages, "about you" and sending: generous, so a person answering twenty pages and going
# back to change some is never refused, while a flood of posts from one address is.
response_page_limit = post_limit(rate_setting="RESPONSE_PAGE_RATE", group="response-page")


def draft_session_key(consultation: Consultation) -> str:
    return f"consultation-draft-{consultation.pk}"


def public_consultations():
    """Published consultations, withdrawn ones included (their page says why). Drafts are not public."""
    return Consultation.objects.filter(published_at__isnull=False).select_related("service_area")


def public_status(consultation: Consultation, moment: datetime) -> ConsultationStatus:
    """The state the public sees; a draft being previewed shows as it will once published."""
    status = consultation.status_at(moment)
    if status != ConsultationStatus.DRAFT:
        return status
    if moment < consultation.opens_at:
        return ConsultationStatus.UPCOMING
    return ConsultationStatus.OPEN if moment < consultation.closes_at else ConsultationStatus.CLOSED


def with_times(consultation: Consultation) -> Consultation:
    """Give a consultation its opening and closing times as words, for the templates."""
    consultation.opens_text = govuk_datetime(consultation.opens_at)
    consultation.closes_text = govuk_datetime(consultation.closes_at)
    return consultation


def detail_context(
    consultation: Consultation, *, moment: datetime, preview: bool = False, documents: list[Document] | None = None
) -> dict:
    """Everything consultations/public/detail.html needs; the staff preview renders it with preview=True."""
    return {
        "consultation": with_times(consultation),
        "status": public_status(consultation, moment),
        "ConsultationStatus": ConsultationStatus,
        "documents": list(consultation.documents.all()) if documents is None else documents,
        "preview": preview,
    }


def estimated_minutes(questions: list[Question]) -> int:
    """About a minute per choice or short answer and three per long answer, rounded up to 5 minutes."""
    minutes = sum(3 if question.kind == QuestionKind.LONG_TEXT else 1 for question in questions)
    return max(5, -(-minutes // 5) * 5)


def page_url(consultation: Consultation, page: int) -> str:
    return reverse("consultations:respond-page", kwargs={"slug": consultation.slug, "page": page})


def resume_destination(
    consultation: Consultation,
    draft: Response,
    questions: list[Question] | None = None,
    *,
    answered: set[int] | None = None,
) -> str:
    """Where someone coming back should land: the page after the last one they answered, or an earlier
    page with a required question still unanswered; check your answers once nothing is left.
    ``answered`` (question ids) is read from the draft unless the caller knows it."""
    questions = list(consultation.questions.all()) if questions is None else questions
    if answered is None:
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
            response = selectors.response_by_pk(int(pk))
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


def not_open_page(
    request, consultation: Consultation, *, moment: datetime, had_draft: bool, typed: list[dict] | None = None
):
    """The one page every respond URL shows when the consultation takes no responses, saying why, with
    anything the person had just typed shown back to them."""
    return render(
        request,
        "consultations/public/not_open.html",
        {
            "consultation": consultation,
            "status": consultation.status_at(moment),
            "ConsultationStatus": ConsultationStatus,
            "had_draft": had_draft,
            "typed": typed or [],
        },
    )


def remember_sent(request, response: Response) -> None:
    references = request.session.get(REFERENCES_SESSION_KEY, [])
    if response.reference not in references:
        request.session[REFERENCES_SESSION_KEY] = [*references, response.reference][-20:]


HUB_PER_PAGE = 20  # a page of one list (closed, or whichever the status filter picks)
HUB_SECTION_CAP = 20  # without a status filter, the open and coming-up lists show this many
HUB_SECTIONS = (ConsultationStatus.OPEN, ConsultationStatus.UPCOMING, ConsultationStatus.CLOSED)


def hub_lists(
    *, moment: datetime, status: str, page, filters: dict, counts: dict | None = None
) -> tuple[dict, datetime | None]:
    """The hub's counts (unless given) and the rows it shows (a query for the counts, and one per
    list with rows), and the next moment they change by themselves: a consultation the filters
    match opening or closing."""
    if counts is None:
        counts = selectors.hub_counts(moment=moment, **filters)
    querysets = selectors.hub(moment=moment, **filters)
    paged = status or ConsultationStatus.CLOSED
    number = CountedPaginator((), HUB_PER_PAGE, count=counts[paged]).get_page(page).number
    rows = {}
    for shown in [status] if status else HUB_SECTIONS:
        if not counts[shown]:
            rows[shown] = []
        elif shown == paged:
            rows[shown] = list(querysets[shown][(number - 1) * HUB_PER_PAGE : number * HUB_PER_PAGE])
        else:
            rows[shown] = list(querysets[shown][:HUB_SECTION_CAP])
    return {"counts": counts, "rows": rows, "page_number": number, "read_at": moment}, counts["changes_at"]


def for_the_list(consultations: list[Consultation], status: ConsultationStatus) -> None:
    """Give each row what the hub's list for ``status`` shows, with one reverse() and one translation
    per list rather than per row, and only the dates that list shows."""
    detail_url = link_maker("consultations:detail", "slug")
    outcomes_url = link_maker("consultations:outcomes", "slug")
    audience_labels = {audience: str(audience.label) for audience in Audience}
    for consultation in consultations:
        if status == ConsultationStatus.OPEN:
            consultation.closes_text = govuk_datetime(consultation.closes_at)
        else:
            consultation.closes_date_text = govuk_date(consultation.closes_at)
        if status == ConsultationStatus.UPCOMING:
            consultation.opens_text = govuk_datetime(consultation.opens_at)
        consultation.detail_url = detail_url(consultation.slug)
        consultation.outcomes_url = outcomes_url(consultation.slug)
        consultation.audience_labels = ", ".join(audience_labels[audience] for audience in consultation.audiences)


def hub_reading(*, moment: datetime, status: str, page, filters: dict, counts: dict | None = None):
    """What the hub shows for these filters, ready to draw: hub_lists() with each row's words and
    links (in the language of the request)."""
    found, changes_at = hub_lists(moment=moment, status=status, page=page, filters=filters, counts=counts)
    for shown, consultations in found["rows"].items():
        for_the_list(consultations, shown)
    return found, changes_at


def hub_key(*, status: str, page, filters: dict) -> str:
    """The shared reading of one hub page: the unfiltered first page is "hub"; any other is named by
    its filters and page, hashed so that a long search cannot make a long key."""
    if not any(filters.values()) and not status and page in (None, "", "1"):
        return f"hub:{get_language()}"
    named = json.dumps([status, str(page or ""), filters], sort_keys=True)
    return f"hub:{get_language()}:{hashlib.sha256(named.encode()).hexdigest()[:32]}"


class HubView(TemplateView):
    """Open, coming-up and closed consultations, each list capped or paged: a status filter shows
    one list, paged. Visitors who are not signed in share the filter options, and each page's data
    and its drawing (filtered or not), for up to a minute (common.cache.shared_with_drawing)."""

    template_name = "consultations/public/hub.html"

    def get_context_data(self, **kwargs):
        request, moment = self.request, timezone.now()
        areas = shared_with_visitors(
            request, "service-areas", lambda _moment: (selectors.service_areas(), None), moment=moment
        )
        form = HubFilterForm(request.GET or None, service_areas=areas)
        filters = form.filters()
        status = filters.pop("status")
        page = request.GET.get("page")
        first = hub_key(status="", page=None, filters={})
        key = hub_key(status=status, page=page, filters=filters)
        # Another page of one list, unfiltered: the counts the first page shares, if it has them, are right.
        counts = None
        if key != first and not any(filters.values()):
            shared = shared_kept(request, first, moment=moment)
            counts = shared["value"]["counts"] if shared else None
        found, drawing_key = shared_with_drawing(
            request,
            key,
            lambda now: hub_reading(moment=now, status=status, page=page, filters=filters, counts=counts),
            moment=moment,
        )
        counts, results = found["counts"], found["rows"]
        paged = status or ConsultationStatus.CLOSED
        page_obj = CountedPaginator((), HUB_PER_PAGE, count=counts[paged]).page(found["page_number"])
        return super().get_context_data(**kwargs) | {
            "form": form,
            "results": results,
            "counts": counts,
            "status": status,
            "filtered": any(filters.values()) or bool(status),
            "total": sum(counts[shown] for shown in results),
            "ConsultationStatus": ConsultationStatus,
            "drawing_key": drawing_key,
            "page_obj": page_obj,
            "page_links": page_links(page_obj),
            "pages_label": gettext("Pages of consultations"),
            "filters": filters,
            "audience_label": dict(form.fields["audience"].choices)[filters["audience"]] if filters["audience"] else "",
            "area_label": dict(form.fields["area"].choices)[filters["service_area"]] if filters["service_area"] else "",
        }


def document_download_name(document: Document) -> str:
    """A name from the document's title ("easy-read-guide.pdf"), not the stored name, which storage
    may have given a random suffix to keep it unique."""
    extension = Path(document.file.name).suffix.lower()
    return f"{slugify(document.title) or 'document'}{extension}"


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
        filename=document_download_name(document),
        content_type=document.content_type,
    )


class DocumentView(View):
    def get(self, request, slug, document_pk):
        document = get_object_or_404(
            Document, pk=document_pk, consultation__in=public_consultations(), consultation__slug=slug
        )
        return document_file_response(document)


def detail_reading(slug: str, moment: datetime) -> tuple[dict, datetime | None]:
    """A consultation's page data (two queries) and when its status next changes by itself."""
    consultation = get_object_or_404(public_consultations().prefetch_related("documents"), slug=slug)
    return {"consultation": consultation, "documents": list(consultation.documents.all())}, (
        consultation.status_changes_after(moment)
    )


class DetailView(TemplateView):
    """A consultation's public page. Visitors who are not signed in share its data and its drawing
    for up to a minute, never past the minute it opens or closes (common.cache.shared_with_drawing)."""

    template_name = "consultations/public/detail.html"

    def get_context_data(self, **kwargs):
        slug, moment = kwargs["slug"], timezone.now()
        found, drawing_key = shared_with_drawing(
            self.request, f"consultation:{slug}", lambda now: detail_reading(slug, now), moment=moment
        )
        return (
            super().get_context_data(**kwargs)
            | detail_context(found["consultation"], moment=moment, documents=found["documents"])
            | {"drawing_key": drawing_key}
        )


class RespondingView(KeepsTypedAnswers, View):
    """Base of the respond pages: the consultation, the visitor's draft, and the gate.

    With ``needs_draft``, a visitor without a draft is sent to the start page, which says why, and
    one whose response has already been sent (a second tab, the back button) is sent to its
    confirmation. A view that ``keeps_posted_answers`` takes a post without a draft instead, and
    keeps what it carried in a new draft (see common/kept_answers.py).
    """

    needs_draft = True
    keeps_posted_answers = False
    questions: list[Question] | None = None  # all the consultation's questions, where the reading shared them
    drawing_key = ""

    def dispatch(self, request, *args, **kwargs):
        refused = self.gate()
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def gate(self):
        """None when the page may be used; otherwise the response that takes its place."""
        self.moment = timezone.now()
        self.consultation = self.consultation_read()
        self.draft = draft_for(self.request, self.consultation)
        if self.needs_draft and self.draft is not None and self.draft.is_submitted:
            return self.to_confirmation(self.draft)
        in_progress = self.draft if self.draft is not None and not self.draft.is_submitted else None
        started_at = in_progress.started_at if in_progress else None
        if not self.consultation.accepts_submission_at(self.moment, started_at=started_at):
            return self.not_open(had_draft=in_progress is not None)
        keeping = self.keeps_posted_answers and self.request.method == "POST"
        if self.needs_draft and self.draft is None and not keeping:
            start = reverse("consultations:respond", kwargs={"slug": self.consultation.slug})
            return redirect(f"{start}?{LOST_PARAMETER}=1")
        return None

    def consultation_read(self) -> Consultation:
        """Visitors who are not signed in share the consultation and its questions, and a drawing of
        what the start page says of them, for up to a minute and never past the minute it opens or
        closes (common.cache.shared_with_drawing). Staff changes to it or its questions are seen on the
        next page (services.respond_reading_forget), and questions are locked once anyone has started,
        so answers are saved against the questions asked; sending a response reads the consultation
        afresh and locks the draft (services.response_submit)."""
        found, self.drawing_key = shared_with_drawing(
            self.request,
            services.respond_reading_key_for(self.kwargs["slug"]),
            self.shared_reading,
            moment=self.moment,
        )
        self.questions = found["questions"]
        return found["consultation"]

    def consultation_fresh(self) -> Consultation:
        return with_times(get_object_or_404(public_consultations(), slug=self.kwargs["slug"]))

    def shared_reading(self, moment: datetime) -> tuple[dict, datetime | None]:
        consultation = self.consultation_fresh()
        return {"consultation": consultation, "questions": list(consultation.questions.all())}, (
            consultation.status_changes_after(moment)
        )

    def questions_all(self) -> list[Question]:
        return self.questions if self.questions is not None else list(self.consultation.questions.all())

    def kept_in_new_draft(self, draft: Response):
        """A post that found no draft was kept in ``draft``: this browser holds it now, and is told why."""
        self.request.session[draft_session_key(self.consultation)] = draft.pk
        self.request.session[KEPT_SESSION_KEY] = draft.pk
        return redirect("consultations:respond-kept", slug=self.consultation.slug)

    def not_open(self, *, had_draft: bool = False):
        # Answers posted after closing cannot be saved; they are shown back, not dropped.
        typed = self.posted_form_typed() if self.request.method == "POST" else []
        return not_open_page(self.request, self.consultation, moment=self.moment, had_draft=had_draft, typed=typed)

    def posted_form_typed(self) -> list[dict]:
        """What this page's post carried, for showing back; pages that take answers say."""
        return []

    def typed_in_refused_post(self, request, *args, **kwargs) -> list[dict]:
        self.consultation = self.consultation_fresh()
        return self.posted_form_typed()

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


@response_start_limit
class StartView(RespondingView):
    """What the consultation is about, how long it takes, the safeguarding notice, and "Start now"."""

    needs_draft = False
    template_name = "consultations/public/start.html"

    def get(self, request, *args, **kwargs):
        questions = self.questions_all()
        draft = self.draft
        in_progress = draft if draft is not None and not draft.is_submitted else None
        sent = draft if draft is not None and draft.is_submitted else None
        lost = request.GET.get(LOST_PARAMETER) == "1" and in_progress is None
        return render(
            request,
            self.template_name,
            self.context(
                # What the page says before its button is the same for every visitor, unless it
                # names their own response.
                drawing_key="" if sent or lost else self.drawing_key,
                question_count=len(questions),
                page_count=len({question.page for question in questions}),
                minutes=estimated_minutes(questions),
                in_progress=in_progress,
                continue_url=resume_destination(self.consultation, in_progress, questions) if in_progress else "",
                sent=sent,
                lost=lost,
                session_hours=session_hours(),
            ),
        )

    def post(self, request, *args, **kwargs):
        if self.draft is not None and not self.draft.is_submitted:
            # A second click on "Start now", or a second tab: carry on with the same draft.
            return redirect(resume_destination(self.consultation, self.draft, self.questions))
        try:
            draft = services.response_start(consultation=self.consultation, user=request.user, moment=self.moment)
        except ValidationError:
            return self.not_open()
        request.session[draft_session_key(self.consultation)] = draft.pk
        # A response started this moment has no answers to read.
        return redirect(resume_destination(self.consultation, draft, self.questions, answered=set()))


@response_page_limit
class QuestionPageView(RespondingView):
    template_name = "consultations/public/question_page.html"
    keeps_posted_answers = True

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.change = request.GET.get("change") == "1"

    def load_page(self, page: int) -> None:
        all_questions = self.questions_all()
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

    def show(self, form: QuestionPageForm, *, kept: bool = False):
        index = self.pages.index(self.page)
        if self.change:
            back_url = reverse("consultations:respond-check", kwargs={"slug": self.consultation.slug})
        elif index:
            back_url = page_url(self.consultation, self.pages[index - 1])
        else:
            back_url = reverse("consultations:respond", kwargs={"slug": self.consultation.slug})
        questions = [[(field.attname, getattr(q, field.attname)) for field in QUESTION_FIELDS] for q in self.questions]
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                form_drawing_key=form_drawing_key(form, questions, self.consultation.child_friendly),
                single=len(self.questions) == 1,
                position=index + 1,
                page_count=len(self.pages),
                back_url=back_url,
                change=self.change,
                kept=kept,
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
            if self.draft is None:
                refuse_if_over_limit(request, **START_LIMIT)
                draft = services.answers_save_to_new_draft(
                    consultation=self.consultation,
                    user=request.user,
                    answers=form.answers(),
                    moment=self.moment,
                    questions=self.questions,
                )
                return self.kept_in_new_draft(draft)
            services.answers_save(
                response=self.draft, answers=form.answers(), moment=self.moment, questions=self.questions
            )
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

    def posted_form_typed(self) -> list[dict]:
        self.load_page(self.kwargs["page"])
        return typed_answers(self.form(self.request.POST, lenient=True))

    def kept_after_csrf_failure(self, request, *args, page: int, **kwargs):
        refused = self.gate()
        if refused is not None:
            return refused
        self.load_page(page)
        # Lenient: a required answer left empty is not this page's news; a real error still shows.
        return self.show(self.form(request.POST, lenient=True), kept=True)


@response_page_limit
class AboutYouView(RespondingView):
    template_name = "consultations/public/about_you.html"
    keeps_posted_answers = True

    def initial(self) -> dict:
        contact = selectors.contact_of(self.draft)
        email = contact.email if contact else (self.request.user.email if self.request.user.is_authenticated else "")
        contact_wanted = []
        if contact and contact.wants_receipt:
            contact_wanted.append("receipt")
        if contact and contact.wants_outcome:
            contact_wanted.append("outcome")
        return {
            "respondent_type": self.draft.respondent_type or None,
            "consent_to_quote": {True: "yes", False: "no"}.get(self.draft.consent_to_quote),
            "contact": contact_wanted,
            "email": email,
        }

    def show(self, form: AboutYouForm, *, kept: bool = False):
        last_page = max((question.page for question in self.questions_all()), default=None)
        back_url = (
            reverse("consultations:respond-check", kwargs={"slug": self.consultation.slug})
            if self.request.GET.get("change") == "1" or last_page is None
            else page_url(self.consultation, last_page)
        )
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                form_drawing_key=form_drawing_key(form, self.consultation.anonymous_allowed),
                back_url=back_url,
                kept=kept,
            ),
        )

    def get(self, request, *args, **kwargs):
        return self.show(AboutYouForm(initial=self.initial(), anonymous_allowed=self.consultation.anonymous_allowed))

    def post(self, request, *args, **kwargs):
        form = AboutYouForm(request.POST, anonymous_allowed=self.consultation.anonymous_allowed)
        if not form.is_valid():
            return self.show(form)
        try:
            if self.draft is None:
                refuse_if_over_limit(request, **START_LIMIT)
                draft = services.about_you_save_to_new_draft(
                    consultation=self.consultation, user=request.user, moment=self.moment, **form.about_you()
                )
                return self.kept_in_new_draft(draft)
            services.about_you_save(response=self.draft, moment=self.moment, **form.about_you())
        except ValidationError as error:
            if hasattr(error, "error_dict"):  # about a field: shown beside it
                form.add_error(None, error)
                return self.show(form)
            return self.refused(error)
        return redirect("consultations:respond-check", slug=self.consultation.slug)

    def posted_form_typed(self) -> list[dict]:
        return typed_answers(AboutYouForm(self.request.POST, anonymous_allowed=self.consultation.anonymous_allowed))

    def kept_after_csrf_failure(self, request, *args, **kwargs):
        refused = self.gate()
        if refused is not None:
            return refused
        return self.show(AboutYouForm(request.POST, anonymous_allowed=self.consultation.anonymous_allowed), kept=True)


class KeptView(RespondingView):
    """After a page posted with no draft was kept in a new one: what happened, and the way on."""

    template_name = "consultations/public/kept.html"

    def get(self, request, *args, **kwargs):
        continue_url = resume_destination(self.consultation, self.draft, self.questions)
        if request.session.get(KEPT_SESSION_KEY) != self.draft.pk:
            return redirect(continue_url)
        return render(
            request,
            self.template_name,
            self.context(
                continue_url=continue_url,
                save_url=reverse("consultations:respond-save", kwargs={"slug": self.consultation.slug}),
                session_hours=session_hours(),
            ),
        )


@response_page_limit
class CheckAnswersView(RespondingView):
    template_name = "consultations/public/check_answers.html"

    def show(self, *, errors: list[dict] | None = None):
        questions = self.questions_all()
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
        contact = selectors.contact_of(self.draft)
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
                # "About you" is the page before; it comes back here once answered.
                back_url=reverse("consultations:respond-about-you", kwargs={"slug": self.consultation.slug}),
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


@anonymous_form_limit
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
                    continue_url=resume_destination(self.consultation, self.draft, self.questions),
                ),
            )
        initial = {"email": request.user.email} if request.user.is_authenticated else {}
        return self.show(SaveForLaterForm(initial=initial))

    def post(self, request, *args, **kwargs):
        form = SaveForLaterForm(request.POST)
        if not form.is_valid():
            return self.show(form)
        email = form.cleaned_data["email"].strip().lower()
        try:
            services.resume_link_send(response=self.draft, email=email)
        except ValidationError as error:
            if error.code == "submitted":
                return self.refused(error)
            form.add_error("email", error)
            return self.show(form)
        request.session[RESUME_SENT_SESSION_KEY] = email
        return redirect(reverse("consultations:respond-save", kwargs={"slug": self.consultation.slug}) + "?sent=1")

    def show(self, form: SaveForLaterForm):
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                days=services.RESUME_LINK_DAYS,
                continue_url=resume_destination(self.consultation, self.draft, self.questions),
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
        contact = selectors.contact_of(response)
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
            return not_open_page(request, with_times(consultation), moment=moment, had_draft=True)
        request.session[draft_session_key(consultation)] = draft.pk
        return redirect(resume_destination(consultation, draft))


YOUR_RESPONSES_SHOWN = 50  # of each list, most recent first


def capped(queryset, limit: int) -> tuple[list, bool]:
    """The first ``limit`` rows and whether there are more, in one query and with no count."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


class YourResponsesView(LoginRequiredMixin, TemplateView):
    """A participant's unfinished drafts (with a link to carry on) and the responses they have sent,
    the 50 most recent of each."""

    template_name = "consultations/public/your_responses.html"

    def get_context_data(self, **kwargs):
        moment = timezone.now()
        mine = Response.objects.filter(user=self.request.user).select_related("consultation")
        drafts, more_drafts = capped(mine.drafts().order_by("-updated_at"), YOUR_RESPONSES_SHOWN)
        sent, more_sent = capped(mine.submitted().order_by("-submitted_at"), YOUR_RESPONSES_SHOWN)
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
            "sent": sent,
            "shown": YOUR_RESPONSES_SHOWN,
            "more_drafts": more_drafts,
            "more_sent": more_sent,
        }
