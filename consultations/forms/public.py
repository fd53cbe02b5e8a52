"""Forms the public fill in: the hub's filters, question pages, "about you" and "save for later".

Question pages are built from the consultation's questions, so one form class serves every page.
Buttons are written in the templates (a question page has two), so helpers here render fields only.
"""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.forms import gds_helper
from common.text import NulFreeFormMixin
from consultations.models import TEXT_LIMITS, Audience, ConsultationStatus, Question, QuestionKind, RespondentType
from consultations.services import contact_email_check

CHOICES_TEMPLATE = "consultations/public/fields/choices.html"
PREFER_NOT_TO_SAY = "prefer_not_to_say"

# Symbols shown beside scale and yes/no choices in the child-friendly version: (file, backing colour).
# The words in the label carry the meaning, so each picture has alt="".
PICTURES = {
    "Strongly agree": ("images/symbols/strongly-agree.svg", "turquoise"),
    "Agree": ("images/symbols/agree.svg", "turquoise"),
    "Neither agree nor disagree": ("images/symbols/neither.svg", "yellow"),
    "Disagree": ("images/symbols/disagree.svg", "orange"),
    "Strongly disagree": ("images/symbols/strongly-disagree.svg", "orange"),
    "Yes": ("images/symbols/yes.svg", "turquoise"),
    "No": ("images/symbols/no.svg", "pink"),
}


def choices_field(name: str, *, legend_size=None, legend_tag=None, inline=False, pictures=False) -> Field:
    """Radios or checkboxes drawn by our template: the first input's id is the field's own id, so the
    error summary's link lands on it (GOV.UK Frontend does the same), and pictures can go beside."""
    context = {"inline": inline, "pictures": pictures, "legend_tag": legend_tag}
    if legend_size:
        context["legend_size"] = Size.for_legend(legend_size)
    return Field(name, template=CHOICES_TEMPLATE, context=context)


def choices_with_reveal(name: str, revealed: Field, *, reveal_id: str, **kwargs) -> Field:
    """Checkboxes with another field revealed under them while any is ticked (GOV.UK's conditional
    reveal, shared by every choice; application.mjs shows and hides it, and without JavaScript it
    is always shown)."""
    layout = choices_field(name, **kwargs)
    render = layout.render

    def render_with_reveal(form, context, *args, **render_kwargs):
        layout.context["revealed_html"] = revealed.render(form, context, *args, **render_kwargs)
        layout.context["reveal_id"] = reveal_id
        return render(form, context, *args, **render_kwargs)

    layout.render = render_with_reveal
    return layout


# Set on the widget, not with crispy's field_width, which would replace the error class below.
EMAIL_WIDTH = "govuk-input--width-20"


