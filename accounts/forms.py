from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from notifications.services import message_queue

from .models import User


def gds_helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # templates write the <form>, with hidden fields such as "next"
    helper.disable_csrf = True
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def counted_textarea(name: str, **kwargs) -> Field:
    """A textarea with GOV.UK's character count (pass max_characters).

    crispy-forms-gds 2.0.1 raises KeyError when it adds the count's id to a textarea that has no
    hint, so the widget is given an aria-describedby for it to extend before each render.
    """
    layout = Field.textarea(name, **kwargs)
    render = layout.render

    def render_with_described_by(form, context, *args, **render_kwargs):
        form.fields[name].widget.attrs.setdefault("aria-describedby", "")
        return render(form, context, *args, **render_kwargs)

    layout.render = render_with_described_by
    return layout


class EmailErrorStyleMixin:
    """crispy-forms-gds gives text inputs and selects the red error border, but not e-mail inputs."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if isinstance(widget, forms.EmailInput):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} govuk-input--error".strip()


class SignInForm(EmailErrorStyleMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("Enter a correct email address and password. Both are case-sensitive."),
        "inactive": _("This account is not active yet. Use the link in the email we sent you."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.helper = gds_helper(Field.text("username"), Field.text("password"), button=_("Sign in"))

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class RegistrationForm(EmailErrorStyleMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send you a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Create a password"),
        strip=False,
        help_text=_("At least 10 characters, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    error_messages = {
        "required": {
            "full_name": _("Enter your full name"),
            "email": _("Enter your email address"),
            "password": _("Create a password"),
            "password_again": _("Type the password again"),
        }
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.error_messages["required"].items():
            self.fields[name].error_messages["required"] = message
        self.helper = gds_helper(
            Field.text("full_name"),
            Field.text("email"),
            Field.text("password"),
            Field.text("password_again"),
            button=_("Create account"),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The passwords do not match"))
        if password and not self.has_error("password"):
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class TwoFactorCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        help_text=_("The 6-digit code the app shows now."),
        error_messages={
            "required": _("Enter the 6-digit code"),
            "invalid": _("The code must be 6 digits, like 123456"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, button=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("code", field_width=5), button=button or _("Continue"))

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class PasswordResetForm(EmailErrorStyleMixin, auth_forms.PasswordResetForm):
    """Django's reset form, sending its e-mail through the outbox like every other message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.helper = gds_helper(Field.text("email"), button=_("Send reset link"))

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        from django.conf import settings
        from django.urls import reverse

        reset_path = reverse(
            "accounts:password-reset-confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        message_queue(
            recipient=to_email,
            template="accounts/password_reset",
            context={
                "full_name": context["user"].full_name,
                "reset_url": settings.SITE_URL + reset_path,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Type the new password again")
        self.helper = gds_helper(Field.text("new_password1"), Field.text("new_password2"), button=_("Save password"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Type the new password again")
        self.helper = gds_helper(
            Field.text("old_password"),
            Field.text("new_password1"),
            Field.text("new_password2"),
            button=_("Change password"),
        )
