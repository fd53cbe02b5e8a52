"""Forms for staff reading and recording responses, safeguarding concerns, "You said, we did" and
participants' notice subscriptions.

Limits are checked on the server with GOV.UK-style messages; no ``maxlength`` attribute is sent, so
a long answer pasted in is never cut short without the person knowing.
"""

from datetime import date, datetime, time, timedelta

from crispy_forms_gds.layout import (
    HTML,
    Div,
    Field,
    Fieldset,
    Size,
)
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms import DateInputField, date_input_error, gds_helper
from common.text import NulFreeFormMixin

from ..models import (
    TEXT_LIMITS,
    Channel,
    Consultation,
    OutcomeItem,
    Question,
    QuestionKind,
    RespondentType,
    ServiceArea,
)
from ..services import received_at_check
from .public import question_field_name

NOT_GIVEN = "not_given"


def too_long(what: str, limit: int) -> str:
    # Lazy, as these messages are made when the module is imported, before a language is chosen.
    return format_lazy(_("{what} must be {limit} characters or fewer"), what=what, limit=f"{limit:,}")


def without_maxlength(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


# --- The staff list of responses ---------------------------------------------------------------------


class ResponseFilterForm(forms.Form):
    """Filters for the list of responses (sent by GET). Dates are days in UK time."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any channel"))] + list(Channel.choices),
        error_messages={"invalid_choice": _("Select a channel from the list")},
    )
    respondent_type = forms.ChoiceField(
        label=_("Respondent type"),
        required=False,
        choices=[("", _("Anyone"))] + list(RespondentType.choices) + [(NOT_GIVEN, _("Not given"))],
        error_messages={"invalid_choice": _("Select a respondent type from the list")},
    )
    # Day, month and year boxes, as GOV.UK asks, rather than the browser's date picker, which many
    # people using assistive technology find hard.
    submitted_from = DateInputField(
        what=_("submitted from"),
        label=_("Submitted from"),
        required=False,
        error_messages={"invalid": _("Submitted from must be a real date")},
    )
    submitted_to = DateInputField(
        what=_("submitted to"),
        label=_("Submitted to"),
        required=False,
        error_messages={"invalid": _("Submitted to must be a real date")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two rows, so the date boxes sit side by side on a laptop screen.
        column = "govuk-grid-column-one-third-from-desktop"
        self.helper = gds_helper(
            Div(
                Div(Field.select("channel"), css_class=column),
                Div(Field.select("respondent_type"), css_class=column),
                css_class="govuk-grid-row",
            ),
            Div(
                Div(Field("submitted_from"), css_class=column),
                Div(Field("submitted_to"), css_class=column),
                css_class="govuk-grid-row",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            date_input_error(self, "submitted_to", _("Submitted to must be the same as or after submitted from"))
        return cleaned

    def selector_filters(self) -> dict:
        """Keyword arguments for selectors.responses_filtered; call only when the form is valid."""
        data = self.cleaned_data
        respondent_type = data.get("respondent_type") or None
        filters = {
            "channel": data.get("channel") or "",
            "respondent_type": "" if respondent_type == NOT_GIVEN else respondent_type,
        }
        if data.get("submitted_from"):
            filters["submitted_from"] = start_of_day(data["submitted_from"])
        if data.get("submitted_to"):
            filters["submitted_before"] = start_of_day(data["submitted_to"] + timedelta(days=1))
        return filters

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Safeguarding ------------------------------------------------------------------------------------


class SafeguardingConcernForm(NulFreeFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is the concern?"),
        help_text=_(
            "Say what in the response worries you and why. Quote the words if it helps. "
            "The designated safeguarding officer reads this."
        ),
        max_length=3000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter what the safeguarding concern is"),
            "max_length": too_long(_("The concern"), 3000),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_maxlength(self)
        self.helper = gds_helper(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=6, max_characters=3000),
            button=_("Raise the concern"),
        )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


# --- Recording a paper, telephone or event response --------------------------------------------------


def question_field(question: Question, *, number: int) -> forms.Field:
    """A form field for one question, of the same kind as the public form's, never required. Numbered as
    on the summary and the export, so staff can match a paper form's answers to the questions."""
    common = {"label": f"{number}. {question.text}", "help_text": question.help_text, "required": False}
    choices = [(choice, choice) for choice in question.choices]
    invalid_choice = {"invalid_choice": _("Select one of the options given")}
    if question.kind in TEXT_LIMITS:
        limit = TEXT_LIMITS[question.kind]
        return forms.CharField(
            max_length=limit,
            widget=forms.Textarea if question.kind == QuestionKind.LONG_TEXT else forms.TextInput,
            error_messages={"max_length": too_long(_("The answer"), limit)},
            **common,
        )
    if question.is_multiple:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=invalid_choice, **common
        )
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, error_messages=invalid_choice, **common)


def question_layout(question: Question):
    name = question_field_name(question)
    if question.kind == QuestionKind.LONG_TEXT:
        return Field.textarea(name, label_size=Size.SMALL, rows=5, max_characters=TEXT_LIMITS[question.kind])
    if question.kind == QuestionKind.SHORT_TEXT:
        return Field.text(name, label_size=Size.SMALL)
    if question.is_multiple:
        return Field.checkboxes(name, legend_size=Size.SMALL, small=True)
    return Field.radios(name, legend_size=Size.SMALL, small=True, inline=question.kind == QuestionKind.YES_NO)


