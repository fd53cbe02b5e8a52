from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.mixins import StaffRequiredMixin

from . import health, selectors


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | selectors.home_page(user=self.request.user)


class StaffDashboardView(StaffRequiredMixin, TemplateView):
    template_name = "pages/staff_dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | selectors.staff_dashboard(user=self.request.user)


@never_cache
def healthz(request):
    unreachable = health.unreachable_services()
    if unreachable:
        return JsonResponse({"status": "unavailable", "unreachable": unreachable}, status=503)
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf_failure.html", status=403)


def rate_limited(request, exception=None):
    return render(request, "errors/rate_limited.html", status=429)


def robots_txt(request):
    # Staff and account pages are not for search engines; public pages are.
    lines = ["User-agent: *", "Disallow: /staff/", "Disallow: /account/", "Disallow: /admin/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
