"""Forms for staff who draft and run consultations.

Forms check what a person typed and say how to fix it beside the field; the rules that must hold
whoever writes (unique web address, an audience, the Lundy fields, a team the user belongs to)
are enforced again in services.consultation_save.
"""

import re
from datetime import date, datetime, time

from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.forms import (
    DateInputField,
    GovCheckboxes,
    GovRadios,
    GovYesNo,
    date_input_error,
    gds_helper,
    interpolate,
)
from common.text import NulFreeFormMixin

from ..models import (
    AUDIENCE_FIELDS,
    Audience,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    ServiceArea,
)
from ..services import MAX_QUESTION_PAGE, SLUG_PATTERN, document_content_type, question_options_clean

TIME_24_HOUR = re.compile(r"^(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)$")
TIME_12_HOUR = re.compile(r"^(?P<hour>0?[1-9]|1[0-2])(?:[:.](?P<minute>[0-5]\d))?\s*(?P<half>am|pm)$")


def time_parse(text: str) -> time | None:
    """9:00, 09:30, 17.45, 9am, 5:30pm, midday; None when it is not a time."""
    text = text.strip().lower().replace(" ", "")
    if text in ("midday", "noon", "12noon"):
        return time(12, 0)
    if match := TIME_24_HOUR.match(text):
        return time(int(match["hour"]), int(match["minute"]))
    if match := TIME_12_HOUR.match(text):
        hour = int(match["hour"]) % 12 + (12 if match["half"] == "pm" else 0)
        return time(hour, int(match["minute"] or 0))
    return None


class GovTimeField(forms.CharField):
    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(
            max_length=10,
            error_messages={"required": interpolate(_("Enter the time %(what)s"), {"what": what})},
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            **kwargs,
        )

    def widget_attrs(self, widget):
        return {}  # no maxlength: an over-long value gets a message, not silent truncation

    def clean(self, value):
        text = super().clean(value)
        if isinstance(text, time):
            return text
        parsed = time_parse(text)
        if parsed is None:
            raise ValidationError(
                _("Enter the time %(what)s like 9:00, 17:30 or 5:30pm") % {"what": self.what}, code="invalid"
            )
        return parsed


def at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def limit_messages(form: forms.Form, messages: dict[str, str]) -> None:
    """GOV.UK error wording: "<Thing> must be N characters or fewer", and no maxlength attribute."""
    for name, label in messages.items():
        field = form.fields[name]
        field.widget.attrs.pop("maxlength", None)
        if field.max_length:
            field.error_messages["max_length"] = _("%(thing)s must be %(limit)s characters or fewer") % {
                "thing": label,
                "limit": field.max_length,
            }


# --- Consultation details ------------------------------------------------------------------------------


FIELD_ORDER = [
    "title",
    "slug",
    "summary",
    "proposal",
    "decision_informed",
    "audiences",
    "service_area",
    "team",
    "opens_on",
    "opens_time",
    "closes_on",
    "closes_time",
    "other_ways_to_respond",
    "anonymous_allowed",
    "contact_details",
    "who_decides",
    "feedback_due",
    "child_friendly",
]


