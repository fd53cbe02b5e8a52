"""Staff pages for drafting, checking, publishing and withdrawing consultations.

Any staff member may read every team's consultations; changing one needs the object permission
consultations.edit_consultation (the owning team, managers, administrators). Every write goes
through a service in consultations/services.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from common.dates import govuk_date, govuk_datetime
from common.pagination import page_links
from common.views import StaffRequiredMixin

from .. import services
from ..forms.staff import (
    ConsultationFilterForm,
    ConsultationForm,
    DocumentForm,
    QuestionForm,
    WithdrawForm,
)
from ..models import Consultation, Question, Response
from . import public
from .mixins import ConsultationStaffMixin

LIST_PAGE_SIZE = 50


class ListView(ConsultationStaffMixin, generic.ListView):
    """Every team's consultations, newest first, filtered by team and status."""

    template_name = "consultations/staff/list.html"
    context_object_name = "consultations"
    paginate_by = LIST_PAGE_SIZE

    @cached_property
    def filter_form(self) -> ConsultationFilterForm:
        return ConsultationFilterForm(self.request.GET if self.request.GET else None)

    def get_queryset(self):
        submitted_counts = (
            Response.objects.submitted()
            .filter(consultation=OuterRef("pk"))
            .order_by()
            .values("consultation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        consultations = (
            Consultation.objects.select_related("team")
            # A correlated count, worked out only for the page of rows shown rather than for every row.
            .annotate(submitted_responses=Coalesce(Subquery(submitted_counts), 0))
            .order_by("-opens_at", "-pk")
        )
        if team := self.filter_form.value("team"):
            consultations = consultations.filter(team=team)
        if status := self.filter_form.value("status"):
            consultations = consultations.with_status_at(status, timezone.now())
        return consultations

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        context["filtered"] = bool(self.filter_form.value("team") or self.filter_form.value("status"))
        return context


class ConsultationFormMixin:
    template_name = "consultations/staff/consultation_form.html"
    form_class = ConsultationForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "instance": self.get_instance()}

    def form_valid(self, form):
        try:
            consultation = services.consultation_save(consultation=form.instance, user=self.request.user)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message(consultation))
        return redirect("consultations:staff-overview", pk=consultation.pk)


