import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from common.cache import shared_with_visitors
from common.kept_answers import typed_in_refused_post
from common.views import StaffRequiredMixin, request_client_address

from . import health, selectors

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """Visitors who are not signed in share the home page's lists for up to a minute, never past the
    moment one of them changes by itself (common.cache.shared_with_visitors)."""

    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        lists = shared_with_visitors(self.request, "home", selectors.home_page, moment=timezone.now())
        return super().get_context_data(**kwargs) | lists


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


def rate_limited(request, exception=None):
    logger.warning(
        "Refused by a rate limit: %s %s from %s", request.method, request.path_info, request_client_address(request)
    )
    # What a person typed is never lost: a refused page of answers is shown back to be copied.
    typed = typed_in_refused_post(request)
    return render(request, "errors/rate_limited.html", {"typed": typed}, status=429)


def robots_txt(request):
    # Staff and account pages are not for search engines; public pages are.
    lines = ["User-agent: *", "Disallow: /staff/", "Disallow: /account/", "Disallow: /admin/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
