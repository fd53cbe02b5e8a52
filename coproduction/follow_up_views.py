"""Staff pages for what a session agreed and its follow-up: outcomes, participants' comments, minutes
and their approval, actions (recorded from a session, updated with progress) and the actions list
across all sessions.

Every staff role reads them; the session's team (or a manager) records and approves, and the team
that follows an action up (or a manager) updates it (rules.py). Every write goes through follow_up.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from . import follow_up
from .follow_up import SHOWN_ON_SESSION, overdue_marked
from .follow_up_forms import ActionFilterForm, ActionForm, ActionUpdateForm, CommentForm, MinutesForm, OutcomeForm
from .models import Action, AgreedOutcome, Minutes, Overdue, Participant
from .views import CANCELLED_REFUSAL, CoproductionStaffMixin, PagedListMixin, RecordPageMixin, SessionMixin

UPDATES_SHOWN = 50


class FollowUpMixin(SessionMixin):
    """Pages that record what a session agreed: its team or a manager, once it has started, never for a
    cancelled session (the session page says why, plainly)."""

    changes_session = True
    refusal_when_cancelled = CANCELLED_REFUSAL
    section = ""

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and not self.session.is_cancelled:
            try:
                follow_up.follow_up_check(session=self.session, user=request.user, moment=timezone.now())
            except ValidationError as error:
                return self.refused(error)
        return super().dispatch(request, *args, **kwargs)

    def section_url(self) -> str:
        return self.session_url() + f"#{self.section}"


class OutcomeAddView(FollowUpMixin, generic.FormView):
    template_name = "coproduction/staff/outcome_form.html"
    form_class = OutcomeForm
    section = "outcomes"

    def form_valid(self, form):
        try:
            follow_up.outcome_add(
                session=self.session,
                user=self.request.user,
                text=form.cleaned_data["text"],
                agreed=form.cleaned_data["agreed"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Outcome recorded."))
        return redirect(self.section_url())


class OutcomeRemoveView(FollowUpMixin, generic.TemplateView):
    template_name = "coproduction/staff/outcome_remove.html"
    section = "outcomes"

    @cached_property
    def outcome(self) -> AgreedOutcome:
        return get_object_or_404(self.session.outcomes, pk=self.kwargs["agreed_outcome_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"outcome": self.outcome}

    def post(self, request, *args, **kwargs):
        try:
            follow_up.outcome_remove(outcome=self.outcome, user=request.user, moment=timezone.now())
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("Outcome removed."))
        return redirect(self.section_url())


class CommentAddView(FollowUpMixin, generic.FormView):
    template_name = "coproduction/staff/comment_form.html"
    form_class = CommentForm
    section = "comments"

    def form_valid(self, form):
        try:
            follow_up.comment_add(
                session=self.session,
                user=self.request.user,
                text=form.cleaned_data["text"],
                said_by=form.cleaned_data["said_by"],
                consent_to_quote=form.cleaned_data["consent_to_quote"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Comment recorded."))
        return redirect(self.section_url())


class MinutesMixin(FollowUpMixin):
    section = "minutes"

    @cached_property
    def minutes(self) -> Minutes | None:
        return Minutes.objects.filter(session=self.session).first()

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and self.minutes and self.minutes.is_approved:
            return self.refused(ValidationError(_("These minutes are approved and were sent.")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"minutes": self.minutes}


class MinutesView(MinutesMixin, generic.FormView):
    """Draft the minutes; saving keeps them as a draft until someone approves them."""

    template_name = "coproduction/staff/minutes_form.html"
    form_class = MinutesForm

    def get_initial(self):
        return {"text": self.minutes.text} if self.minutes else {}

    def form_valid(self, form):
        try:
            follow_up.minutes_save(
                session=self.session, user=self.request.user, text=form.cleaned_data["text"], moment=timezone.now()
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Draft minutes saved. Approve them to send them to those present."))
        return redirect(self.section_url())


class MinutesApproveView(MinutesMixin, generic.TemplateView):
    """Check the minutes and the outcomes, see how many people will get them, and approve: once."""

    template_name = "coproduction/staff/minutes_approve.html"

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and not self.session.is_cancelled and self.minutes is None:
            return self.refused(ValidationError(_("Write the minutes before approving them.")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "outcomes": list(self.session.outcomes.all()[:SHOWN_ON_SESSION]),
            "recipient_count": len(follow_up.minutes_recipients(self.session)),
        }

    def post(self, request, *args, **kwargs):
        try:
            follow_up.minutes_approve(session=self.session, user=request.user, moment=timezone.now())
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("Minutes approved and sent to those present who may be contacted."))
        return redirect(self.section_url())


class ActionFormMixin:
    """An action's description, owner and due date, saved by ``save`` (adding or changing)."""

    form_class = ActionForm
    saved_message = ""

    def save(self, **fields):
        raise NotImplementedError

    def saved_url(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        fields = {
            name: form.cleaned_data[name] for name in ("description", "owner_participant", "owner_team", "due_on")
        }
        try:
            self.save(user=self.request.user, moment=timezone.now(), **fields)
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, self.saved_message)
        return redirect(self.saved_url())


