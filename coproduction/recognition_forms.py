"""Forms for the recognition ledger: an offer (or a change to it), a paid date, and the ledger's filters."""

from datetime import date

from crispy_forms_gds.layout import HTML, Div, Field, Size, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.dates import FinancialYear, financial_year_of
from common.forms import DateInputField, GovRadios, date_input_error, gds_helper
from common.text import NulFreeFormMixin

from .forms import ServiceErrorsMixin, choices_with_all
from .models import OfferAnswer, Participant, Recognition, RecognitionKind, RecognitionStatus
from .recognition import AMOUNT_NOT_PENCE, AMOUNT_OUT_OF_RANGE, LedgerFilter

BENEFITS_ADVICE = HTML(
    '{% load i18n %}<div class="govuk-warning-text" id="benefits-advice">'
    '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
    '<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">{% translate "Warning" %}</span>'
    "{% translate 'A payment can affect the benefits a person receives. Before you offer one, tell them so and "
    "point them to benefits advice (the council’s welfare rights service or Citizens Advice).' %}"
    "</strong></div>"
)


class RecognitionForm(ServiceErrorsMixin, NulFreeFormMixin, forms.ModelForm):
    """A new line names the person and the kind; a change keeps both and may change the rest."""

    participant = forms.ModelChoiceField(
        label=_("Who is it for?"),
        queryset=Participant.objects.none(),
        empty_label=_("Select a person"),
        help_text=_("Parent carers and young people recorded as present at this session."),
        error_messages={
            "required": _("Select who it is for"),
            "invalid_choice": _("Select a parent carer or young person recorded as present at this session"),
        },
    )
    kind = GovRadios(
        label=_("What is it?"),
        choices=RecognitionKind.choices,
        error_messages={"required": _("Select whether it is a payment, voucher or expenses")},
    )
    amount = forms.DecimalField(
        label=_("Amount, in pounds"),
        help_text=_("For example, 25.00"),
        max_digits=7,
        decimal_places=2,
        min_value=0.01,
        max_value=9999.99,
        error_messages={"required": _("Enter the amount")}
        | dict.fromkeys(("invalid", "max_decimal_places"), AMOUNT_NOT_PENCE)
        | dict.fromkeys(("max_digits", "max_whole_digits", "min_value", "max_value"), AMOUNT_OUT_OF_RANGE),
    )
    answer = GovRadios(
        label=_("Did they accept it?"),
        choices=OfferAnswer.choices,
        error_messages={"required": _("Select whether it was offered, accepted or declined")},
    )
    benefits_advice_given = forms.BooleanField(
        label=_("I have pointed them to benefits advice"), required=False, help_text=_("Needed for a payment.")
    )

    class Meta:
        model = Recognition
        fields = ["participant", "kind", "amount", "answer", "voucher_code"]
        labels = {"voucher_code": _("Voucher code issued (vouchers only, optional)")}
        help_texts = {"voucher_code": _("The code on the voucher, so finance can match it.")}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        self.fields["amount"].widget.input_type = "text"
        if self.instance.pk:
            del self.fields["participant"]
            del self.fields["kind"]
        else:
            self.fields["participant"].queryset = people
            self.initial.setdefault("answer", OfferAnswer.OFFERED)
        if self.instance.benefits_advice_at:
            del self.fields["benefits_advice_given"]
        new = (
            [Field.select("participant"), Field.radios("kind", legend_size=Size.SMALL)] if not self.instance.pk else []
        )
        advice = (
            [BENEFITS_ADVICE, Field.checkbox("benefits_advice_given")] if "benefits_advice_given" in self.fields else []
        )
        self.helper = gds_helper(
            *new,
            Field.text("amount", field_width=5),
            Field.radios("answer", legend_size=Size.SMALL, inline=True),
            Field.text("voucher_code", field_width=20),
            *advice,
            button=_("Save"),
        )


class PaidForm(ServiceErrorsMixin, forms.Form):
    paid_on = DateInputField(what=_("it was paid"), label=_("Date paid"), help_text=_("For example, 27 3 2026"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("paid_on", context={"legend_size": Size.for_legend(Size.SMALL)}), button=_("Mark as paid")
        )


def year_choices(today: date, years: int = 6) -> list[tuple[str, str]]:
    current = financial_year_of(today).starts_in
    return [(str(start), str(FinancialYear(start))) for start in range(current, current - years, -1)]


class LedgerFilterForm(forms.Form):
    """The ledger's filters: a financial year, or a range of session dates that replaces it; kind,
    status, team, a name or reference. A tampered value is ignored, a wrong date is said beside it."""

    year = forms.ChoiceField(label=_("Financial year"), required=False)
    starts = DateInputField(what=_("from"), label=_("Or sessions from"), required=False)
    ends = DateInputField(what=_("to"), label=_("To"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=choices_with_all(RecognitionKind.choices, _("All kinds")), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=choices_with_all(RecognitionStatus.choices, _("Any status")), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    q = forms.CharField(label=_("Name, reference or session"), required=False, max_length=100)
    participant = forms.ModelChoiceField(queryset=Participant.objects.all(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].choices = year_choices(today)
        self.initial.setdefault("year", str(financial_year_of(today).starts_in))

        def cell(field, width="one-quarter"):
            return Div(field, css_class=f"govuk-grid-column-{width}")

        self.helper = gds_helper(
            Div(
                cell(Field.select("year")),
                cell(Field.select("kind")),
                cell(Field.select("status")),
                cell(Field.select("team")),
                css_class="govuk-grid-row",
            ),
            Div(
                cell(Field("starts", context={"legend_size": Size.for_legend(Size.SMALL)}), "one-third"),
                cell(Field("ends", context={"legend_size": Size.for_legend(Size.SMALL)}), "one-third"),
                cell(Field.text("q"), "one-third"),
                css_class="govuk-grid-row",
            ),
            Field("participant"),
            Submit("filter", _("Apply filters"), css_class="govuk-button--secondary"),
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            date_input_error(self, "ends", _("The date to must be the same as or after the date from"))
        return data

    def ledger_filter(self) -> LedgerFilter:
        """The filter chosen; where a value is wrong, that value is left out (the current year where a
        date is wrong)."""
        valid = self.is_bound and self.is_valid()
        data = self.cleaned_data if self.is_bound else {}

        def value(name):
            return data.get(name) if name not in (self.errors if self.is_bound else {}) else None

        year = FinancialYear(int(value("year") or self.initial["year"]))
        starts, ends = (value("starts"), value("ends")) if valid else (None, None)
        participant = value("participant")
        team = value("team")
        return LedgerFilter(
            first_day=starts if (starts or ends) else year.first_day,
            last_day=ends if (starts or ends) else year.last_day,
            kind=value("kind") or "",
            status=value("status") or "",
            team_id=team.pk if team else None,
            participant_id=participant.pk if participant else None,
            search=value("q") or "",
        )

    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields if name != "year")
