"""The public pages every visitor meets, their look and their security headers."""

import pytest
from django.test import Client
from django.urls import reverse

PUBLIC_PAGES = ["home", "accessibility", "privacy", "cookies", "contact"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_one_h1_a_skip_link_and_a_titled_main(client, name):
    html = client.get(reverse(name)).content.decode()
    assert html.count("<h1") == 1
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "– SEND Participation Portal</title>" in html


@pytest.mark.django_db
def test_home_page_shows_empty_states_and_sign_in(client):
    html = client.get(reverse("home")).content.decode()
    assert "There are no open consultations at the moment" in html
    assert "You said, we did" in html
    assert reverse("accounts:sign-in") in html


@pytest.mark.django_db
def test_footer_links_accessibility_privacy_cookies_and_contact(client):
    html = client.get(reverse("home")).content.decode()
    for name in ["accessibility", "privacy", "cookies", "contact"]:
        assert f'href="{reverse(name)}"' in html


@pytest.mark.django_db
def test_staff_navigation_shows_only_to_staff(client, participant, staff_member):
    client.force_login(participant)
    assert "Staff menu" not in client.get(reverse("home")).content.decode()
    client.force_login(staff_member)
    assert "Staff menu" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_security_headers(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_inline_scripts_or_styles_on_public_pages(client):
    html = client.get(reverse("home")).content.decode()
    assert "<script>" not in html and "<style" not in html and "style=" not in html


@pytest.mark.django_db
def test_unknown_page_is_a_plain_404_in_the_site_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_form_posted_without_a_csrf_token_gets_a_plain_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign-in"), {"username": "a@b.c", "password": "x"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html


@pytest.mark.django_db
def test_robots_keeps_staff_pages_out_of_search_engines(client):
    assert "Disallow: /staff/" in client.get("/robots.txt").content.decode()
