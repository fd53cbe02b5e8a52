from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "accounts"
page = TemplateView.as_view

public = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path(
        "register/check-your-email/",
        page(
            template_name="accounts/register_check_email.html",
            extra_context={"confirmation_days": settings.ACCOUNT_CONFIRMATION_DAYS},
        ),
        name="register-check-email",
    ),
    path("confirm/<str:token>/", views.confirm_email, name="confirm-email"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", page(template_name="accounts/password_reset_sent.html"), name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path(
        "password-reset/complete/",
        page(template_name="accounts/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("", views.AccountView.as_view(), name="account"),
    path("your-data/", views.DataDownloadView.as_view(), name="data-download"),
    path("delete/", views.AccountDeleteView.as_view(), name="account-delete"),
    path("deleted/", page(template_name="accounts/account_deleted.html"), name="account-deleted"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/changed/", page(template_name="accounts/password_change_done.html"), name="password-change-done"),
    path("two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
]
staff: list = []
urlpatterns = public + staff