class CreateView(ConsultationFormMixin, StaffRequiredMixin, generic.FormView):
    permission_required = "consultations.read_consultation"

    def get_instance(self) -> Consultation:
        return Consultation()

    def saved_message(self, consultation) -> str:
        return _("Consultation saved as a draft. Add questions and documents, then preview and publish it.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Staff can only create for their own teams; someone in no team has nothing to choose.
        context["no_team"] = not context["form"].fields["team"].queryset.exists()
        return context


class EditView(ConsultationFormMixin, ConsultationStaffMixin, generic.FormView):
    changes_consultation = True

    def get(self, request, *args, **kwargs):
        return self.refused_change() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused_change() or super().post(request, *args, **kwargs)

    def get_instance(self) -> Consultation:
        return self.consultation

    def saved_message(self, consultation) -> str:
        if consultation.published_at:
            return _("Changes saved. They are on the public page now.")
        return _("Changes saved.")


def consultation_details(consultation: Consultation) -> list[tuple[str, str, str]]:
    """(label, value, id of the field on the edit form) for the overview's summary list."""
    yes, no = _("Yes"), _("No")
    rows = [
        (_("Title"), consultation.title, "id_title"),
        (_("Web address"), consultation.get_absolute_url(), "id_slug"),
        (_("Summary"), consultation.summary, "id_summary"),
        (_("What is proposed and why"), consultation.proposal, "id_proposal"),
        (_("The decision it informs"), consultation.decision_informed, "id_decision_informed"),
        (_("Who it is for"), ", ".join(str(a.label) for a in consultation.audiences), "id_audiences_1"),
        (_("Service area"), str(consultation.service_area), "id_service_area"),
        (_("Team"), str(consultation.team), "id_team"),
        (_("Opens"), govuk_datetime(consultation.opens_at), "id_opens_on_0"),
        (_("Closes"), govuk_datetime(consultation.closes_at), "id_closes_on_0"),
        (_("Other ways to respond"), consultation.other_ways_to_respond, "id_other_ways_to_respond"),
        (_("Anonymous responses"), yes if consultation.anonymous_allowed else no, "id_anonymous_allowed_1"),
        (_("Contact details"), consultation.contact_details, "id_contact_details"),
    ]
    if consultation.for_young_people or consultation.who_decides or consultation.feedback_due:
        rows += [
            (_("Who will decide"), consultation.who_decides, "id_who_decides"),
            (
                _("Children and young people hear back by"),
                govuk_date(consultation.feedback_due) if consultation.feedback_due else "",
                "id_feedback_due_0",
            ),
        ]
    rows.append((_("Child-friendly version"), yes if consultation.child_friendly else no, "id_child_friendly"))
    return rows


class OverviewView(ConsultationStaffMixin, generic.TemplateView):
    template_name = "consultations/staff/overview.html"

    def get_context_data(self, **kwargs):
        consultation = self.consultation
        try:
            services.ensure_questions_editable(consultation)
            locked_message = ""
        except ValidationError as error:
            locked_message = error.messages[0]
        can_change = self.can_edit and not consultation.withdrawn_at
        questions = list(consultation.questions.all())
        for number, question in enumerate(questions, start=1):
            question.number = number
        # The consultation, its status and can_edit come from ConsultationStaffMixin.
        return super().get_context_data(**kwargs) | {
            "details": consultation_details(consultation),
            "opens_text": govuk_datetime(consultation.opens_at),
            "closes_text": govuk_datetime(consultation.closes_at),
            "can_change": can_change,
            "can_change_questions": can_change and not locked_message,
            "questions_locked_message": locked_message,
            "questions": questions,
            "documents": list(consultation.documents.all()),
            "submitted_responses": consultation.responses.submitted().count(),
            "can_withdraw": can_change and consultation.is_published(),
        }


class PreviewView(ConsultationStaffMixin, generic.TemplateView):
    """Exactly the public page, with a banner saying it is a preview."""

    template_name = "consultations/public/detail.html"

    def get_context_data(self, **kwargs):
        # The public page's own context (status and times in words), so the preview cannot drift from it.
        return (
            super().get_context_data(**kwargs)
            | public.detail_context(self.consultation, moment=timezone.now(), preview=True)
            | {"questions": list(self.consultation.questions.all())}
        )


class PublishView(ConsultationStaffMixin, generic.View):
    changes_consultation = True

    def get(self, request, *args, **kwargs):
        return redirect(self.overview_url())

    def post(self, request, *args, **kwargs):
        if self.consultation.published_at and not self.consultation.withdrawn_at:
            messages.info(request, _("This consultation is already published."))
            return redirect(self.overview_url())
        try:
            consultation = services.consultation_publish(
                consultation=self.consultation, moment=timezone.now(), user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.overview_url())
        if consultation.opens_at <= timezone.now():
            message = _("Consultation published. It is open for responses now.")
        else:
            message = _("Consultation published. It opens for responses at %(opens)s.") % {
                "opens": govuk_datetime(consultation.opens_at)
            }
        messages.success(request, message)
        return redirect(self.overview_url())


class WithdrawView(ConsultationStaffMixin, generic.FormView):
    changes_consultation = True
    template_name = "consultations/staff/withdraw.html"
    form_class = WithdrawForm

    def get(self, request, *args, **kwargs):
        return self.refuse() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse() or super().post(request, *args, **kwargs)

    def refuse(self):
        if self.consultation.withdrawn_at:
            messages.error(self.request, _("This consultation has already been withdrawn."))
            return redirect(self.overview_url())
        if not self.consultation.published_at:
            messages.error(self.request, _("Only a published consultation can be withdrawn."))
            return redirect(self.overview_url())
        return None

    def form_valid(self, form):
        try:
            services.consultation_withdraw(
                consultation=self.consultation,
                reason=form.cleaned_data["reason"],
                moment=timezone.now(),
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        messages.success(self.request, _("Consultation withdrawn. The public page says why."))
        return redirect(self.overview_url())


# --- Questions ---------------------------------------------------------------------------------------------


class QuestionMixin(ConsultationStaffMixin):
    """A question page: refused with a message once responses exist, 404 for another consultation's."""

    changes_consultation = True

    @cached_property
    def question(self) -> Question:
        if "question_pk" not in self.kwargs:
            return Question(consultation=self.consultation)
        return get_object_or_404(self.consultation.questions.all(), pk=self.kwargs["question_pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)  # the mixins redirect or refuse
        self.question  # noqa: B018 - a question of another consultation is a 404 before anything else
        try:
            services.ensure_questions_editable(self.consultation)
        except ValidationError as error:
            return self.refuse_locked(error)
        return super().dispatch(request, *args, **kwargs)

    def refuse_locked(self, error: ValidationError):
        messages.error(self.request, error.messages[0])
        return redirect(self.overview_url("questions"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"question": self.question}


class QuestionFormView(QuestionMixin, generic.FormView):
    template_name = "consultations/staff/question_form.html"
    form_class = QuestionForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.question}

    def form_valid(self, form):
        adding = not form.instance.pk
        try:
            services.question_save(question=form.instance, user=self.request.user)
        except ValidationError as error:
            # Locked or withdrawn while the form was open; an error about a field has no single code.
            if getattr(error, "code", None) in ("questions_locked", "withdrawn"):
                return self.refuse_locked(error)
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Question added.") if adding else _("Question saved."))
        return redirect(self.overview_url("questions"))


class QuestionCreateView(QuestionFormView):
    pass


class QuestionEditView(QuestionFormView):
    pass


class QuestionMoveView(QuestionMixin, generic.View):
    DIRECTIONS = {"up": -1, "down": 1}

    def get(self, request, *args, **kwargs):
        return redirect(self.overview_url("questions"))

    def post(self, request, *args, **kwargs):
        direction = self.DIRECTIONS.get(request.POST.get("direction", ""))
        if direction is None:
            return redirect(self.overview_url("questions"))
        try:
            services.question_move(question=self.question, direction=direction, user=request.user)
        except ValidationError as error:
            return self.refuse_locked(error)
        return redirect(self.overview_url(f"question-{self.question.pk}"))


class QuestionDeleteView(QuestionMixin, generic.TemplateView):
    template_name = "consultations/staff/question_delete.html"

    def post(self, request, *args, **kwargs):
        try:
            services.question_delete(question=self.question, user=request.user)
        except ValidationError as error:
            return self.refuse_locked(error)
        messages.success(request, _("Question deleted."))
        return redirect(self.overview_url("questions"))


# --- Documents ---------------------------------------------------------------------------------------------


class DocumentCreateView(ConsultationStaffMixin, generic.FormView):
    changes_consultation = True
    template_name = "consultations/staff/document_form.html"
    form_class = DocumentForm

    def get(self, request, *args, **kwargs):
        return self.refused_change() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused_change() or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.document_add(
                consultation=self.consultation,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                easy_read=form.cleaned_data["easy_read"],
                user=self.request.user,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "withdrawn":  # withdrawn while the form was open
                return self.refused_change()
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Document uploaded."))
        return redirect(self.overview_url("documents"))


class DocumentMixin(ConsultationStaffMixin):
    @cached_property
    def document(self):
        return get_object_or_404(self.consultation.documents.all(), pk=self.kwargs["document_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"document": self.document}


class DocumentDeleteView(DocumentMixin, generic.TemplateView):
    changes_consultation = True
    template_name = "consultations/staff/document_delete.html"

    def get(self, request, *args, **kwargs):
        return self.refused_change() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.document_delete(document=self.document, user=request.user)
        except ValidationError:
            return self.refused_change()
        messages.success(request, _("Document deleted."))
        return redirect(self.overview_url("documents"))


class DocumentDownloadView(DocumentMixin, generic.View):
    """Staff check an uploaded file, published or not."""

    def get(self, request, *args, **kwargs):
        return public.document_file_response(self.document)
