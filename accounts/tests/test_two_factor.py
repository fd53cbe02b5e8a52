import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_STAFF_2FA = True


def sign_in(client, user):
    return client.post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD})


@pytest.mark.django_db
def test_staff_signing_in_for_the_first_time_set_up_an_app_then_reach_the_dashboard(
    client, staff_member, two_factor_on
):
    response = sign_in(client, staff_member)
    assert response.url.startswith(reverse("accounts:two-factor-setup"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    done = client.post(response.url, {"code": current_code(device), "next": reverse("staff-dashboard")})
    assert done.status_code == 302 and done.url == reverse("staff-dashboard")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("staff-dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_at_set_up_is_shown_beside_the_field(client, staff_member, two_factor_on):
    sign_in(client, staff_member)
    client.get(reverse("accounts:two-factor-setup"))
    response = client.post(reverse("accounts:two-factor-setup"), {"code": "000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "The code is not right" in html
    assert 'value="000000"' in html
    assert not TOTPDevice.objects.filter(user=staff_member, confirmed=True).exists()


@pytest.mark.django_db
def test_a_code_that_is_not_six_digits_is_refused_with_a_message(client, staff_member, two_factor_on):
    sign_in(client, staff_member)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": "12ab"})
    assert "The code must be 6 digits" in response.content.decode()


@pytest.mark.django_db
def test_staff_with_a_device_enter_a_code_at_each_sign_in(client, staff_member, two_factor_on):
    device = TOTPDevice.objects.create(user=staff_member, name="phone", confirmed=True)
    response = sign_in(client, staff_member)
    assert response.url.startswith(reverse("accounts:two-factor-verify"))
    assert client.get(reverse("staff-dashboard")).status_code == 302  # not yet verified
    wrong = client.post(reverse("accounts:two-factor-verify"), {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    # django-otp throttles after a failure: wait out the first back-off before the right code.
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()
    right = client.post(reverse("accounts:two-factor-verify"), {"code": current_code(device)})
    assert right.status_code == 302
    assert client.get(reverse("staff-dashboard")).status_code == 200


@pytest.mark.django_db
def test_repeated_wrong_codes_are_throttled(client, staff_member, two_factor_on):
    device = TOTPDevice.objects.create(user=staff_member, name="phone", confirmed=True)
    sign_in(client, staff_member)
    for _attempt in range(3):
        client.post(reverse("accounts:two-factor-verify"), {"code": "000000"})
    # Even the right code is refused while the device is throttled.
    client.post(reverse("accounts:two-factor-verify"), {"code": current_code(device)})
    assert client.get(reverse("staff-dashboard")).status_code == 302


@pytest.mark.django_db
def test_participants_have_no_second_factor_pages(client, participant, two_factor_on):
    client.force_login(participant)
    assert client.get(reverse("accounts:two-factor-setup")).status_code == 403


@pytest.mark.django_db
def test_participants_sign_in_without_a_second_factor(client, participant, two_factor_on):
    response = sign_in(client, participant)
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_the_next_address_must_be_on_this_site(client, staff_member, two_factor_on):
    sign_in(client, staff_member)
    device = TOTPDevice.objects.get_or_create(user=staff_member, confirmed=False, defaults={"name": "x"})[0]
    response = client.post(
        reverse("accounts:two-factor-setup"), {"code": current_code(device), "next": "https://evil.example.com/"}
    )
    assert response.url == reverse("staff-dashboard")
