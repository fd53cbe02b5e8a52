"""Forms for the coding inbox, coding one item, accepting a suggestion and the agreement page; for
closed cases (staff), the feedback code and the feedback forms (public).

Forms say what is missing or mistyped beside the field; the rules that hold whoever writes (a team
of one's own, a reason not to contact, a code that opens the form) live in services.py, whose
errors these forms place beside the field they are about.
"""

from crispy_forms_gds.layout import Div, Field, Fieldset, Size
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.forms import CsvFileField, DateInputField, GovRadios, date_input_error, gds_helper
from common.text import NulFreeFormMixin
from coproduction.forms import FilterForm, ServiceErrorsMixin, team_field_setup
from coproduction.models import AgeBand

from .models import (
    FLAG_NOTE_MAX,
    STAFF_CHANNELS,
    AnsweredBy,
    ClosedCase,
    ContactWish,
    Disposition,
    FeedbackItem,
    FeedbackSource,
    FriendsAndFamilyRating,
    ListenedTo,
    PictureAnswer,
    Polarity,
    PreferredFormat,
    Theme,
)

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


class ThemeCodingForm(forms.Form):
    """One theme and its polarity for one item."""

    theme = theme_field()
    polarity = polarity_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("theme"),
            Field.radios("polarity", legend_size=Size.SMALL, inline=True),
        )


