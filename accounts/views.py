import json

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django.views.generic import FormView, TemplateView

from common.data_registry import portal_app_modules
from common.views import anonymous_form_limit, sign_in_address_limit

from . import services, two_factor
from .forms import (
    AccountDeleteForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegistrationForm,
    SetPasswordForm,
    SignInForm,
    TwoFactorCodeForm,
)
from .roles import has_staff_role


def safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


@sign_in_address_limit
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        user = self.request.user
        destination = self.get_redirect_url() or (
            reverse("staff-dashboard") if has_staff_role(user) else reverse(settings.LOGIN_REDIRECT_URL)
        )
        if has_staff_role(user) and settings.REQUIRE_STAFF_2FA:
            step = (
                "accounts:two-factor-verify" if two_factor.has_confirmed_device(user) else "accounts:two-factor-setup"
            )
            return f"{reverse(step)}?{urlencode({'next': destination})}"
        return destination


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/signed_out.html"


class StaffSecondFactorMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_staff_role(request.user):
            raise PermissionDenied("A second factor is for staff accounts.")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return safe_next(self.request, reverse("staff-dashboard"))


class TwoFactorSetupView(StaffSecondFactorMixin, FormView):
    """Set up an authenticator app: scan the code (or type the key), then enter a first code."""

    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor.has_confirmed_device(request.user):
            return redirect(f"{reverse('accounts:two-factor-verify')}?{urlencode({'next': safe_next(request, '')})}")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"button": "Confirm and continue"}

    def get_context_data(self, **kwargs):
        device = two_factor.device_for_setup(self.request.user)
        return super().get_context_data(**kwargs) | {
            "qr_code": two_factor.setup_qr_code_data_uri(device),
            "setup_key": two_factor.setup_key_for_typing(device),
            "next": safe_next(self.request, ""),
        }

    def form_valid(self, form):
        device = two_factor.device_for_setup(self.request.user)
        if not two_factor.device_confirm(self.request, device=device, token=form.cleaned_data["code"]):
            form.add_error("code", "The code is not right. Check the time on your phone and try the newest code")
            return self.form_invalid(form)
        return super().form_valid(form)


class TwoFactorVerifyView(StaffSecondFactorMixin, FormView):
    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor.has_confirmed_device(request.user):
            return redirect(f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': safe_next(request, '')})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"next": safe_next(self.request, "")}

    def form_valid(self, form):
        if not two_factor.verify(self.request, token=form.cleaned_data["code"]):
            form.add_error(
                "code", "The code is not right, or too many wrong codes were tried. Wait and try the newest code"
            )
            return self.form_invalid(form)
        return super().form_valid(form)


@anonymous_form_limit
class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm

    def form_valid(self, form):
        services.participant_register(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
            moment=timezone.now(),
        )
        return redirect("accounts:register-check-email")


def confirm_email(request, token):
    try:
        services.email_confirm(token=token, moment=timezone.now())
    except ValidationError as error:
        return render(request, "accounts/confirm_email_failed.html", {"reason": error.code}, status=400)
    return render(request, "accounts/confirm_email_done.html")


@anonymous_form_limit
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


def account_sections(user) -> list[dict]:
    """What the apps above accounts add to the account page. An app may offer an ``account`` module with
    ``account_section(user) -> dict | None``: a ``template`` to include and what it shows. They are found
    through the app registry, so accounts names none of them."""
    sections = []
    for _label, module in portal_app_modules("account"):
        if (section := module.account_section(user)) is not None:
            sections.append(section)
    return sections


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"account_sections": account_sections(self.request.user)}


class DataDownloadView(LoginRequiredMixin, View):
    """Everything the portal holds about the signed-in person, as a JSON file."""

    def get(self, request):
        moment = timezone.now()
        data = services.account_data_export(user=request.user, moment=moment)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="your-data-{moment:%Y-%m-%d}.json"'
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """Ask for the password again, then delete the account; staff accounts are told whom to ask."""

    template_name = "accounts/account_delete.html"
    form_class = AccountDeleteForm
    extra_context = {"download_url": reverse_lazy("accounts:data-download")}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_staff_role(request.user):
            return render(request, "accounts/account_delete_staff.html")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.account_delete(
                user=self.request.user, password=form.cleaned_data["password"], moment=timezone.now()
            )
        except ValidationError as error:
            form.add_error("password", error.messages[0])
            return self.form_invalid(form)
        logout(self.request)
        return redirect("accounts:account-deleted")
