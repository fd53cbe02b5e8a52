"""Staff forms for groups, participants, memberships and the import.

Forms say what is missing or mistyped beside the field; the rules that hold whoever writes (a
team of one's own, consent before access needs, one membership at a time) live in services.py,
whose errors these forms place beside the field they are about.
"""

import re
from datetime import datetime, time

from crispy_forms_gds.layout import Div, Field, Fieldset, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.forms import (
    CsvFileField,
    DateInputField,
    FirstOptionBoundField,
    GovCheckboxes,
    GovRadios,
    date_input_error,
    gds_helper,
)
from common.text import NulFreeFormMixin

from .models import (
    AgeBand,
    AgendaItem,
    Arrangement,
    Attendance,
    BenchLevel,
    ContactMethod,
    GroupKind,
    GroupStatus,
    LadderRung,
    MembershipRole,
    Participant,
    ParticipantRole,
    ParticipationGroup,
    Reply,
    Session,
)
from .rules import groups_changeable_by
from .services import Mark


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError beside the field it names, or at the top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if isinstance(self.fields.get(name), DateInputField):
                for message in ValidationError(errors).messages:
                    date_input_error(self, name, message)
            else:
                self.add_error(name if name in self.fields else None, errors)


def teams_for(user):
    return Team.objects.all() if user.has_perm("accounts.work_across_teams") else user.teams.all()


def team_field_setup(form: forms.Form, user, *, required: bool) -> None:
    teams = teams_for(user)
    field = form.fields["team"]
    field.queryset = teams
    field.empty_label = _("Select a team")
    field.required = required
    if not form.initial.get("team") and len(only := list(teams[:2])) == 1:
        form.initial["team"] = only[0].pk  # someone in one team works for it


