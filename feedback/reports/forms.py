from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.forms import DateInputField, GovRadios, gds_helper
from common.text import NulFreeFormMixin
from coproduction.forms import ServiceErrorsMixin

from ..models import ActionStatus, ReportAudience


class ReportRequestForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    audience = forms.ModelChoiceField(
        label=_("Who is the report for?"),
        queryset=ReportAudience.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who the report is for"),
            "invalid_choice": _("Select who the report is for"),
        },
    )
    first_day = DateInputField(what=_("the report starts"), label=_("From"), help_text=_("For example, 1 4 2026"))
    last_day = DateInputField(what=_("the report ends"), label=_("To"), help_text=_("For example, 30 9 2026"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = ReportAudience.objects.active()
        self.helper = gds_helper(
            Field.radios("audience", legend_size=Size.SMALL),
            Field("first_day", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("last_day", context={"legend_size": Size.for_legend(Size.SMALL)}),
            button=_("Build the draft report"),
        )


class CommentaryForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Add commentary"),
        help_text=_("What the figures mean, and what the audience should take from them."),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Enter the commentary")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("text", rows=4), button=_("Add commentary"))


class ImprovementActionForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    description = forms.CharField(
        label=_("What should improve?"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter the improvement action")},
    )
    owner_team = forms.ModelChoiceField(
        label=_("Team that owns it"),
        queryset=Team.objects.none(),
        error_messages={"required": _("Select the team that owns it"), "invalid_choice": _("Select a team")},
    )
    due_on = DateInputField(what=_("it is due"), label=_("Due by"), help_text=_("For example, 31 3 2027"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = Team.objects.order_by("name")
        self.helper = gds_helper(
            Field.textarea("description", rows=3),
            Field.select("owner_team"),
            Field("due_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            button=_("Add improvement action"),
        )


class ActionUpdateForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    status = GovRadios(
        label=_("Status"),
        choices=ActionStatus.choices,
        error_messages={"required": _("Select the status"), "invalid_choice": _("Select the status")},
    )
    note = forms.CharField(label=_("Note (optional)"), widget=forms.Textarea, max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("note", rows=3),
            button=_("Save the status"),
        )


class PublicationBuildForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year starting in April"),
        help_text=_("For example, 2025 for April 2025 to March 2026"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Enter the year"),
            "invalid": _("Enter the year as 4 numbers, for example 2025"),
            "min_value": _("Enter a year from 2000"),
            "max_value": _("Enter a year up to 2100"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("year", field_width=4), button=_("Build the publication"))


class PublicationEditForm(ServiceErrorsMixin, NulFreeFormMixin, forms.Form):
    """The introduction, and the council's response and planned action for each Local Offer area."""

    introduction = forms.CharField(
        label=_("Introduction"),
        help_text=_("What the publication covers and how people can comment on the Local Offer."),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, areas: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_fields = []
        for area in areas:
            name = f"response_{area.key}"
            self.fields[name] = forms.CharField(
                label=_("Our response and planned action: %(area)s") % {"area": area.name},
                widget=forms.Textarea,
                max_length=5000,
                required=False,
            )
            self.area_fields.append((name, area.key))
        self.helper = gds_helper(
            Field.textarea("introduction", rows=4),
            *(Field.textarea(name, rows=3) for name, _key in self.area_fields),
            button=_("Save the publication"),
        )

    def responses(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.area_fields}
