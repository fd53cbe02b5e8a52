"""Staff pages for participation groups, participants and memberships (/staff/coproduction/).

Every staff role reads every team's groups and who is in them; changing a group needs
coproduction.edit_group (its team, managers, administrators), and a participant's personal details
need coproduction.view_participant_details (rules.py). Every write goes through services.py.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import generic

from common.cache import (
    EmptyFormWhenDrawn,
    form_drawing_key,
    kept_in_process,
    read_when_drawn,
    shared_with_visitors,
)
from common.kept_answers import KeepsTypedAnswers, typed_answers
from common.pagination import page_links
from common.text import search_words
from common.views import StaffRequiredMixin, post_limit

from . import follow_up, recognition, selectors, services
from .forms import (
    AgendaItemForm,
    GroupFilterForm,
    GroupForm,
    ImportForm,
    InviteForm,
    MembershipAddForm,
    MembershipEndForm,
    ParticipantFilterForm,
    ParticipantForm,
    RegisterForm,
    RsvpForm,
    SessionCancelForm,
    SessionFilterForm,
    SessionForm,
    WalkInForm,
)
from .models import AgendaItem, GroupStatus, Membership, Overdue, Participant, ParticipationGroup, Session
from .rules import groups_changeable_by, participants_with_details_for
from .selectors import REGISTER_MAX

PAGE_SIZE = 50
CANDIDATES_SHOWN = 20
IMPORTED_MESSAGE = gettext_lazy(
    "Imported %(rows)s rows: %(created)s new participants, %(updated)s updated, %(joined)s added to the group."
)


class CoproductionStaffMixin(StaffRequiredMixin):
    permission_required = ("accounts.access_staff_area", "coproduction.read_group")
    permission_denied_message = gettext_lazy("Only the group's team or a manager can do this.")


class PagedListMixin:
    """A paged list with its filter form (``filter_form_class``) and the GOV.UK pagination links."""

    paginate_by = PAGE_SIZE
    filter_form_class = None

    @cached_property
    def filter_form(self):
        return self.filter_form_class(self.request.GET or None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["filtered"] = self.filter_form.filtered()
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        return context


class IndexView(CoproductionStaffMixin, generic.TemplateView):
    """The co-production section's front page: what it holds, and where to start."""

    template_name = "coproduction/staff/index.html"


# --- Groups ---------------------------------------------------------------------------------------


class GroupListView(CoproductionStaffMixin, PagedListMixin, generic.ListView):
    template_name = "coproduction/staff/group_list.html"
    context_object_name = "groups"
    filter_form_class = GroupFilterForm

    def get_queryset(self):
        today = timezone.localdate()
        groups = (
            ParticipationGroup.objects.select_related("team")
            .annotate(member_count=Count("memberships", filter=Q(memberships__in=Membership.objects.current_on(today))))
            .search(self.filter_form.value("q") or "")
            .order_by("closed_at", "name", "pk")  # active groups first
        )
        for name in ("kind", "bench_level", "team"):
            if value := self.filter_form.value(name):
                groups = groups.filter(**{name: value})
        if status := self.filter_form.value("status"):
            groups = groups.with_status(GroupStatus(status))
        return groups


class RecordPageMixin(CoproductionStaffMixin):
    """A page about one group or session, whose ``refused`` says why a change was refused on it."""

    def refused(self, error: ValidationError):
        raise NotImplementedError

    def refused_or_invalid(self, form, error: ValidationError):
        """A refusal of the whole change goes back with a message; errors about fields stay beside them."""
        if not hasattr(error, "error_dict"):
            return self.refused(error)
        form.add_service_error(error)
        return self.form_invalid(form)


class GroupMixin(RecordPageMixin):
    """A page about the group in the URL; ``changes_group`` pages need edit permission on it."""

    changes_group = False

    @cached_property
    def group(self) -> ParticipationGroup:
        return get_object_or_404(ParticipationGroup.objects.select_related("team"), pk=self.kwargs["group_pk"])

    @cached_property
    def can_edit(self) -> bool:
        return self.request.user.has_perm("coproduction.edit_group", self.group)

    def has_permission(self):
        return super().has_permission() and (not self.changes_group or self.can_edit)

    def group_url(self) -> str:
        return reverse("coproduction:group", kwargs={"group_pk": self.group.pk})

    def refused(self, error: ValidationError):
        messages.error(self.request, error.messages[0])
        return redirect(self.group_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"group": self.group, "can_edit": self.can_edit}


