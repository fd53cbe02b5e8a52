"""The portal's URLs and the two floors every figure of bench/http.py is compared with.

The bare view is what Django itself costs through the portal's middleware; the template floor adds
the site's base layout (header, navigation, footer, static file names, context processors) around
one paragraph, with no query. A page cannot be faster than these in the same run.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Template floor{% endblock %}'
    '{% block content %}<p class="govuk-body">The base layout with one paragraph and no query.</p>{% endblock %}'
)


def bare(request):
    return HttpResponse("ok")


def template_floor(request):
    return HttpResponse(FLOOR_TEMPLATE.render({}, request))


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/floor/", template_floor),
    path("", include("participation_portal.urls")),
]
