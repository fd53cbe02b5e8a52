"""Forms for the coding inbox, coding one item, accepting a suggestion and the agreement page."""

from crispy_forms_gds.layout import Div, Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.forms import DateInputField, GovRadios, date_input_error, gds_helper

from .models import FeedbackItem, FeedbackSource, Polarity, Theme

CODED, NOT_CODED = "coded", "not_coded"


class InboxFilterForm(forms.Form):
    """Filters for the inbox (sent by GET): source, team, the days it was received, coded or not."""

    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any source"))] + list(FeedbackSource.choices),
        error_messages={"invalid_choice": _("Select a source from the list")},
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label=_("Any team"),
        error_messages={"invalid_choice": _("Select a team from the list")},
    )
    coded = forms.ChoiceField(
        label=_("Coded"),
        required=False,
        choices=[("", _("Coded or not")), (NOT_CODED, _("Not coded yet")), (CODED, _("Coded"))],
        error_messages={"invalid_choice": _("Select coded or not from the list")},
    )
    received_from = DateInputField(what=_("received from"), label=_("Received from"), required=False)
    received_to = DateInputField(what=_("received to"), label=_("Received to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        column = "govuk-grid-column-one-third-from-desktop"
        self.helper = gds_helper(
            Div(
                Div(Field.select("source"), css_class=column),
                Div(Field.select("team"), css_class=column),
                Div(Field.select("coded"), css_class=column),
                css_class="govuk-grid-row",
            ),
            Div(
                Div(Field("received_from"), css_class=column),
                Div(Field("received_to"), css_class=column),
                css_class="govuk-grid-row",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            date_input_error(self, "received_to", _("Received to must be the same as or after received from"))
        return cleaned

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filter(self, items):
        if not (self.is_bound and self.is_valid()):
            return items
        data = self.cleaned_data
        if data["source"]:
            items = items.filter(source=data["source"])
        if data["team"]:
            items = items.filter(team=data["team"])
        if data["received_from"]:
            items = items.filter(received_on__gte=data["received_from"])
        if data["received_to"]:
            items = items.filter(received_on__lte=data["received_to"])
        if data["coded"] == CODED:
            items = items.coded()
        elif data["coded"] == NOT_CODED:
            items = items.not_coded()
        return items


def theme_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.active().select_related("service_area"),
        empty_label=_("Choose a theme"),
        error_messages={"required": _("Select a theme"), "invalid_choice": _("Select a theme from the list")},
    )


def polarity_field() -> GovRadios:
    return GovRadios(
        label=_("What does it say of the service?"),
        choices=Polarity.choices,
        error_messages={
            "required": _("Select whether it works well, needs improving or is missing"),
            "invalid_choice": _("Select whether it works well, needs improving or is missing"),
        },
    )


class CodeForm(forms.Form):
    """One theme and its polarity for one item."""

    theme = theme_field()
    polarity = polarity_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("theme"),
            Field.radios("polarity", legend_size=Size.SMALL, inline=True),
        )


class BulkCodeForm(CodeForm):
    """The selected items of an inbox page, each coded with one theme and polarity. The template draws
    the items' checkboxes (the first has the field's id, so the error summary links to it)."""

    field_order = ["items", "theme", "polarity"]

    items = forms.ModelMultipleChoiceField(
        queryset=FeedbackItem.objects.all(),
        error_messages={
            "required": _("Select the items to code"),
            "invalid_choice": _("Select the items to code from the list"),
            "invalid_pk_value": _("Select the items to code from the list"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].label = _("Theme for the selected items")


class SuggestionAcceptForm(forms.Form):
    """The polarity a person gives the theme they take up from a suggestion."""

    polarity = polarity_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("polarity", legend_size=Size.SMALL, inline=True))


class AgreementForm(forms.Form):
    since = DateInputField(what=_("coded since"), label=_("Coded since"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("since"))