class GroupDetailView(GroupMixin, generic.ListView):
    """The group, and its members today (with those who join later), paged; past members with ?show=past."""

    template_name = "coproduction/staff/group_detail.html"
    context_object_name = "memberships"
    paginate_by = PAGE_SIZE

    @cached_property
    def show_past(self) -> bool:
        return self.request.GET.get("show") == "past"

    def get_queryset(self):
        memberships = self.group.memberships.select_related("participant")
        today = timezone.localdate()
        if self.show_past:
            return memberships.filter(ends_on__lt=today).order_by("-ends_on", "participant__full_name", "pk")
        return memberships.not_ended_on(today).order_by("participant__full_name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        context["show_past"] = self.show_past
        context["today"] = timezone.localdate()
        token = services.feed_token_for(self.group)
        context["feed_url"] = settings.SITE_URL + reverse("coproduction:calendar-feed", kwargs={"feed_token": token})
        return context


class ServiceFormMixin:
    """A form for one record of the user's teams, saved by a service; its errors shown beside the fields."""

    saved_message = ""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "instance": self.get_instance()}

    def save(self, instance):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            saved = self.save(form.instance)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message)
        return redirect(saved_url(saved))


class NewForTeamMixin:
    """A page creating a record that belongs to a team: someone in no team is told why they cannot."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["no_team"] = not context["form"].fields["team"].queryset.exists()
        return context


def saved_url(saved) -> str:
    name, argument = {
        ParticipationGroup: ("group", "group_pk"),
        Participant: ("participant", "participant_pk"),
        Session: ("session", "session_pk"),
    }[type(saved)]
    return reverse(f"coproduction:{name}", kwargs={argument: saved.pk})


class GroupFormMixin(ServiceFormMixin):
    template_name = "coproduction/staff/group_form.html"
    form_class = GroupForm
    saved_message = gettext_lazy("Group saved.")

    def save(self, instance):
        return services.group_save(group=instance, user=self.request.user)


class GroupCreateView(GroupFormMixin, NewForTeamMixin, CoproductionStaffMixin, generic.FormView):
    def get_instance(self):
        return ParticipationGroup()


class GroupEditView(GroupFormMixin, GroupMixin, generic.FormView):
    changes_group = True

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and self.group.is_closed:
            return self.refused(ValidationError(_("This group is closed, so it cannot be changed.")))
        return super().dispatch(request, *args, **kwargs)

    def get_instance(self):
        return self.group


class GroupCloseView(GroupMixin, generic.TemplateView):
    changes_group = True
    template_name = "coproduction/staff/group_close.html"

    def get(self, request, *args, **kwargs):
        if self.group.is_closed:
            return self.refused(ValidationError(_("This group is already closed.")))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.group_close(group=self.group, user=request.user, moment=timezone.now())
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("Group closed. Its members' memberships have ended today."))
        return redirect(self.group_url())


class CandidateSearchMixin:
    """A form that picks one participant found by name (``?q=``): the first CANDIDATES_SHOWN matches,
    and the one posted, so the form can check that choice."""

    @cached_property
    def search(self) -> str:
        return search_words(self.request.GET.get("q") or self.request.POST.get("q"))

    def candidates_among(self, participants):
        shown = list(
            participants.search(self.search).order_by("full_name", "pk").values_list("pk", flat=True)[:CANDIDATES_SHOWN]
        )
        if (posted := self.request.POST.get("participant", "").strip()).isdigit():
            shown.append(int(posted))
        return participants.filter(pk__in=shown).order_by("full_name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"search": self.search}


class MembershipAddView(CandidateSearchMixin, GroupMixin, generic.FormView):
    """Find people the team works with by name, choose one, a role and a start day."""

    changes_group = True
    template_name = "coproduction/staff/membership_add.html"
    form_class = MembershipAddForm

    def get_form_kwargs(self):
        today = timezone.localdate()
        permitted = participants_with_details_for(self.request.user, Participant.objects.all())
        not_members = permitted.exclude(pk__in=self.group.memberships.not_ended_on(today).values("participant_id"))
        self.candidates = self.candidates_among(not_members)
        return super().get_form_kwargs() | {"candidates": self.candidates, "initial": {"starts_on": today}}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            membership = services.membership_add(
                group=self.group,
                participant=data["participant"],
                role=data["role"],
                starts_on=data["starts_on"],
                user=self.request.user,
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("%(name)s added to the group.") % {"name": membership.participant.full_name})
        return redirect(self.group_url())


class MembershipEndView(GroupMixin, generic.FormView):
    changes_group = True
    template_name = "coproduction/staff/membership_end.html"
    form_class = MembershipEndForm

    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(self.group.memberships.select_related("participant"), pk=self.kwargs["membership_pk"])

    def get_initial(self):
        return {"ends_on": timezone.localdate()}

    def form_valid(self, form):
        try:
            services.membership_end(
                membership=self.membership, ends_on=form.cleaned_data["ends_on"], user=self.request.user
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(
            self.request, _("%(name)s's membership has ended.") % {"name": self.membership.participant.full_name}
        )
        return redirect(self.group_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"membership": self.membership}


# --- Participants ---------------------------------------------------------------------------------


class ParticipantListView(CoproductionStaffMixin, PagedListMixin, generic.ListView):
    """Everyone who takes part, by name and role: contact details are on each person's page, for those
    who may see them."""

    template_name = "coproduction/staff/participant_list.html"
    context_object_name = "participants"
    filter_form_class = ParticipantFilterForm

    def get_queryset(self):
        today = timezone.localdate()
        participants = (
            Participant.objects.select_related("team")
            .annotate(group_count=Count("memberships", filter=Q(memberships__in=Membership.objects.current_on(today))))
            .search(self.filter_form.value("q") or "")
            .order_by("full_name", "pk")
        )
        if role := self.filter_form.value("role"):
            participants = participants.filter(role=role)
        if team := self.filter_form.value("team"):
            participants = participants.filter(team=team)
        if group := self.filter_form.value("group"):
            participants = participants.filter(pk__in=group.memberships.current_on(today).values("participant_id"))
        return participants

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_group": self.filter_form.value("group")}


class ParticipantMixin(CoproductionStaffMixin):
    permission_required = ("accounts.access_staff_area", "coproduction.read_participant")

    @cached_property
    def participant(self) -> Participant:
        return get_object_or_404(Participant.objects.select_related("team", "user"), pk=self.kwargs["participant_pk"])

    @cached_property
    def may_see_details(self) -> bool:
        return self.request.user.has_perm("coproduction.view_participant_details", self.participant)


class ParticipantDetailView(ParticipantMixin, generic.TemplateView):
    """A participant and their groups; their personal details only for those who may see them, and
    each showing is recorded in the audit log."""

    template_name = "coproduction/staff/participant_detail.html"
    MEMBERSHIPS_SHOWN = 50
    ACTIONS_SHOWN = INVITATIONS_SHOWN = 20

    def get_context_data(self, **kwargs):
        participant = self.participant
        if self.may_see_details:
            services.participant_details_view(participant=participant, viewer=self.request.user, moment=timezone.now())
        memberships = list(
            participant.memberships.select_related("group").order_by("-starts_on", "pk")[: self.MEMBERSHIPS_SHOWN + 1]
        )
        actions = participant.actions_owned.for_list().unfinished_first()[: self.ACTIONS_SHOWN + 1]
        actions = follow_up.overdue_marked(actions, timezone.localdate())
        invitations = list(
            participant.invitations.select_related("session").order_by("-session__starts_at", "-pk")[
                : self.INVITATIONS_SHOWN + 1
            ]
        )
        return super().get_context_data(**kwargs) | {
            "participant": participant,
            "may_see_details": self.may_see_details,
            "memberships": memberships[: self.MEMBERSHIPS_SHOWN],
            "more_memberships": len(memberships) > self.MEMBERSHIPS_SHOWN,
            "actions": actions[: self.ACTIONS_SHOWN],
            "more_actions": len(actions) > self.ACTIONS_SHOWN,
            "overdue_tag": Overdue.OVERDUE,
            "invitations": invitations[: self.INVITATIONS_SHOWN],
            "more_invitations": len(invitations) > self.INVITATIONS_SHOWN,
            "shown": self.ACTIONS_SHOWN,
            "today": timezone.localdate(),
            "year": (year := recognition.current_year(timezone.now())),
            "year_total": recognition.year_total(participant=participant, year=year),
        }


class ParticipantFormMixin(ServiceFormMixin):
    template_name = "coproduction/staff/participant_form.html"
    form_class = ParticipantForm
    saved_message = gettext_lazy("Participant saved.")

    def save(self, instance):
        return services.participant_save(participant=instance, user=self.request.user, moment=timezone.now())


class ParticipantCreateView(ParticipantFormMixin, NewForTeamMixin, CoproductionStaffMixin, generic.FormView):
    permission_required = ("accounts.access_staff_area", "coproduction.read_participant")

    def get_instance(self):
        return Participant()


class ParticipantEditView(ParticipantFormMixin, ParticipantMixin, generic.FormView):
    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm(
            "coproduction.edit_participant", self.participant
        )

    def get_instance(self):
        return self.participant

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"participant": self.participant}


# --- Import ----------------------------------------------------------------------------------------


class ImportView(CoproductionStaffMixin, generic.FormView):
    """Upload a CSV of participants, optionally into a group; a file with bad rows is refused whole,
    and the page lists each bad line with its reason."""

    permission_required = ("accounts.access_staff_area", "coproduction.read_participant")
    template_name = "coproduction/staff/import.html"
    form_class = ImportForm

    def editable_groups(self):
        return groups_changeable_by(self.request.user, ParticipationGroup.objects.active().select_related("team"))

    def get_initial(self):
        group = self.request.GET.get("group", "")
        return {"group": int(group)} if group.isdigit() else {}

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "groups": self.editable_groups()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = services.participants_import(
                data=data["file"].read(services.IMPORT_MAX_BYTES + 1),
                team=data["team"],
                group=data["group"],
                user=self.request.user,
                moment=timezone.now(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_service_error(error)
                return self.form_invalid(form)
            return self.render_to_response(self.get_context_data(form=form, problems=error.messages))
        messages.success(
            self.request,
            IMPORTED_MESSAGE
            % {"rows": result.rows, "created": result.created, "updated": result.updated, "joined": result.joined},
        )
        if data["group"]:
            return redirect("coproduction:group", group_pk=data["group"].pk)
        return redirect("coproduction:participants")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"columns": services.IMPORT_COLUMNS}


class ImportTemplateView(CoproductionStaffMixin, generic.View):
    permission_required = ("accounts.access_staff_area", "coproduction.read_participant")

    def get(self, request, *args, **kwargs):
        response = HttpResponse(services.import_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="participants-template.csv"'
        return response


# --- Sessions --------------------------------------------------------------------------------------

CANCELLED_REFUSAL = gettext_lazy("This session was cancelled, so it cannot be changed.")


class SessionListView(CoproductionStaffMixin, PagedListMixin, generic.ListView):
    """Every team's sessions, the latest first; filters by group, upcoming or past, and rung."""

    permission_required = ("accounts.access_staff_area", "coproduction.read_session")
    template_name = "coproduction/staff/session_list.html"
    context_object_name = "sessions"

    @cached_property
    def filter_form(self):
        groups = groups_changeable_by(self.request.user, ParticipationGroup.objects.order_by("name", "pk"))
        return SessionFilterForm(self.request.GET or None, groups=groups)

    def get_queryset(self):
        now = timezone.now()
        sessions = Session.objects.select_related("group", "team").search(self.filter_form.value("q") or "")
        if group := self.filter_form.value("group"):
            sessions = sessions.filter(group=group)
        if rung := self.filter_form.value("rung"):
            sessions = sessions.filter(rung=rung)
        when = self.filter_form.value("when")
        if when == "upcoming":
            return sessions.upcoming_at(now).order_by("starts_at", "pk")
        if when == "past":
            sessions = sessions.past_at(now)
        return sessions.order_by("-starts_at", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for session in context["sessions"]:
            session.status = session.status_at(now)
        return context


class SessionMixin(RecordPageMixin):
    """A page about the session in the URL; ``changes_session`` pages need edit permission on it."""

    permission_required = ("accounts.access_staff_area", "coproduction.read_session")
    changes_session = False
    refusal_when_cancelled = None  # pages that change a session say this of a cancelled one

    def dispatch(self, request, *args, **kwargs):
        if self.refusal_when_cancelled and self.has_permission() and self.session.is_cancelled:
            return self.refused(ValidationError(self.refusal_when_cancelled))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def session(self) -> Session:
        if (session := selectors.session_read.one(self.kwargs["session_pk"])) is None:
            raise Http404
        return session

    @cached_property
    def can_edit(self) -> bool:
        return self.request.user.has_perm("coproduction.edit_session", self.session)

    def has_permission(self):
        return super().has_permission() and (not self.changes_session or self.can_edit)

    def session_url(self) -> str:
        return reverse("coproduction:session", kwargs={"session_pk": self.session.pk})

    def refused(self, error: ValidationError):
        messages.error(self.request, error.messages[0])
        return redirect(self.session_url())

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return super().get_context_data(**kwargs) | {
            "session": self.session,
            "can_edit": self.can_edit,
            "status": self.session.status_at(now),
            "started": self.session.has_started_at(now),
        }


class SessionDetailView(SessionMixin, generic.TemplateView):
    """The session, its agenda, and who was there with the share of parent carers and young people.

    All but the agenda is drawn once for each state of the session (selectors.session_page_key); the
    agenda's reordering forms carry the viewer's own CSRF token, so it is drawn for each request
    from a reading kept under the same key.
    """

    template_name = "coproduction/staff/session_detail.html"
    AGENDA_SHOWN = 100

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        shown_as = {name: context[name] for name in ("can_edit", "status", "started")}
        key = selectors.session_page_key(self.session, today=today, **shown_as)
        return (
            context
            | {
                # Drawn for each request (its forms carry the viewer's CSRF token), read once a state.
                "agenda": kept_in_process(
                    f"session-agenda:{key}", lambda: list(self.session.agenda_items.all()[: self.AGENDA_SHOWN])
                ),
                "register_max": REGISTER_MAX,
                "overdue_tag": Overdue.OVERDUE,
                "page_drawing_key": key,
            }
            | read_when_drawn(
                lambda: selectors.session_page_reading(self.session, today=today), selectors.SESSION_PAGE_READ
            )
        )


class SessionFormMixin(ServiceFormMixin):
    template_name = "coproduction/staff/session_form.html"
    form_class = SessionForm
    saved_message = gettext_lazy("Session saved.")

    def save(self, instance):
        return services.session_save(session=instance, user=self.request.user)


class SessionCreateView(SessionFormMixin, NewForTeamMixin, CoproductionStaffMixin, generic.FormView):
    permission_required = ("accounts.access_staff_area", "coproduction.read_session")

    def get_instance(self):
        session = Session()
        group = self.request.GET.get("group", "")
        if group.isdigit() and (chosen := ParticipationGroup.objects.filter(pk=int(group)).first()):
            session.group, session.team_id, session.bench_level = chosen, chosen.team_id, chosen.bench_level
        return session


class SessionEditView(SessionFormMixin, SessionMixin, generic.FormView):
    changes_session = True
    refusal_when_cancelled = CANCELLED_REFUSAL

    def get_instance(self):
        return self.session


class SessionCancelView(SessionMixin, generic.FormView):
    changes_session = True
    template_name = "coproduction/staff/session_cancel.html"
    form_class = SessionCancelForm

    refusal_when_cancelled = gettext_lazy("This session is already cancelled.")

    def form_valid(self, form):
        try:
            services.session_cancel(
                session=self.session, user=self.request.user, reason=form.cleaned_data["reason"], moment=timezone.now()
            )
        except ValidationError as error:
            return self.refused(error)
        messages.success(self.request, _("Session cancelled."))
        return redirect(self.session_url())


# --- Agenda ----------------------------------------------------------------------------------------


class AgendaItemMixin(SessionMixin):
    changes_session = True
    refusal_when_cancelled = CANCELLED_REFUSAL

    @cached_property
    def item(self) -> AgendaItem:
        if "agenda_item_pk" not in self.kwargs:
            return AgendaItem(session=self.session)
        return get_object_or_404(self.session.agenda_items, pk=self.kwargs["agenda_item_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"item": self.item}

    def agenda_url(self) -> str:
        return self.session_url() + "#agenda"


class AgendaItemFormView(AgendaItemMixin, generic.FormView):
    template_name = "coproduction/staff/agenda_item_form.html"
    form_class = AgendaItemForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.item}

    def form_valid(self, form):
        try:
            services.agenda_item_save(item=form.instance, user=self.request.user)
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Agenda item saved."))
        return redirect(self.agenda_url())


class AgendaItemMoveView(AgendaItemMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.agenda_item_move(item=self.item, user=request.user, up=request.POST.get("direction") == "up")
        except ValidationError as error:
            return self.refused(error)
        return redirect(self.agenda_url())


class AgendaItemDeleteView(AgendaItemMixin, generic.TemplateView):
    template_name = "coproduction/staff/agenda_item_delete.html"

    def post(self, request, *args, **kwargs):
        try:
            services.agenda_item_delete(item=self.item, user=request.user)
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("Agenda item removed."))
        return redirect(self.agenda_url())


# --- The register ----------------------------------------------------------------------------------


class RegisterMixin(SessionMixin):
    """The register opens once the session has started, never for a cancelled session: otherwise the
    session page says why, plainly."""

    changes_session = True

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():
            try:
                services.register_check(session=self.session, user=request.user, moment=timezone.now())
            except ValidationError as error:
                return self.refused(error)
        return super().dispatch(request, *args, **kwargs)

    def register_url(self) -> str:
        return reverse("coproduction:register", kwargs={"session_pk": self.session.pk})


class RegisterView(RegisterMixin, generic.FormView):
    """A table of the group's members on the day and the walk-ins, a row each, recorded at once."""

    template_name = "coproduction/staff/register.html"
    form_class = RegisterForm

    @cached_property
    def rows(self):
        entries = {
            entry.participant_id: entry
            for entry in self.session.register_entries.filter(participant__isnull=False).select_related("participant")[
                : REGISTER_MAX + 1
            ]
        }
        members = list(
            services.register_people(self.session)
            .exclude(pk__in=list(entries))
            .order_by("full_name", "pk")[: REGISTER_MAX + 1]
        )
        rows = [(entry.participant, entry) for entry in entries.values()] + [(person, None) for person in members]
        rows.sort(key=lambda row: (row[1] is not None and row[1].walk_in, row[0].full_name.casefold(), row[0].pk))
        self.more_rows = len(rows) > REGISTER_MAX
        return rows[:REGISTER_MAX]

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"rows": self.rows, "session": self.session}

    def form_valid(self, form):
        try:
            services.register_record(
                session=self.session,
                user=self.request.user,
                marks=form.marks(),
                moment=timezone.now(),
                rung=form.cleaned_data["rung"],
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(self.request, _("Register saved."))
        return redirect(self.session_url() + "#register")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["more_rows"] = self.more_rows
        context["share"] = services.share_for(self.session)
        return context


class WalkInAddView(CandidateSearchMixin, RegisterMixin, generic.FormView):
    """Find someone the team works with by name and add them to the register as a walk-in."""

    template_name = "coproduction/staff/walk_in_add.html"
    form_class = WalkInForm

    def get_form_kwargs(self):
        permitted = participants_with_details_for(self.request.user, Participant.objects.all())
        not_on_register = permitted.exclude(
            pk__in=self.session.register_entries.filter(participant__isnull=False).values("participant_id")
        )
        self.candidates = self.candidates_among(not_on_register)
        return super().get_form_kwargs() | {"candidates": self.candidates}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            entry = services.walk_in_add(
                session=self.session,
                user=self.request.user,
                participant=data["participant"],
                role=data["role"],
                moment=timezone.now(),
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error)
        messages.success(
            self.request, _("%(name)s added to the register as a walk-in.") % {"name": entry.participant.full_name}
        )
        return redirect(self.register_url())


# --- Invitations and replies -----------------------------------------------------------------------

SKIPPED_NAMED = 20  # the first people skipped are named in the message; the rest are counted


class InviteView(CandidateSearchMixin, SessionMixin, generic.FormView):
    """Invite the group's members on the day of the session at once, or people found by name."""

    changes_session = True
    template_name = "coproduction/staff/invite.html"
    form_class = InviteForm
    refusal_when_cancelled = gettext_lazy("This session was cancelled, so no one can be invited.")

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and not self.session.is_cancelled:
            try:
                services.invitation_send_check(session=self.session, user=request.user, moment=timezone.now())
            except ValidationError as error:
                return self.refused(error)
        return super().dispatch(request, *args, **kwargs)

    def members(self):
        return services.register_people(self.session)  # the group's members on the day

    def get_form_kwargs(self):
        permitted = participants_with_details_for(self.request.user, Participant.objects.all())
        not_invited = permitted.exclude(pk__in=self.session.invitations.values("participant_id"))
        return super().get_form_kwargs() | {"candidates": self.candidates_among(not_invited)}

    def post(self, request, *args, **kwargs):
        if "members" in request.POST:
            return self.invite(self.members())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        chosen = Participant.objects.filter(pk__in=[person.pk for person in form.cleaned_data["participants"]])
        return self.invite(chosen, form=form)

    def invite(self, participants, form=None):
        try:
            result = services.invitations_send(
                session=self.session, participants=participants, user=self.request.user, moment=timezone.now()
            )
        except ValidationError as error:
            return self.refused_or_invalid(form, error) if form is not None else self.refused(error)
        if result.invited:
            messages.success(
                self.request,
                ngettext("Invited %(count)s person.", "Invited %(count)s people.", len(result.invited))
                % {"count": len(result.invited)},
            )
        if result.skipped:
            named = "; ".join(f"{name} ({reason})" for name, reason in result.skipped[:SKIPPED_NAMED])
            more = len(result.skipped) - SKIPPED_NAMED
            if more > 0:
                named += " " + _("and %(count)s more") % {"count": more}
            messages.warning(self.request, _("Not invited: %(people)s.") % {"people": named})
        if not result.invited and not result.skipped:
            messages.warning(self.request, _("There was no one to invite."))
        return redirect(self.session_url() + "#replies")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"member_count": self.members().count()}


class InvitationsPageMixin(SessionMixin):
    """A paged list of a session's invitations, with the GOV.UK pagination links."""

    context_object_name = "invitations"
    paginate_by = PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"]) if context["is_paginated"] else []
        return context


class RepliesView(InvitationsPageMixin, generic.ListView):
    """Who was invited and what they replied, paged; what they need is on its own page."""

    template_name = "coproduction/staff/replies.html"

    def get_queryset(self):
        return self.session.invitations.select_related("participant").order_by("participant__full_name", "pk")


class AccessNeedsView(InvitationsPageMixin, generic.ListView):
    """Who needs what to take part, by name: for the session's team and managers, each viewing logged."""

    changes_session = True
    template_name = "coproduction/staff/access_needs.html"

    def get_queryset(self):
        return services.invitees_needs_view(session=self.session, viewer=self.request.user, moment=timezone.now())


# The reply page's posts, from one address: generous enough for a family answering on one phone.
rsvp_limit = post_limit(rate_setting="COPRODUCTION_RSVP_RATE", group="coproduction-rsvp")


@rsvp_limit
class RsvpView(KeepsTypedAnswers, generic.View):
    """An invitee's reply, from the link in their e-mail: no account, one page, works on a phone.

    A link that does not work, has expired, or is for a session cancelled or started gets a plain page
    saying so (and what a refused post carried, shown back).
    """

    template_name = "coproduction/public/rsvp.html"

    def gate(self):
        """None when the reply can be made; otherwise the page that takes the form's place.

        Visitors who are not signed in share what the page shows of the session (and whether it is
        full) for up to a minute (common.cache.shared_with_visitors); a reply is always checked
        against the session as it is now (services.invitation_reply)."""
        self.moment = timezone.now()
        self.full = False
        try:
            if self.request.method == "GET":
                self.invitation = services.invitation_for_token(self.kwargs["rsvp_token"], with_session=False)
                session_pk = self.invitation.session_id
                shown = shared_with_visitors(
                    self.request,
                    f"reply-page-session:{session_pk}",
                    lambda now: services.reply_page_reading(session_pk, now),
                    moment=self.moment,
                )
                self.invitation.session, self.full = shown["session"], shown["full"]
            else:
                self.invitation = services.invitation_for_token(self.kwargs["rsvp_token"])
            self.session = self.invitation.session
            services.reply_check(session=self.session, moment=self.moment)
        except ValidationError as error:
            return self.closed(error.code)
        return None

    def closed(self, code: str):
        typed = self.typed_in_refused_post(self.request) if self.request.method == "POST" else []
        session = getattr(self, "session", None)
        return render(
            self.request,
            "coproduction/public/rsvp_closed.html",
            {"code": code, "session": session, "typed": typed},
            status=404 if code == "bad_link" else 410,
        )

    def initial(self) -> dict:
        invitation, person = self.invitation, self.invitation.participant
        if invitation.replied_at:
            initial = {"reply": invitation.reply, "access_needs": invitation.access_needs}
            initial["arrangements"] = invitation.arrangements
        else:
            initial = {"access_needs": person.access_needs if person.access_needs_consent else ""}
        return initial | {"keep_needs": person.access_needs_consent}

    def form(self, data=None) -> RsvpForm:
        return RsvpForm(data, initial=self.initial(), session=self.session)

    def show(self, form: RsvpForm, *, kept: bool = False):
        # Whether the session is full matters only to someone who has not said they are coming.
        full = not self.invitation.replied_at and (
            self.full if self.request.method == "GET" else self.session.invitations.are_full(self.session.capacity)
        )
        return render(
            self.request,
            self.template_name,
            {
                "session": self.session,
                "invitation": self.invitation,
                "form": form,
                "form_drawing_key": form_drawing_key(form, self.session.arrangements),
                "kept": kept,
                "full": full,
            },
        )

    def get(self, request, *args, **kwargs):
        return self.gate() or self.show(EmptyFormWhenDrawn(RsvpForm, self.initial(), self.form))

    def post(self, request, *args, **kwargs):
        if refused := self.gate():
            return refused
        form = self.form(request.POST)
        if not form.is_valid():
            return self.show(form)
        data = form.cleaned_data
        try:
            invitation = services.invitation_reply(
                invitation=self.invitation,
                reply=data["reply"],
                arrangements=data.get("arrangements") or [],
                access_needs=data["access_needs"],
                keep_needs=data["keep_needs"],
                moment=self.moment,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
                return self.show(form)
            return self.closed(error.code)
        if invitation.is_waiting:
            messages.success(request, _("Thank you. The session is full, so you are on the waiting list."))
        else:
            messages.success(request, _("Thank you. Your reply has been saved."))
        return redirect(request.path)

    def typed_in_refused_post(self, request, *args, **kwargs) -> list[dict]:
        try:
            session = services.invitation_for_token(self.kwargs["rsvp_token"]).session
        except ValidationError:
            return []
        return typed_answers(RsvpForm(request.POST, session=session))

    def kept_after_csrf_failure(self, request, *args, **kwargs):
        if refused := self.gate():
            return refused
        return self.show(self.form(request.POST), kept=True)


class CalendarFeedView(generic.View):
    """A group's sessions as a calendar to subscribe to, at an address that cannot be guessed."""

    def get(self, request, *args, **kwargs):
        group = services.group_for_feed_token(kwargs["feed_token"])
        if group is None:
            raise Http404("No such calendar")
        response = HttpResponse(
            services.group_feed(group=group, moment=timezone.now()), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="sessions.ics"'
        return response
