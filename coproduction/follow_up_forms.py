"""Staff forms for what a session agreed: outcomes, minutes, actions and their progress, and the
filters above the actions list. The rules (one owner, a reason to drop) live in follow_up.py, whose
errors these forms place beside the field they are about."""

from crispy_forms_gds.layout import Div, Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.forms import DateInputField, GovRadios, gds_helper
from common.text import NulFreeFormMixin

from .follow_up import TEXT_MAX
from .forms import FilterForm, ServiceErrorsMixin, choices_with_all
from .models import ActionStatus, Participant, ParticipantRole


class OutcomeForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    text = forms.CharField(
        label=_("What did the group agree?"),
        help_text=_("In the words the group used, so those present recognise it."),
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter the outcome the group agreed")},
    )
    agreed = forms.BooleanField(
        label=_("The group agreed this outcome together"),
        error_messages={"required": _("Confirm that the group agreed this outcome")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("text", rows=4), Field.checkbox("agreed"), button=_("Record outcome"))


class CommentForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    text = forms.CharField(
        label=_("What did they say?"),
        help_text=_("In their words. Leave out names, of them or of anyone else."),
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter what was said")},
    )
    said_by = GovRadios(
        label=_("Who said it?"),
        help_text=_("Their role only, never their name."),
        choices=ParticipantRole.choices,
        error_messages={"required": _("Select who said it")},
    )
    consent_to_quote = forms.BooleanField(
        label=_("They agreed that their words may be quoted without their name"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("text", rows=4),
            Field.radios("said_by", legend_size=Size.SMALL),
            Field.checkbox("consent_to_quote"),
            button=_("Record the comment"),
        )


class MinutesForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        help_text=_("Those present are e-mailed these, with the agreed outcomes, when you approve them."),
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter the minutes")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("text", rows=12), button=_("Save draft minutes"))


class ActionForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    description = forms.CharField(
        label=_("What is to be done?"),
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter what is to be done")},
    )
    owner_participant = forms.ModelChoiceField(
        label=_("Owner: a participant"),
        help_text=_("Someone from the group or the register. Leave empty if a team owns it."),
        queryset=Participant.objects.none(),
        required=False,
        empty_label=_("No participant"),
        error_messages={"invalid_choice": _("Select someone from the group or the register")},
    )
    owner_team = forms.ModelChoiceField(
        label=_("Owner: a team"),
        help_text=_("Leave empty if a participant owns it."),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("No team"),
        error_messages={"invalid_choice": _("Select a team from the list")},
    )
    due_on = DateInputField(what=_("the action is due"), label=_("Due date"), help_text=_("For example, 27 3 2026"))

    def __init__(self, *args, owners, button=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_participant"].queryset = owners
        self.helper = gds_helper(
            Field.textarea("description", rows=3),
            Field.select("owner_participant"),
            Field.select("owner_team"),
            Field("due_on"),
            button=button or _("Record action"),
        )

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("owner_participant")) == bool(data.get("owner_team")):
            self.add_error("owner_participant", _("Select one owner: a participant or a team"))
        return data


class ActionUpdateForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    status = GovRadios(
        label=_("Status"), choices=ActionStatus.choices, error_messages={"required": _("Select the action's status")}
    )
    text = forms.CharField(
        label=_("What has happened?"),
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter what has happened")},
    )
    drop_reason = forms.CharField(
        label=_("If dropped, why?"),
        help_text=_("Needed when the action is dropped; shown with it."),
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("text", rows=4),
            Field.textarea("drop_reason", rows=2),
            button=_("Save update"),
        )

    def clean(self):
        data = super().clean()
        if data.get("status") == ActionStatus.DROPPED and not (data.get("drop_reason") or "").strip():
            self.add_error("drop_reason", _("Enter why the action is dropped"))
        return data


OVERDUE_CHOICES = [("", _("Overdue or not")), ("yes", _("Overdue only"))]


class ActionFilterForm(FilterForm):
    owner = forms.CharField(label=_("Owner's name"), required=False, max_length=100)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=choices_with_all(ActionStatus.choices, _("All statuses")), required=False
    )
    overdue = forms.ChoiceField(label=_("Overdue"), choices=OVERDUE_CHOICES, required=False)
    columns = ("team", "status", "overdue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The owner's name is a text box beside the search, in the same row as the lists' selects.
        self.helper.layout[0].fields.insert(1, Div(Field.text("owner"), css_class="govuk-grid-column-one-quarter"))
