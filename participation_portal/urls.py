from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import views

admin.site.site_header = "SEND Participation Portal administration"
admin.site.site_title = "SEND Participation Portal"

page = TemplateView.as_view

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("accessibility/", page(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", page(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", page(template_name="pages/cookies.html"), name="cookies"),
    path("contact/", page(template_name="pages/contact.html"), name="contact"),
    path("staff/", views.StaffDashboardView.as_view(), name="staff-dashboard"),
    path("account/", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("consultations.urls")),
    path("", include("coproduction.urls")),
    path("", include("feedback.urls")),
    path("admin/", admin.site.urls),
]
handler400 = "common.middleware.bad_request"
