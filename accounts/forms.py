from crispy_forms_gds.layout import Field
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from common.forms import gds_helper
from notifications.services import message_queue

from . import services
from .models import User


class SignInForm(auth_forms.AuthenticationForm):
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


class RegistrationForm(forms.Form):
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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending its e-mail through the outbox like every other message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.helper = gds_helper(Field.text("email"), button=_("Send reset link"))

    def save(self, **kwargs):
        self.reset_links_queued = 0
        super().save(**kwargs)
        if not self.reset_links_queued:
            # Either way one e-mail is queued, so the time the page takes says nothing.
            services.password_reset_no_account_notify(email=self.cleaned_data["email"])

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
        self.reset_links_queued += 1


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


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        help_text=_("To check it is you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.helper = gds_helper(Field.text("password"))