class ActionAddView(ActionFormMixin, FollowUpMixin, generic.FormView):
    template_name = "coproduction/staff/action_form.html"
    section = "actions"

    def get_form_kwargs(self):
        owners = follow_up.action_owners_for(self.session).order_by("full_name", "pk")
        return super().get_form_kwargs() | {"owners": owners}

    saved_message = gettext_lazy("Action recorded.")

    def save(self, **fields):
        follow_up.action_add(session=self.session, **fields)

    def saved_url(self) -> str:
        return self.section_url()


# --- Actions across all sessions -------------------------------------------------------------------


class ActionListView(CoproductionStaffMixin, PagedListMixin, generic.ListView):
    """Every team's actions, soonest due first; filters by team, owner, status and overdue."""

    permission_required = ("accounts.access_staff_area", "coproduction.read_session")
    template_name = "coproduction/staff/action_list.html"
    context_object_name = "actions"
    filter_form_class = ActionFilterForm

    def get_queryset(self):
        today = timezone.localdate()
        actions = (
            Action.objects.for_list()
            .search(self.filter_form.value("q") or "")
            .owned_by_name(self.filter_form.value("owner") or "")
        )
        if team := self.filter_form.value("team"):
            actions = actions.filter(team=team)
        if status := self.filter_form.value("status"):
            actions = actions.filter(status=status)
        if self.filter_form.value("overdue"):
            actions = actions.overdue_on(today)
        return actions.order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["actions"] = overdue_marked(context["actions"], timezone.localdate())
        context["overdue_tag"] = Overdue.OVERDUE
        return context


class ActionMixin(RecordPageMixin):
    permission_required = ("accounts.access_staff_area", "coproduction.read_session")
    changes_action = False

    @cached_property
    def action(self) -> Action:
        return get_object_or_404(Action.objects.for_list(), pk=self.kwargs["action_pk"])

    @cached_property
    def can_edit(self) -> bool:
        return self.request.user.has_perm("coproduction.edit_action", self.action)

    def has_permission(self):
        return super().has_permission() and (not self.changes_action or self.can_edit)

    def action_url(self) -> str:
        return reverse("coproduction:action", kwargs={"action_pk": self.action.pk})

    def refused(self, error: ValidationError):
        messages.error(self.request, error.messages[0])
        return redirect(self.action_url())

    def get_context_data(self, **kwargs):
        self.action.overdue = self.action.is_overdue_on(timezone.localdate())
        return super().get_context_data(**kwargs) | {
            "action": self.action,
            "can_edit": self.can_edit,
            "overdue_tag": Overdue.OVERDUE,
        }


class ActionDetailView(ActionMixin, generic.TemplateView):
    """An action, where it came from, and its progress, latest first."""

    template_name = "coproduction/staff/action_detail.html"

    def get_context_data(self, **kwargs):
        updates = list(self.action.updates.select_related("written_by")[: UPDATES_SHOWN + 1])
        return super().get_context_data(**kwargs) | {
            "updates": updates[:UPDATES_SHOWN],
            "more_updates": len(updates) > UPDATES_SHOWN,
        }


class UnfinishedActionMixin(ActionMixin):
    """Pages that change an action: its team or a manager, while it is neither done nor dropped."""

    changes_action = True
    finished_refusal = gettext_lazy("This action is finished, so it takes no more updates.")

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and self.action.is_finished:
            return self.refused(ValidationError(self.finished_refusal))
        return super().dispatch(request, *args, **kwargs)


class ActionChangeView(ActionFormMixin, UnfinishedActionMixin, generic.FormView):
    """Change what is to be done, who owns it, or when it is due."""

    template_name = "coproduction/staff/action_change.html"

    def get_form_kwargs(self):
        owners = Participant.objects.filter(pk=self.action.owner_participant_id)
        if self.action.source_session:
            owners = owners | follow_up.action_owners_for(self.action.source_session)
        return super().get_form_kwargs() | {
            "owners": owners.distinct().order_by("full_name", "pk"),
            "button": _("Save changes"),
        }

    def get_initial(self):
        action = self.action
        return {
            "description": action.description,
            "owner_participant": action.owner_participant_id,
            "owner_team": action.owner_team_id,
            "due_on": action.due_on,
        }

    saved_message = gettext_lazy("Action changed.")

    def save(self, **fields):
        follow_up.action_change(action=self.action, **fields)

    def saved_url(self) -> str:
        return self.action_url()


class ActionUpdateView(UnfinishedActionMixin, generic.FormView):
    """Say what has happened and move the action on: in progress, done, or dropped with a reason."""

    template_name = "coproduction/staff/action_update.html"
    form_class = ActionUpdateForm

    def get_initial(self):
        return {"status": self.action.status}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            follow_up.action_update(
                action=self.action,
                user=self.request.user,
                text=data["text"],
                status=data["status"],
                drop_reason=data["drop_reason"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Action updated."))
        return redirect(self.action_url())