class ConsultationForm(NulFreeFormMixin, forms.ModelForm):
    """Everything about a consultation but its questions and documents, on one page of fieldsets."""

    audiences = GovCheckboxes(
        label=_("Who is it for?"),
        choices=Audience.choices,
        help_text=_("Select all that apply."),
        error_messages={"required": _("Select who the consultation is for")},
    )
    opens_on = DateInputField(
        what=_("the consultation opens"), label=_("Date it opens"), help_text=_("For example, 27 3 2026")
    )
    opens_time = GovTimeField(
        what=_("the consultation opens"), label=_("Time it opens"), help_text=_("For example, 9:00 or 17:30")
    )
    closes_on = DateInputField(
        what=_("the consultation closes"), label=_("Date it closes"), help_text=_("For example, 30 4 2026")
    )
    closes_time = GovTimeField(
        what=_("the consultation closes"),
        label=_("Time it closes"),
        help_text=_("For example, 23:59 for the end of the day"),
    )
    anonymous_allowed = GovYesNo(
        label=_("Can people respond without giving their name?"),
        error_messages={"required": _("Select yes if people can respond without giving their name")},
    )
    feedback_due = DateInputField(
        what=_("children and young people will hear back"),
        label=_("Date children and young people will hear back"),
        help_text=_("Required when children and young people are an audience. For example, 15 9 2026"),
        required=False,
    )

    class Meta:
        model = Consultation
        fields = [
            "title",
            "slug",
            "summary",
            "proposal",
            "decision_informed",
            "service_area",
            "team",
            "other_ways_to_respond",
            "contact_details",
            "who_decides",
            "child_friendly",
        ]
        labels = {
            "title": _("Title"),
            "slug": _("Web address"),
            "summary": _("Summary in plain language"),
            "proposal": _("What is proposed and why"),
            "decision_informed": _("The decision it informs"),
            "service_area": _("Service area"),
            "team": _("Team that runs it"),
            "other_ways_to_respond": _("Other ways to respond (optional)"),
            "contact_details": _("Contact details for questions (optional)"),
            "who_decides": _("Who will decide"),
            "child_friendly": _("Show the easy-read, child-friendly version, with larger text and pictures"),
        }
        help_texts = {
            "slug": _(
                "The end of the consultation's web address, such as short-breaks-review. Use lowercase letters, "
                "numbers and hyphens. Leave it empty to make one from the title."
            ),
            "summary": _("2 or 3 sentences anyone can understand. It appears in the list of consultations."),
            "decision_informed": _("What the council will decide using what people say."),
            "other_ways_to_respond": _(
                "Paper copies, a telephone number, or events where people can give their views."
            ),
            "contact_details": _("Who people can contact with questions, and how."),
            "who_decides": _(
                "Required when children and young people are an audience: the person or group who will decide, "
                "such as the SEND partnership board."
            ),
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "summary": {"required": _("Enter a summary in plain language")},
            "proposal": {"required": _("Enter what is proposed and why")},
            "service_area": {
                "required": _("Select the service area"),
                "invalid_choice": _("Select the service area"),
            },
            "team": {
                "required": _("Select the team that runs the consultation"),
                "invalid_choice": _("Select one of your teams"),
            },
            "slug": {"unique": _("Another consultation already uses this web address. Choose a different one")},
        }
        widgets = {"summary": forms.Textarea, "who_decides": forms.TextInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        consultation = self.instance
        self.fields["slug"].required = False
        self.fields["slug"].validators = [
            RegexValidator(SLUG_PATTERN, _("The web address can only use lowercase letters, numbers and hyphens"))
        ]
        self.fields["service_area"].queryset = ServiceArea.objects.all()
        self.fields["service_area"].empty_label = _("Select a service area")
        teams = Team.objects.all() if user.has_perm("accounts.work_across_teams") else user.teams.all()
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = _("Select a team")
        self.fields["decision_informed"].required = True
        self.fields["decision_informed"].error_messages["required"] = _("Enter the decision the consultation informs")
        limit_messages(
            self,
            {
                "title": _("Title"),
                "slug": _("The web address"),
                "summary": _("The summary"),
                "proposal": _("What is proposed and why"),
                "decision_informed": _("The decision it informs"),
                "other_ways_to_respond": _("Other ways to respond"),
                "contact_details": _("Contact details"),
                "who_decides": _("Who will decide"),
            },
        )
        if consultation.published_at:
            # People may already have the link; changing it would break it.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("The web address cannot change once the consultation is published.")
        if consultation.pk:
            opens, closes = timezone.localtime(consultation.opens_at), timezone.localtime(consultation.closes_at)
            self.initial.update(
                audiences=[str(audience) for audience in consultation.audiences],
                opens_on=opens.date(),
                opens_time=opens.strftime("%H:%M"),
                closes_on=closes.date(),
                closes_time=closes.strftime("%H:%M"),
                anonymous_allowed=consultation.anonymous_allowed,
                feedback_due=consultation.feedback_due,
            )
        else:
            self.initial.setdefault("opens_time", "9:00")
            self.initial.setdefault("closes_time", "23:59")
            if len(only_team := list(teams[:2])) == 1 and not self.initial.get("team"):
                self.initial["team"] = only_team[0].pk  # someone in one team runs consultations for it
        self.order_fields(FIELD_ORDER)  # the error summary lists problems in the order of the page
        self.helper = gds_helper(
            Fieldset(
                Field.text("title"),
                Field.text("slug", field_width=20),
                Field.textarea("summary", rows=4, max_characters=1000),
                Field.textarea("proposal", rows=10),
                Field.textarea("decision_informed", rows=4),
                legend=_("About the consultation"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.checkboxes("audiences", legend_size=Size.SMALL),
                Field.select("service_area"),
                Field.select("team"),
                legend=_("Who it is for and who runs it"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field("opens_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.text("opens_time", field_width=5),
                Field("closes_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.text("closes_time", field_width=5),
                legend=_("When it runs"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.textarea("other_ways_to_respond", rows=4),
                Field.radios("anonymous_allowed", legend_size=Size.SMALL, inline=True),
                Field.textarea("contact_details", rows=3),
                legend=_("How people respond"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">'
                    + str(
                        _(
                            "Children and young people have a right to know who will listen to their views and "
                            "what happened as a result (the Lundy model)."
                        )
                    )
                    + "</p>"
                ),
                Field.text("who_decides"),
                Field("feedback_due", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.checkbox("child_friendly"),
                legend=_("If children and young people are an audience"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            button=_("Save consultation") if not consultation.published_at else _("Save changes"),
        )

    def clean(self):
        cleaned = super().clean()
        consultation = self.instance
        audiences = cleaned.get("audiences") or []
        for audience, field in AUDIENCE_FIELDS.items():
            setattr(consultation, field, str(audience) in audiences)
        if cleaned.get("anonymous_allowed") is not None:
            consultation.anonymous_allowed = cleaned["anonymous_allowed"]
        consultation.feedback_due = cleaned.get("feedback_due")
        opens_on, opens_time = cleaned.get("opens_on"), cleaned.get("opens_time")
        closes_on, closes_time = cleaned.get("closes_on"), cleaned.get("closes_time")
        if opens_on and opens_time:
            consultation.opens_at = at(opens_on, opens_time)
        if closes_on and closes_time:
            consultation.closes_at = at(closes_on, closes_time)
            if consultation.opens_at and opens_on and opens_time and consultation.closes_at <= consultation.opens_at:
                date_input_error(self, "closes_on", _("The closing date and time must be after it opens"))
        if str(Audience.YOUNG_PEOPLE) in audiences:
            if not (cleaned.get("who_decides") or "").strip() and not self.has_error("who_decides"):
                self.add_error("who_decides", _("Enter who will decide, as children and young people are an audience"))
            if not cleaned.get("feedback_due") and not self.has_error("feedback_due"):
                date_input_error(
                    self,
                    "feedback_due",
                    _("Enter the date children and young people will hear back, as they are an audience"),
                )
        feedback_due = cleaned.get("feedback_due")
        if feedback_due and closes_on and feedback_due < closes_on:
            date_input_error(
                self, "feedback_due", _("The date they will hear back must be on or after the closing date")
            )
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError beside the field it is about (or at the top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = SERVICE_FIELDS.get(name, name)
            if isinstance(self.fields.get(field), DateInputField):
                for message in ValidationError(errors).messages:
                    date_input_error(self, field, message)
            else:
                self.add_error(field if field in self.fields else None, errors)


# Service error keys that name model fields shown under another name on the form.
SERVICE_FIELDS = {
    "opens_at": "opens_on",
    "closes_at": "closes_on",
    "for_parent_carers": "audiences",
    "for_young_people": "audiences",
    "for_professionals": "audiences",
}


# --- Questions ---------------------------------------------------------------------------------------------


# The kinds whose choices staff type in; agreement scales and yes or no have theirs set.
CHOICES_TYPED = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class QuestionForm(NulFreeFormMixin, forms.ModelForm):
    kind = GovRadios(
        label=_("Type of question"),
        choices=QuestionKind.choices,
        error_messages={
            "required": _("Select the type of question"),
            "invalid_choice": _("Select the type of question"),
        },
    )
    required = GovYesNo(
        label=_("Must people answer it?"),
        error_messages={"required": _("Select yes if people must answer the question")},
    )
    page = forms.IntegerField(
        label=_("Page"),
        min_value=1,
        max_value=MAX_QUESTION_PAGE,
        help_text=_("Questions with the same page number are asked together, in order. From 1 to 20."),
        error_messages={
            "required": _("Enter the page number"),
            "invalid": _("The page number must be a number, like 2"),
            "min_value": _("The page number must be between 1 and 20"),
            "max_value": _("The page number must be between 1 and 20"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    choices_text = forms.CharField(
        label=_("Choices (for single and multiple choice questions)"),
        help_text=_(
            "Put each choice on its own line: from 2 to 20 choices. Agreement scales and yes or no questions have "
            "their choices set for you."
        ),
        required=False,
        widget=forms.Textarea,
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "page"]
        labels = {"text": _("Question"), "help_text": _("Hint (optional)")}
        help_texts = {"help_text": _("Extra words shown under the question to help people answer it.")}
        error_messages = {"text": {"required": _("Enter the question")}}
        widgets = {"text": forms.TextInput, "help_text": forms.TextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_messages(self, {"text": _("The question"), "help_text": _("The hint")})
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(self.instance.options)
        else:
            self.initial["required"] = None  # GOV.UK: radios start unselected, so the choice is made on purpose
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("text"),
            Field.text("help_text"),
            # Shown only for the kinds that have choices to type (application.mjs); without
            # JavaScript it is always shown, and its label says when it applies.
            Div(
                Field.textarea("choices_text", rows=6),
                data_app_show_for_name="kind",
                data_app_show_for_values=" ".join(CHOICES_TYPED),
            ),
            Field.radios("required", legend_size=Size.SMALL, inline=True),
            Field.text("page", field_width=2),
            button=_("Save question"),
        )

    def clean(self):
        cleaned = super().clean()
        lines = (cleaned.get("choices_text") or "").splitlines()
        try:
            # The service's own rule, asked here too so its message shows with the form's others.
            self.instance.options = question_options_clean(kind=cleaned.get("kind"), options=lines)
        except ValidationError as error:
            self.add_error("choices_text", error)
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = "choices_text" if name == "options" else name
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


# --- Documents ---------------------------------------------------------------------------------------------


class DocumentForm(NulFreeFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What the document is, such as “Easy-read version of the proposal”."),
        error_messages={"required": _("Enter a title for the document")},
    )
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("PDF, Word, OpenDocument text, plain text, PNG or JPEG. Up to 20 MB."),
        error_messages={
            "required": _("Select a file to upload"),
            "empty": _("The selected file is empty"),
            "invalid": _("Select a file to upload"),
        },
    )
    easy_read = forms.BooleanField(label=_("This is an easy-read version"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_messages(self, {"title": _("The title")})
        self.helper = gds_helper(
            Field.text("title"),
            Field("file"),
            Field.checkbox("easy_read"),
            button=_("Upload document"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The service's own rule, asked here too so its message shows beside the field with the others.
        upload.content_type = document_content_type(upload)
        return upload


# --- Withdrawing and filtering ------------------------------------------------------------------------------


class WithdrawForm(NulFreeFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the consultation being withdrawn?"),
        help_text=_("This is shown on the consultation’s page, so people who were going to respond know why."),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter why the consultation is being withdrawn")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_messages(self, {"reason": _("The reason")})
        self.helper = gds_helper(Field.textarea("reason", rows=5), button=_("Withdraw consultation"))
        self.helper.layout[-1] = Submit("submit", _("Withdraw consultation"), css_class="govuk-button--warning")


STATUS_CHOICES = [("", _("Any status")), *ConsultationStatus.choices]


class ConsultationFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    status = forms.TypedChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, coerce=ConsultationStatus, empty_value=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Side by side above the list from tablet width up; stacked on a phone.
        self.helper = gds_helper(
            Div(
                Div(Field.select("team"), css_class="govuk-grid-column-one-third"),
                Div(Field.select("status"), css_class="govuk-grid-column-one-third"),
                Div(
                    Submit("filter", _("Apply filters"), css_class="govuk-button--secondary"),
                    css_class="govuk-grid-column-one-third app-filter__action",
                ),
                css_class="govuk-grid-row",
            ),
            button="",
        )
        del self.helper.layout[-1]  # the button is inside the row

    def value(self, name: str):
        """The filter's value when valid, else None: a tampered filter is ignored, not an error."""
        if not self.is_bound or not self.is_valid() and name in self.errors:
            return None
        return self.cleaned_data.get(name) or None