class RecordResponseForm(NulFreeFormMixin, forms.Form):
    """A response that came on paper, by telephone or at an event. Paper forms are often partly filled
    in, so only how it came and when are required; every question may be left blank."""

    channel = forms.ChoiceField(
        label=_("How did the response come in?"),
        choices=[(value, label) for value, label in Channel.choices if value != Channel.ONLINE],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how the response came in"),
            "invalid_choice": _("Select paper, telephone or event"),
        },
    )
    received_on = DateInputField(
        what=_("received"),
        error_messages={"required": _("Enter the date the response was received")},
        label=_("When was it received?"),
        help_text=_("For example, 27 3 2025"),
    )
    respondent_type = forms.ChoiceField(
        label=_("Who responded?"),
        required=False,
        choices=list(RespondentType.choices) + [("", _("Not known"))],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select who responded, or not known")},
    )
    consent_to_quote = forms.BooleanField(label=_("They agreed to be quoted without their name"), required=False)

    def __init__(self, *args, consultation: Consultation, questions: list[Question], moment: datetime, **kwargs):
        kwargs.setdefault("initial", {"respondent_type": ""})
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.questions = questions
        self.moment = moment
        for number, question in enumerate(questions, start=1):
            self.fields[question_field_name(question)] = question_field(question, number=number)
        without_maxlength(self)
        question_fields = [question_layout(question) for question in questions]
        self.helper = gds_helper(
            Fieldset(
                Field.radios("channel", legend_size=Size.SMALL),
                Field("received_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.radios("respondent_type", legend_size=Size.SMALL, small=True),
                Field.checkbox("consent_to_quote", small=True),
                legend=_("About the response"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *question_fields
                or [HTML('<p class="govuk-body">{}</p>'.format(_("This consultation has no questions yet.")))],
                legend=_("Answers"),
                legend_size=Size.MEDIUM,
            ),
            button=_("Record the response"),
        )

    def clean_received_on(self):
        # The service's own rule, asked here too so its message shows beside the date.
        received_at_check(consultation=self.consultation, received_at=self.received_at(), moment=self.moment)
        return self.cleaned_data["received_on"]

    def received_at(self) -> datetime:
        """Today's responses keep the time they were typed in; earlier ones are put at midday, UK time."""
        received = self.cleaned_data["received_on"]
        if received == timezone.localdate(self.moment):
            return self.moment
        return timezone.make_aware(datetime.combine(received, time(12)))

    def answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data.get(question_field_name(question)) for question in self.questions}


# --- You said, we did --------------------------------------------------------------------------------


class OutcomeItemForm(NulFreeFormMixin, forms.Form):
    you_said = forms.CharField(
        label=_("What did people say?"),
        help_text=_("One point raised in the responses, in plain words. Do not name anyone."),
        max_length=3000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter what people said"), "max_length": too_long(_("What people said"), 3000)},
    )
    changed = forms.TypedChoiceField(
        label=_("Did anything change because of it?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if something changed because of what people said"),
            "invalid_choice": _("Select yes or no"),
        },
    )
    we_did = forms.CharField(
        label=_("If something changed: what did you do?"),
        help_text=_("Say what is different now, or will be, and when."),
        required=False,
        max_length=3000,
        widget=forms.Textarea,
        error_messages={"max_length": too_long(_("What you did"), 3000)},
    )
    why_not = forms.CharField(
        label=_("If nothing changed: what did you decide, and why?"),
        help_text=_("Explain why, so people can see they were heard."),
        required=False,
        max_length=3000,
        widget=forms.Textarea,
        error_messages={"max_length": too_long(_("Why nothing changed"), 3000)},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_maxlength(self)
        self.helper = gds_helper(
            Field.textarea("you_said", label_size=Size.SMALL, rows=4, max_characters=3000),
            # Both explanations are shown rather than revealed by the answer: GOV.UK's conditional reveal
            # puts aria-expanded on radios, which ARIA does not allow (a known GOV.UK Frontend issue).
            Field.radios("changed", legend_size=Size.SMALL, inline=True),
            Field.textarea("we_did", label_size=Size.SMALL, rows=4, max_characters=3000),
            Field.textarea("why_not", label_size=Size.SMALL, rows=4, max_characters=3000),
            button=_("Add this point"),
        )

    def clean(self):
        cleaned = super().clean()
        changed = cleaned.get("changed")
        for name in ("you_said", "we_did", "why_not"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if changed is True and not cleaned.get("we_did") and "we_did" not in self.errors:
            self.add_error("we_did", _("Enter what you did"))
        if changed is False and not cleaned.get("why_not") and "why_not" not in self.errors:
            self.add_error("why_not", _("Enter what you decided and why nothing changed"))
        return cleaned

    def item(self, consultation: Consultation) -> OutcomeItem:
        data = self.cleaned_data
        return OutcomeItem(
            consultation=consultation,
            you_said=data["you_said"],
            changed=data["changed"],
            we_did=data["we_did"],  # the service keeps only the explanation that matches "changed"
            why_not=data["why_not"],
        )


class OutcomesPublishForm(NulFreeFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary (optional)"),
        help_text=_("A few sentences on what happened after the consultation, shown above the points."),
        required=False,
        max_length=3000,
        widget=forms.Textarea,
        error_messages={"max_length": too_long(_("The summary"), 3000)},
    )

    def __init__(self, *args, published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        without_maxlength(self)
        self.helper = gds_helper(
            Field.textarea("summary", label_size=Size.SMALL, rows=4, max_characters=3000),
            button=_("Update the published page") if published else _("Publish \u201cYou said, we did\u201d"),
        )


# --- Participants' e-mails about consultations -------------------------------------------------------


class SubscriptionsForm(forms.Form):
    service_areas = forms.ModelMultipleChoiceField(
        label=_("Which parts of SEND services do you want to hear about?"),
        help_text=_("Select all that apply. Select none to stop these emails."),
        queryset=ServiceArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Select a service area from the list"),
            "invalid_pk_value": _("Select a service area from the list"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.checkboxes("service_areas", legend_size=Size.MEDIUM, legend_tag="h2"), button=_("Save")
        )