class BulkCodeForm(ThemeCodingForm):
    """The selected items of an inbox page, each coded with one theme and polarity. The template draws
    the items' checkboxes (the first has the field's id, so the error summary links to it)."""

    field_order = ["items", "theme", "polarity"]

    items = forms.ModelMultipleChoiceField(
        queryset=FeedbackItem.objects.in_coding_queue(),
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


ANSWER_MAX = 5000

# --- Staff: closed cases -------------------------------------------------------------------------------


class ClosedCaseForm(ServiceErrorsMixin, NulFreeFormMixin, forms.ModelForm):
    closed_on = DateInputField(what=_("the case closed"), label=_("Date closed"), help_text=_("For example, 31 3 2026"))
    preferred_format = GovRadios(
        label=_("Preferred format for letters"),
        choices=PreferredFormat.choices,
        error_messages={"required": _("Select the preferred format")},
    )

    class Meta:
        model = ClosedCase
        fields = [
            "reference",
            "team",
            "closed_on",
            "closure_reason",
            "contact_name",
            "address",
            "phone",
            "email",
            "preferred_format",
            "language",
            "preferred_times",
            "child_age_band",
            "do_not_contact",
            "do_not_contact_reason",
        ]
        labels = {
            "reference": _("Case reference"),
            "team": _("Team"),
            "closure_reason": _("Closure reason (optional)"),
            "contact_name": _("Family contact name"),
            "address": _("Postal address"),
            "phone": _("Phone number (optional)"),
            "email": _("Email address (optional)"),
            "language": _("Preferred language (optional)"),
            "preferred_times": _("Best times to telephone (optional)"),
            "child_age_band": _("Child's age band"),
            "do_not_contact": _("The family must not be contacted"),
            "do_not_contact_reason": _("Reason not to contact (needed if they must not be contacted)"),
        }
        help_texts = {
            "reference": _("As in the case management system."),
            "contact_name": _("The parent or carer the letter goes to. Never the child's name."),
            "language": _("Leave empty for English."),
            "child_age_band": _("We never record a child's name or date of birth."),
        }
        error_messages = {
            "reference": {"required": _("Enter the case reference")},
            "contact_name": {"required": _("Enter the family contact's name")},
            "email": {"invalid": _("Enter an email address in the correct format, like name@example.com")},
            "team": {"required": _("Select the team"), "invalid_choice": _("Select one of your teams")},
        }
        widgets = {"address": forms.Textarea}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_field_setup(self, user, required=True)
        self.fields["child_age_band"].choices = [("", _("Not known"))] + list(AgeBand.choices)
        self.initial.setdefault("preferred_format", PreferredFormat.STANDARD)
        self.helper = gds_helper(
            Fieldset(
                Field.text("reference", field_width=20),
                Field.select("team"),
                Field("closed_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.text("closure_reason"),
                Field.select("child_age_band"),
                legend=_("The case"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("contact_name"),
                Field.textarea("address", rows=4),
                Field.text("phone", field_width=20),
                Field.text("email"),
                Field.radios("preferred_format", legend_size=Size.SMALL),
                Field.text("language", field_width=20),
                Field.text("preferred_times"),
                Field.checkbox("do_not_contact"),
                Field.text("do_not_contact_reason"),
                legend=_("The family"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            button=_("Save closed case"),
        )

    def clean(self):
        data = super().clean()
        if data.get("do_not_contact") and not (data.get("do_not_contact_reason") or "").strip():
            # Beside the field, before the model's own check would say it at the top of the page.
            self.add_error("do_not_contact_reason", _("Enter why the family must not be contacted"))
        return data


class CasesImportForm(ServiceErrorsMixin, forms.Form):
    file = CsvFileField(megabytes=10)
    team = forms.ModelChoiceField(
        label=_("Team for rows with no team"),
        queryset=Team.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Select one of your teams")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_field_setup(self, user, required=False)
        self.helper = gds_helper(Field("file"), Field.select("team"), button=_("Upload closed cases"))


class CaseFilterForm(FilterForm):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    columns = ("team",)


class FlagForm(NulFreeFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is the concern?"),
        max_length=3000,
        widget=forms.Textarea,
        error_messages={"required": _("Say what the concern is")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", rows=3), button=_("Flag as a safeguarding concern"))


class FlagHandledForm(NulFreeFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What was done?"),
        help_text=_("For example, who was told and what they decided. Do not name the child."),
        max_length=FLAG_NOTE_MAX,
        widget=forms.Textarea,
        error_messages={"required": _("Say what was done about the concern")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("note", rows=4), button=_("Mark the concern as handled"))


# --- Public: the code and the forms ----------------------------------------------------------------


class CodeForm(NulFreeFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Enter the code from your letter"),
        help_text=_("8 letters and numbers, for example K7PM-X9QD. Capital or small letters are fine."),
        max_length=40,
        error_messages={"required": _("Enter the code from your letter")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.helper = gds_helper(Field.text("code", field_width=10), button=_("Continue"))


def answer_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": _("Keep this answer to 5,000 characters or fewer")},
    )


class AnswersMixin:
    """The free-text answers, consent to quote and the wish for contact every feedback form asks."""

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "worked_well": data["worked_well"].strip(),
            "could_be_better": data["could_be_better"].strip(),
            "missing": data["missing"].strip(),
            "experience": data.get("experience") or "",
            "listened_to": data.get("listened_to") or "",
            "answered_by": data.get("answered_by") or "",
            "may_quote": data.get("may_quote") in ("yes", True),
            "contact_wish": data["contact_wish"],
            "contact_detail": (data.get("contact_detail") or "").strip(),
        }

    def clean(self):
        data = super().clean()
        wish = data.get("contact_wish")
        if wish in (ContactWish.PHONE, ContactWish.EMAIL) and not (data.get("contact_detail") or "").strip():
            wanted = _("phone number") if wish == ContactWish.PHONE else _("email address")
            self.add_error("contact_detail", _("Enter the %(wanted)s we should use") % {"wanted": wanted})
        return data


class FeedbackForm(AnswersMixin, NulFreeFormMixin, forms.Form):
    """The family's form: GOV.UK questions, the NHS Friends and Family Test question word for word."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    worked_well = answer_field(_("What worked well?"))
    could_be_better = answer_field(_("What could have been better?"))
    missing = answer_field(_("Was anything missing that you needed?"))
    experience = GovRadios(
        label=_("Overall, how was your experience of our service?"),
        choices=FriendsAndFamilyRating.choices,
        error_messages={"required": _("Select how your experience was overall")},
    )
    listened_to = GovRadios(
        label=_("Did you feel listened to?"),
        choices=ListenedTo.choices,
        required=False,
    )
    may_quote = GovRadios(
        label=_("May we quote what you wrote, without your name?"),
        help_text=_("We may use your words in reports to improve services. We will never say who you are."),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={"required": _("Select yes if we may quote you without your name")},
    )
    contact_wish = GovRadios(
        label=_("Would you like someone to contact you about your feedback?"),
        choices=ContactWish.choices,
        error_messages={"required": _("Select whether you would like someone to contact you")},
    )
    contact_detail = forms.CharField(
        label=_("Phone number or email address to contact you on"),
        help_text=_("Only if you would like us to contact you."),
        required=False,
        max_length=254,
    )
    answered_by = GovRadios(label=_("Who is answering?"), choices=AnsweredBy.choices, required=False)

    @cached_property
    def helper(self):
        # Built only when the form is drawn: an empty form is drawn once for every family.
        return gds_helper(*self.layout(), button=_("Send feedback"))

    def layout(self):
        # The code, a hidden field, is drawn by the page itself: it is the only part of an empty form
        # that differs from one family to the next.
        return [
            Field.textarea("worked_well", rows=4),
            Field.textarea("could_be_better", rows=4),
            Field.textarea("missing", rows=4),
            Field.radios("experience", legend_size=Size.SMALL),
            Field.radios("listened_to", legend_size=Size.SMALL, inline=True),
            Field.radios("answered_by", legend_size=Size.SMALL),
            Field.radios("may_quote", legend_size=Size.SMALL, inline=True),
            Field.radios("contact_wish", legend_size=Size.SMALL),
            Field.text("contact_detail"),
        ]


# The child-friendly form's picture scale: short statements a young person agrees with or not.
PICTURE_STATEMENTS = [
    ("listened", _("People listened to me")),
    ("helped", _("I got the help I needed")),
    ("kind", _("People were kind to me")),
]


class ChildFeedbackForm(AnswersMixin, NulFreeFormMixin, forms.Form):
    """The young person's form: short words, a picture scale, the same free-text questions."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    worked_well = answer_field(_("What was good?"))
    could_be_better = answer_field(_("What could be better?"))
    missing = answer_field(_("Was there anything you needed but did not get?"))
    may_quote = GovRadios(
        label=_("Can we use your words? We will not say your name."),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={"required": _("Choose yes or no")},
    )
    contact_wish = GovRadios(
        label=_("Do you want someone to get in touch?"),
        choices=ContactWish.choices,
        error_messages={"required": _("Choose if you want someone to get in touch")},
    )
    contact_detail = forms.CharField(label=_("Phone number or email address"), required=False, max_length=254)
    answered_by = GovRadios(
        label=_("Who is filling this in?"),
        choices=[
            (AnsweredBy.YOUNG_PERSON, _("Me")),
            (AnsweredBy.BOTH, _("Me with my parent or carer")),
            (AnsweredBy.PARENT_CARER, _("My parent or carer for me")),
        ],
        error_messages={"required": _("Choose who is filling this in")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PICTURE_STATEMENTS:
            self.fields[f"picture_{key}"] = GovRadios(label=label, choices=PictureAnswer.choices, required=False)

    @cached_property
    def helper(self):
        # Built only when the form is drawn: an empty form is drawn once for every young person.
        return gds_helper(
            Field.textarea("worked_well", rows=3),
            Field.textarea("could_be_better", rows=3),
            Field.textarea("missing", rows=3),
            Field.radios("answered_by", legend_size=Size.MEDIUM),
            Field.radios("may_quote", legend_size=Size.MEDIUM, inline=True),
            Field.radios("contact_wish", legend_size=Size.MEDIUM),
            Field.text("contact_detail"),
            button=_("Send"),
        )

    def picture_fields(self):
        return [self[f"picture_{key}"] for key, _label in PICTURE_STATEMENTS]

    def answers(self) -> dict:
        data = self.cleaned_data
        pictures = {key: data[f"picture_{key}"] for key, _label in PICTURE_STATEMENTS if data.get(f"picture_{key}")}
        return super().answers() | {"picture_answers": pictures}


# --- Staff: feedback from other channels ---------------------------------------------------------


class StaffAnswersForm(AnswersMixin, NulFreeFormMixin, forms.Form):
    """What a family said, as staff write it down (a call, a letter, an interview)."""

    worked_well = answer_field(_("What worked well?"))
    could_be_better = answer_field(_("What could have been better?"))
    missing = answer_field(_("Was anything missing that they needed?"))
    experience = GovRadios(
        label=_("Overall, how was your experience of our service?"),
        choices=FriendsAndFamilyRating.choices,
        required=False,
    )
    listened_to = GovRadios(label=_("Did they feel listened to?"), choices=ListenedTo.choices, required=False)
    answered_by = GovRadios(label=_("Who answered?"), choices=AnsweredBy.choices, required=False)
    may_quote = forms.BooleanField(label=_("They agree to be quoted anonymously"), required=False)
    contact_wish = GovRadios(
        label=_("Would they like someone to contact them?"),
        choices=ContactWish.choices,
        error_messages={"required": _("Select whether they would like contact")},
    )
    contact_detail = forms.CharField(label=_("Phone number or email address to use"), required=False, max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("contact_wish", ContactWish.NO)

    @staticmethod
    def answer_layout() -> list:
        return [
            Field.textarea("worked_well", rows=3),
            Field.textarea("could_be_better", rows=3),
            Field.textarea("missing", rows=3),
            Field.radios("experience", legend_size=Size.SMALL),
            Field.radios("listened_to", legend_size=Size.SMALL, inline=True),
            Field.radios("answered_by", legend_size=Size.SMALL),
            Field.checkbox("may_quote"),
            Field.radios("contact_wish", legend_size=Size.SMALL),
            Field.text("contact_detail"),
        ]


class RecordFeedbackForm(ServiceErrorsMixin, StaffAnswersForm):
    channel = GovRadios(
        label=_("How did the feedback come?"),
        choices=[(channel.value, channel.label) for channel in STAFF_CHANNELS],
        error_messages={"required": _("Select how the feedback came")},
    )
    questionnaire = forms.CharField(
        label=_("Which questionnaire? (for a team's own questionnaire)"),
        help_text=_("For example, exit interview or placement questionnaire."),
        required=False,
        max_length=150,
    )
    case_reference = forms.CharField(
        label=_("Case reference (optional)"),
        help_text=_("Leave empty for feedback that is not about one closed case."),
        required=False,
        max_length=50,
    )
    team = forms.ModelChoiceField(
        label=_("Team (when there is no case)"),
        queryset=Team.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Select one of your teams")},
    )
    received_on = DateInputField(
        what=_("the feedback was received"), label=_("Date received"), help_text=_("For example, 31 3 2026")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_field_setup(self, user, required=False)
        self.helper = gds_helper(
            Field.radios("channel", legend_size=Size.SMALL),
            Field.text("questionnaire"),
            Field.text("case_reference", field_width=20),
            Field.select("team"),
            Field("received_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            *self.answer_layout(),
            button=_("Record feedback"),
        )


# --- Staff: the telephone calls ----------------------------------------------------------------------


class CallOutcomeForm(StaffAnswersForm):
    """One attempt at a call: its outcome and, when they gave feedback, what they said."""

    disposition = GovRadios(
        label=_("What happened?"),
        choices=Disposition.choices,
        error_messages={"required": _("Select what happened on the call")},
    )
    notes = forms.CharField(label=_("Notes (optional)"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("disposition", legend_size=Size.MEDIUM),
            Field.textarea("notes", rows=2),
            Fieldset(
                *self.answer_layout(),
                legend=_("If they gave feedback"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            button=_("Record the call"),
        )

    def clean(self):
        data = super().clean()
        if data.get("disposition") in (Disposition.COMPLETE, Disposition.PARTIAL):
            said = any((data.get(name) or "").strip() for name in ("worked_well", "could_be_better", "missing"))
            if not said and not data.get("experience"):
                self.add_error("worked_well", _("Enter what they said, or their overall experience"))
        return data