class GroupForm(ServiceErrorsMixin, NulFreeFormMixin, forms.ModelForm):
    kind = GovRadios(
        label=_("Kind of group"), choices=GroupKind.choices, error_messages={"required": _("Select the kind of group")}
    )
    bench_level = GovRadios(
        label=_("Bench level"),
        choices=BenchLevel.choices,
        help_text=_(
            "Individual: a family's own plan. Service: a team shaping a service with families. "
            "Strategic: county-wide priorities."
        ),
        error_messages={"required": _("Select the Bench level")},
    )

    class Meta:
        model = ParticipationGroup
        fields = ["name", "kind", "purpose", "bench_level", "team"]
        labels = {"name": _("Name"), "purpose": _("Purpose"), "team": _("Team that runs it")}
        help_texts = {"purpose": _("What the group is for, in words its members would use.")}
        error_messages = {
            "name": {"required": _("Enter the group's name")},
            "purpose": {"required": _("Enter the group's purpose")},
            "team": {
                "required": _("Select the team that runs the group"),
                "invalid_choice": _("Select one of your teams"),
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_field_setup(self, user, required=True)
        self.helper = gds_helper(
            Field.text("name"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("purpose", rows=4),
            Field.radios("bench_level", legend_size=Size.SMALL),
            Field.select("team"),
            button=_("Save group"),
        )


class ParticipantForm(ServiceErrorsMixin, NulFreeFormMixin, forms.ModelForm):
    role = GovRadios(
        label=_("Role"), choices=ParticipantRole.choices, error_messages={"required": _("Select their role")}
    )
    preferred_contact = GovRadios(
        label=_("How do they prefer to be contacted?"),
        choices=ContactMethod.choices,
        error_messages={"required": _("Select how they prefer to be contacted")},
    )
    access_needs_review_on = DateInputField(
        what=_("to review their access needs"),
        label=_("Review their access needs by (optional)"),
        help_text=_("For example, 31 3 2027"),
        required=False,
    )
    contact_consented_on = DateInputField(
        what=_("they agreed to be contacted"),
        label=_("Date they agreed to be contacted (optional)"),
        help_text=_("Leave empty for today"),
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "full_name",
            "role",
            "age_band",
            "organisation",
            "email",
            "phone",
            "preferred_contact",
            "contact_consent",
            "contact_consented_on",
            "access_needs",
            "access_needs_consent",
            "access_needs_review_on",
            "reference",
            "team",
        ]
        labels = {
            "full_name": _("Full name"),
            "age_band": _("Age band (young people only)"),
            "organisation": _("Organisation (optional)"),
            "email": _("Email address"),
            "phone": _("Phone number (optional)"),
            "contact_consent": _("They agree to be contacted about participation"),
            "access_needs": _("Access and communication needs (optional)"),
            "access_needs_consent": _("They agree that we keep their access needs to use for every invitation"),
            "reference": _("Reference (optional)"),
            "team": _("Team that records them"),
        }
        help_texts = {
            "age_band": _("We never ask for a date of birth."),
            "email": _("Needed when they prefer to be contacted by email."),
            "access_needs": _("For example, British Sign Language, step-free access, a quiet room, large print."),
            "reference": _("An identifier from your team's own records. A CSV import matches people by it."),
        }
        error_messages = {
            "full_name": {"required": _("Enter their full name")},
            "email": {"invalid": _("Enter an email address in the correct format, like name@example.com")},
        }
        widgets = {"access_needs": forms.Textarea}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_field_setup(self, user, required=not user.has_perm("accounts.work_across_teams"))
        self.fields["age_band"].choices = [("", _("Not a young person"))] + list(AgeBand.choices)
        if not self.instance.pk:
            self.initial.setdefault("preferred_contact", ContactMethod.EMAIL)
        self.helper = gds_helper(
            Fieldset(
                Field.text("full_name"),
                Field.radios("role", legend_size=Size.SMALL),
                Field.select("age_band"),
                Field.text("organisation"),
                legend=_("About them"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("email"),
                Field.text("phone", field_width=20),
                Field.radios("preferred_contact", legend_size=Size.SMALL, inline=True),
                Field.checkbox("contact_consent"),
                Field("contact_consented_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                legend=_("Contact"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.textarea("access_needs", rows=3),
                Field.checkbox("access_needs_consent"),
                Field("access_needs_review_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                legend=_("Access and communication needs"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("reference", field_width=20),
                Field.select("team"),
                legend=_("Records"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            button=_("Save participant"),
        )


class MembershipAddForm(ServiceErrorsMixin, forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Who is joining?"),
        queryset=Participant.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who is joining"), "invalid_choice": _("Select who is joining")},
    )
    role = GovRadios(
        label=_("Role in the group"),
        choices=MembershipRole.choices,
        error_messages={"required": _("Select their role in the group")},
    )
    starts_on = DateInputField(what=_("they join"), label=_("Member from"), help_text=_("For example, 27 3 2026"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = candidates
        self.initial.setdefault("role", MembershipRole.MEMBER)
        self.helper = gds_helper(
            Field.radios("participant", legend_size=Size.SMALL),
            Field.radios("role", legend_size=Size.SMALL, inline=True),
            Field("starts_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            button=_("Add to the group"),
        )


class MembershipEndForm(ServiceErrorsMixin, forms.Form):
    ends_on = DateInputField(
        what=_("of their last day as a member"),
        label=_("Last day as a member"),
        help_text=_("For example, 31 3 2026"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("ends_on", context={"legend_size": Size.for_legend(Size.SMALL)}), button=_("End membership")
        )


class ImportForm(ServiceErrorsMixin, forms.Form):
    file = CsvFileField(megabytes=2)
    group = forms.ModelChoiceField(
        label=_("Add everyone in the file to a group (optional)"),
        queryset=ParticipationGroup.objects.none(),
        required=False,
        empty_label=_("Do not add them to a group"),
        error_messages={"invalid_choice": _("Select one of your groups")},
    )
    team = forms.ModelChoiceField(
        label=_("Team that records them"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("When importing into a group, the group's team."),
        error_messages={"invalid_choice": _("Select one of your teams")},
    )

    def __init__(self, *args, user, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        team_field_setup(self, user, required=False)
        self.helper = gds_helper(
            Field("file"), Field.select("group"), Field.select("team"), button=_("Import participants")
        )


# --- Sessions -------------------------------------------------------------------------------------

TIME_FORMAT = r"^\s*([01]?[0-9]|2[0-3])[:.]([0-5][0-9])\s*$"


class TimeField(forms.RegexField):
    """A time of day typed as 24-hour hours and minutes (14:30), as GOV.UK asks for times."""

    def __init__(self, **kwargs):
        super().__init__(TIME_FORMAT, max_length=5, **kwargs)
        self.widget.attrs.update({"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        hours, minutes = re.match(TIME_FORMAT, value).groups()
        return time(int(hours), int(minutes))


class SessionForm(ServiceErrorsMixin, NulFreeFormMixin, forms.ModelForm):
    """Plan or change a session. Start and end are on one day, in the UK's time (Europe/London)."""

    bench_level = GovRadios(
        label=_("Bench level"), choices=BenchLevel.choices, error_messages={"required": _("Select the Bench level")}
    )
    rung = GovRadios(
        label=_("Ladder rung"),
        choices=LadderRung.choices,
        help_text=_(
            "Co-production needs parent carers or young people in the room: a session none of them "
            "attended is recorded as participation."
        ),
        error_messages={"required": _("Select the ladder rung")},
    )
    day = DateInputField(what=_("of the session"), label=_("Date"), help_text=_("For example, 27 3 2026"))
    starts = TimeField(
        label=_("Start time"),
        help_text=_("Use the 24-hour clock, for example 10:00"),
        error_messages={"required": _("Enter the start time"), "invalid": _("Enter the start time like 10:00")},
    )
    ends = TimeField(
        label=_("End time"),
        help_text=_("For example, 12:30"),
        error_messages={"required": _("Enter the end time"), "invalid": _("Enter the end time like 12:30")},
    )
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter the online link as a web address, like https://meet.example.com")},
    )
    arrangements = GovCheckboxes(
        label=_("Accessibility arrangements offered (optional)"),
        choices=Arrangement.choices,
        required=False,
        error_messages={"invalid_choice": _("Select arrangements from the list")},
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "purpose",
            "group",
            "bench_level",
            "rung",
            "venue",
            "venue_access",
            "online_link",
            "capacity",
            "arrangements",
            "team",
        ]
        labels = {
            "title": _("Title"),
            "purpose": _("Purpose"),
            "group": _("Group (optional)"),
            "venue": _("Venue"),
            "venue_access": _("Venue accessibility details (optional)"),
            "capacity": _("Capacity (optional)"),
            "team": _("Team that runs it"),
        }
        help_texts = {
            "purpose": _("What the session is for, in words the people coming would use."),
            "venue": _("Give a venue, an online link, or both."),
            "venue_access": _("For example, parking, the nearest bus stop, lifts, accessible toilets."),
            "capacity": _("The most people who can come."),
        }
        error_messages = {
            "title": {"required": _("Enter the session's title")},
            "purpose": {"required": _("Enter the session's purpose")},
            "capacity": {"invalid": _("Enter the capacity as a number, like 20")},
            "team": {
                "required": _("Select the team that runs the session"),
                "invalid_choice": _("Select one of your teams"),
            },
            "group": {"invalid_choice": _("Select one of your team's groups")},
        }
        widgets = {"venue": forms.Textarea, "venue_access": forms.Textarea}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_field_setup(self, user, required=True)
        groups = groups_changeable_by(user, ParticipationGroup.objects.active())
        self.fields["group"].queryset = groups.order_by("name", "pk")
        self.fields["group"].empty_label = _("No group")
        if self.instance.pk:
            starts = timezone.localtime(self.instance.starts_at)
            self.initial |= {
                "day": starts.date(),
                "starts": starts.strftime("%H:%M"),
                "ends": timezone.localtime(self.instance.ends_at).strftime("%H:%M"),
            }
        self.helper = gds_helper(
            Fieldset(
                Field.text("title"),
                Field.textarea("purpose", rows=3),
                Field.select("group"),
                Field.radios("bench_level", legend_size=Size.SMALL, inline=True),
                Field.radios("rung", legend_size=Size.SMALL),
                legend=_("What it is"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field("day", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.text("starts", field_width=5),
                Field.text("ends", field_width=5),
                legend=_("When"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.textarea("venue", rows=2),
                Field.textarea("venue_access", rows=2),
                Field.text("online_link"),
                Field.text("capacity", field_width=4),
                Field.checkboxes("arrangements", legend_size=Size.SMALL),
                legend=_("Where, and how people can get there"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Field.select("team"),
            button=_("Save session"),
        )

    def _get_validation_exclusions(self):
        # The venue-or-link rule is the form's (clean) and the service's, beside the venue field;
        # the model's constraint would repeat it at the top of the page.
        return super()._get_validation_exclusions() | {"online_link"}

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            self.instance.starts_at = timezone.make_aware(datetime.combine(day, starts))
            self.instance.ends_at = timezone.make_aware(datetime.combine(day, ends))
            if ends <= starts:
                self.add_error("ends", _("The end time must be after the start time"))
        if not (data.get("venue") or "").strip() and not (data.get("online_link") or "").strip():
            self.add_error("venue", _("Enter a venue or an online link"))
        return data

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "ends_at" in error.error_dict:
            error = ValidationError({"ends": error.error_dict.pop("ends_at")} | error.error_dict)
        super().add_service_error(error)


class SessionCancelForm(NulFreeFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the session cancelled?"),
        help_text=_("Shown to staff with the session."),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter why the session is cancelled")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", rows=3), button=_("Cancel the session"))


class AgendaItemForm(ServiceErrorsMixin, NulFreeFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "lead", "minutes"]
        labels = {"title": _("Agenda item"), "lead": _("Led by (optional)"), "minutes": _("Minutes allowed (optional)")}
        error_messages = {
            "title": {"required": _("Enter the agenda item")},
            "minutes": {"invalid": _("Enter the minutes as a number, like 20")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title"),
            Field.text("lead", field_width=20),
            Field.text("minutes", field_width=3),
            button=_("Save agenda item"),
        )


class RegisterForm(ServiceErrorsMixin, forms.Form):
    """The register as one table: a row per person with attendance and the role they held on the day.

    ``rows`` are (participant, entry or None); a walk-in's row has no attendance to choose (they came).
    """

    rung = GovRadios(
        label=_("Record the session as"),
        choices=LadderRung.choices,
        error_messages={"required": _("Select the ladder rung")},
    )

    def __init__(self, *args, rows, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("rung", session.rung)
        self.rows = []
        for participant, entry in rows:
            walk_in = bool(entry and entry.walk_in)
            attendance_name, role_name = f"attendance_{participant.pk}", f"role_{participant.pk}"
            if not walk_in:
                self.fields[attendance_name] = GovRadios(
                    label=_("Attendance of %(name)s") % {"name": participant.full_name},
                    choices=Attendance.choices,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Select whether %(name)s attended") % {"name": participant.full_name},
                        "invalid_choice": _("Select whether %(name)s attended") % {"name": participant.full_name},
                    },
                )
            self.fields[role_name] = forms.ChoiceField(
                label=_("Role of %(name)s on the day") % {"name": participant.full_name},
                choices=ParticipantRole.choices,
                error_messages={
                    "required": _("Select the role %(name)s held") % {"name": participant.full_name},
                    "invalid_choice": _("Select the role %(name)s held") % {"name": participant.full_name},
                },
            )
            self.initial.setdefault(attendance_name, entry.attendance if entry else None)
            self.initial.setdefault(role_name, entry.role if entry else participant.role)
            self.rows.append(
                {
                    "participant": participant,
                    "walk_in": walk_in,
                    "attendance": None if walk_in else self[attendance_name],
                    "role": self[role_name],
                }
            )
        self.helper = gds_helper()

    def marks(self) -> dict[int, Mark]:
        data = self.cleaned_data
        return {
            row["participant"].pk: Mark(
                attendance=Attendance.ATTENDED if row["walk_in"] else data[f"attendance_{row['participant'].pk}"],
                role=data[f"role_{row['participant'].pk}"],
            )
            for row in self.rows
        }


class WalkInForm(ServiceErrorsMixin, forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Who came?"),
        queryset=Participant.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who came"), "invalid_choice": _("Select who came")},
    )
    role = GovRadios(
        label=_("Role they held on the day"),
        choices=ParticipantRole.choices,
        error_messages={"required": _("Select the role they held on the day")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = candidates
        self.helper = gds_helper(
            Field.radios("participant", legend_size=Size.SMALL),
            Field.radios("role", legend_size=Size.SMALL),
            button=_("Add to the register"),
        )


# --- Filters above the lists -----------------------------------------------------------------------


class FilterForm(forms.Form):
    """A list's search and filters; a tampered value is ignored, not an error."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    columns: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cells = [Div(Field.text("q"), css_class="govuk-grid-column-one-quarter")]
        cells += [Div(Field.select(name), css_class="govuk-grid-column-one-quarter") for name in self.columns]
        self.helper = gds_helper(
            Div(*cells, css_class="govuk-grid-row"),
            Submit("filter", _("Apply filters"), css_class="govuk-button--secondary"),
        )

    def value(self, name: str):
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name) or None

    def filtered(self) -> bool:
        return any(self.value(name) for name in self.fields)


def choices_with_all(choices, all_label):
    return [("", all_label), *choices]


class GroupFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=choices_with_all(GroupKind.choices, _("All kinds")), required=False
    )
    bench_level = forms.ChoiceField(
        label=_("Bench level"), choices=choices_with_all(BenchLevel.choices, _("All levels")), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=choices_with_all(GroupStatus.choices, _("Active and closed")), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    columns = ("kind", "bench_level", "status", "team")


class ParticipantFilterForm(FilterForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=choices_with_all(ParticipantRole.choices, _("All roles")), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=ParticipationGroup.objects.none(),
        required=False,
        empty_label=_("All groups"),
        widget=forms.TextInput,  # by number, from a group page's link: a list of every group would not scale
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    columns = ("role", "team")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = ParticipationGroup.objects.all()
        self.fields["group"].widget = forms.HiddenInput()


SESSION_WHEN_CHOICES = [("", _("Upcoming and past")), ("upcoming", _("Upcoming")), ("past", _("Past"))]


class SessionFilterForm(FilterForm):
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=ParticipationGroup.objects.none(), required=False, empty_label=_("All groups")
    )
    when = forms.ChoiceField(label=_("When"), choices=SESSION_WHEN_CHOICES, required=False)
    rung = forms.ChoiceField(
        label=_("Ladder rung"), choices=choices_with_all(LadderRung.choices, _("All rungs")), required=False
    )
    columns = ("group", "when", "rung")

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


# --- Invitations and replies -------------------------------------------------------------------------


class ParticipantsField(forms.ModelMultipleChoiceField):
    """People to invite, each said to be unreachable by e-mail before anyone is ticked."""

    bound_field_class = FirstOptionBoundField

    def label_from_instance(self, obj):
        if not obj.contact_consent:
            return _("%(name)s (has not agreed to be contacted)") % {"name": obj.full_name}
        if not obj.email:
            return _("%(name)s (has no email address)") % {"name": obj.full_name}
        return obj.full_name


class InviteForm(ServiceErrorsMixin, forms.Form):
    """Choose people to invite among those found by name."""

    participants = ParticipantsField(
        label=_("Who do you want to invite?"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select the people to invite"),
            "invalid_choice": _("Select the people to invite from the list"),
            "invalid_pk_value": _("Select the people to invite from the list"),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = candidates
        self.helper = gds_helper(Field.checkboxes("participants", legend_size=Size.SMALL), button=_("Send invitations"))


class RsvpForm(NulFreeFormMixin, forms.Form):
    """An invitee's reply: whether they can come, and what they need to take part."""

    reply = GovRadios(
        label=_("Can you come?"), choices=Reply.choices, error_messages={"required": _("Select whether you can come")}
    )
    arrangements = GovCheckboxes(
        label=_("What do you need to take part? (optional)"),
        help_text=_("Select all that you need."),
        required=False,
        error_messages={"invalid_choice": _("Select what you need from the list")},
    )
    access_needs = forms.CharField(
        label=_("Anything else you need to take part (optional)"),
        help_text=_("For example, large print papers, a break every hour, or someone to come with you."),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        error_messages={"max_length": _("What you need must be 2,000 characters or fewer")},
    )
    keep_needs = forms.BooleanField(
        label=_("Keep what I need for future invitations"),
        help_text=_(
            "We will fill it in for you next time. Leave it unticked and we will not keep it after this session."
        ),
        required=False,
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        offered = [(value, Arrangement(value).label) for value in session.arrangements if value in Arrangement.values]
        if offered:
            self.fields["arrangements"].choices = offered
        else:
            del self.fields["arrangements"]

    @cached_property
    def helper(self):
        """The crispy layout the page's own markup (coproduction/public/_rsvp_form.html) copies: a
        test draws both and holds them the same. Built only when asked for, as the page never is."""
        layout = [Field.radios("reply", legend_size=Size.MEDIUM, legend_tag="h2")]
        if "arrangements" in self.fields:
            layout.append(Field.checkboxes("arrangements", legend_size=Size.SMALL))
        layout += [Field.textarea("access_needs", rows=3), Field.checkbox("keep_needs")]
        return gds_helper(*layout, button=_("Send reply"))


# --- What the pages report ------------------------------------------------------------------------------


class ReportRangeForm(forms.Form):
    """The dates a report covers (UK dates of the sessions); either left empty keeps its default."""

    starts = DateInputField(what=_("from"), label=_("From"), help_text=_("For example, 1 4 2026"), required=False)
    ends = DateInputField(what=_("to"), label=_("To"), help_text=_("For example, 31 3 2027"), required=False)

    def __init__(self, *args, first_day, last_day, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = (first_day, last_day)
        self.initial |= {"starts": first_day, "ends": last_day}
        self.helper = gds_helper(
            Div(
                Div(
                    Field("starts", context={"legend_size": Size.for_legend(Size.SMALL)}),
                    css_class="govuk-grid-column-one-half",
                ),
                Div(
                    Field("ends", context={"legend_size": Size.for_legend(Size.SMALL)}),
                    css_class="govuk-grid-column-one-half",
                ),
                css_class="govuk-grid-row",
            ),
            Submit("show", _("Show the report"), css_class="govuk-button--secondary"),
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts") or self.default[0], data.get("ends") or self.default[1]
        if ends < starts:
            date_input_error(self, "ends", _("The date to must be the same as or after the date from"))
        return data

    def dates(self):
        """The range asked for, or the default where the form has a problem."""
        if not self.is_bound or not self.is_valid():
            return self.default
        return self.cleaned_data.get("starts") or self.default[0], self.cleaned_data.get("ends") or self.default[1]