class HubFilterForm(NulFreeFormMixin, forms.Form):
    """GET filters for the hub. Invalid values are reported and ignored; the page still lists.

    Drawn by consultations/public/_hub_filters.html with the GOV.UK markup the crispy templates
    give, not by crispy: the hub is the busiest public page, and its filters took a quarter of its
    time through crispy's layout and widget templates.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("For example, short breaks"))
    audience = forms.ChoiceField(
        label=_("Who it is for"), required=False, choices=[("", _("Anyone"))] + list(Audience.choices)
    )
    area = forms.ChoiceField(label=_("Service area"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            (ConsultationStatus.OPEN, _("Open for responses")),
            (ConsultationStatus.UPCOMING, _("Not open yet")),
            (ConsultationStatus.CLOSED, _("Closed to responses")),
        ],
    )

    def __init__(self, *args, service_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All service areas"))] + [(a.slug, a.name) for a in service_areas]
        self.fields["q"].error_messages["max_length"] = _("Search must be 100 characters or fewer")
        for name in ("audience", "area", "status"):
            self.fields[name].error_messages["invalid_choice"] = _("Select one of the options given")

    def filters(self) -> dict:
        """The valid filters: those selectors.hub() takes, and the status (one list only)."""
        cleaned = self.cleaned_data if self.is_valid() or hasattr(self, "cleaned_data") else {}
        return {
            "text": cleaned.get("q", ""),
            "audience": cleaned.get("audience", ""),
            "service_area": cleaned.get("area", ""),
            "status": cleaned.get("status", ""),
        }


def question_field_name(question: Question) -> str:
    return f"question_{question.pk}"


class QuestionPageForm(NulFreeFormMixin, forms.Form):
    """One page of a consultation's questions.

    Only the page's own questions become fields, so a posted value for any other question id is
    never read. ``lenient`` (used by "Save and come back later") drops the required rule, so half a
    page can be kept; lengths and choices are still checked.
    """

    def __init__(self, *args, questions: list[Question], child_friendly=False, lenient=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        single = len(questions) == 1
        layout = []
        for question in questions:
            name = question_field_name(question)
            self.fields[name] = self.field_for(question, single=single, required=question.required and not lenient)
            layout.append(self.layout_for(question, name, single=single, child_friendly=child_friendly))
        self.helper = gds_helper(*layout)

    @staticmethod
    def label_for(question: Question) -> str:
        return question.text if question.required else gettext("%(question)s (optional)") % {"question": question.text}

    def field_for(self, question: Question, *, single: bool, required: bool) -> forms.Field:
        # On a page of several questions each message names its question, so the error summary
        # reads clearly on its own.
        about = "" if single else " " + gettext("for ‘%(question)s’") % {"question": Truncator(question.text).chars(80)}
        common = {"label": self.label_for(question), "help_text": question.help_text, "required": required}
        if question.kind in TEXT_LIMITS:
            limit = TEXT_LIMITS[question.kind]
            widget = forms.Textarea(attrs={"rows": 8}) if question.kind == QuestionKind.LONG_TEXT else forms.TextInput
            field = forms.CharField(max_length=limit, widget=widget, **common)
            # No maxlength attribute: the browser would cut text off silently; GOV.UK shows an error.
            field.widget.attrs.pop("maxlength", None)
            field.error_messages["required"] = gettext("Enter your answer") + about
            # Named even alone on its page: the error summary is read on its own, above the question.
            field.error_messages["max_length"] = gettext(
                "Your answer to ‘%(question)s’ must be %(limit)s characters or fewer"
            ) % {"question": Truncator(question.text).chars(80), "limit": f"{limit:,}"}
            return field
        choices = [self.choice(question, value) for value in question.choices]
        if question.is_multiple:
            field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
            field.error_messages["required"] = gettext("Select at least one option") + about
            field.error_messages["invalid_list"] = _("Select one of the options given")
        else:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            field.error_messages["required"] = {
                QuestionKind.YES_NO: gettext("Select yes or no"),
                QuestionKind.AGREEMENT: gettext("Select how much you agree"),
            }.get(question.kind, gettext("Select an answer")) + about
        field.error_messages["invalid_choice"] = _("Select one of the options given")
        return field

    @staticmethod
    def choice(question: Question, value: str) -> Choice:
        picture, colour = PICTURES.get(value, ("", "")) if question.kind in PICTURE_KINDS else ("", "")
        return Choice(value, value, picture=picture, colour=colour)

    @staticmethod
    def layout_for(question: Question, name: str, *, single: bool, child_friendly: bool):
        # GOV.UK question pages: a page with one question uses its label or legend as the <h1>.
        size, tag = (Size.LARGE, "h1") if single else (Size.MEDIUM, None)
        if question.kind == QuestionKind.SHORT_TEXT:
            return Field.text(name, label_size=size, label_tag=tag)
        if question.kind == QuestionKind.LONG_TEXT:
            return Field.textarea(
                name, label_size=size, label_tag=tag, rows=8, max_characters=TEXT_LIMITS[QuestionKind.LONG_TEXT]
            )
        pictures = child_friendly and question.kind in PICTURE_KINDS
        inline = question.kind == QuestionKind.YES_NO and not pictures
        return choices_field(name, legend_size=size, legend_tag=tag, inline=inline, pictures=pictures)

    def answers(self) -> dict[int, object]:
        """question id -> value, as services.answers_save takes them."""
        return {question.pk: self.cleaned_data[question_field_name(question)] for question in self.questions}


PICTURE_KINDS = {QuestionKind.AGREEMENT, QuestionKind.YES_NO}


class AboutYouForm(NulFreeFormMixin, forms.Form):
    respondent_type = forms.ChoiceField(
        label=_("Which of these best describes you? (optional)"),
        required=False,
        choices=list(RespondentType.choices) + [(PREFER_NOT_TO_SAY, _("Prefer not to say"))],
        widget=forms.RadioSelect,
    )
    consent_to_quote = forms.ChoiceField(
        label=_("Can we quote what you said, without your name? (optional)"),
        help_text=_("We might use your words in reports and in ‘You said, we did’. We will never say who you are."),
        required=False,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    contact = forms.MultipleChoiceField(
        label=_("Would you like us to contact you? (optional)"),
        help_text=_("Select all that apply."),
        required=False,
        choices=[("receipt", _("Email me a receipt")), ("outcome", _("Tell me what happened as a result"))],
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "class": EMAIL_WIDTH}),
    )

    def __init__(self, *args, anonymous_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.anonymous_allowed = anonymous_allowed
        email = self.fields["email"]
        email.widget.attrs.pop("maxlength", None)
        email.error_messages["invalid"] = _("Enter an email address in the correct format, like name@example.com")
        email.error_messages["max_length"] = _("Email address must be 254 characters or fewer")
        if anonymous_allowed:
            # Asked for only under a ticked choice, where it is needed, so not marked optional.
            email.help_text = _("We use it only to send what you ticked.")
        else:
            email.help_text = _(
                "This consultation needs an email address for every response. We will not publish it or pass it on."
            )
        for name in ("respondent_type", "consent_to_quote", "contact"):
            self.fields[name].error_messages["invalid_choice"] = _("Select one of the options given")
        if anonymous_allowed:
            contact = [
                choices_with_reveal("contact", Field.text("email"), reveal_id="contact-email", legend_size=Size.MEDIUM)
            ]
        else:
            contact = [choices_field("contact", legend_size=Size.MEDIUM), Field.text("email")]
        self.helper = gds_helper(
            choices_field("respondent_type", legend_size=Size.MEDIUM),
            choices_field("consent_to_quote", legend_size=Size.MEDIUM, inline=True),
            *contact,
        )

    def clean(self):
        cleaned = super().clean()
        if self.has_error("email"):
            return cleaned
        try:
            # The service's own rule, asked here too so its message shows with the form's others.
            contact_email_check(
                email=cleaned.get("email") or "",
                wants_contact=bool(cleaned.get("contact")),
                anonymous_allowed=self.anonymous_allowed,
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def about_you(self) -> dict:
        """Keyword arguments for services.about_you_save."""
        cleaned = self.cleaned_data
        respondent_type = cleaned["respondent_type"]
        return {
            "respondent_type": "" if respondent_type == PREFER_NOT_TO_SAY else respondent_type,
            "consent_to_quote": {"yes": True, "no": False}.get(cleaned["consent_to_quote"]),
            "email": cleaned["email"].strip().lower(),
            "wants_receipt": "receipt" in cleaned["contact"],
            "wants_outcome": "outcome" in cleaned["contact"],
        }


class SaveForLaterForm(NulFreeFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send a link to this address. We use it for nothing else."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "class": EMAIL_WIDTH}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.pop("maxlength", None)
        self.helper = gds_helper(Field.text("email"))
