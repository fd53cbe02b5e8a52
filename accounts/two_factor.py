"""Time-based one-time passwords (TOTP) for staff, through django-otp."""

import segno
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def has_confirmed_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def device_for_setup(user) -> TOTPDevice:
    """The unconfirmed device a user is setting up; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def setup_qr_code_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def setup_key_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for people who cannot scan the code."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def device_confirm(request, *, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with a first code, and count this sign-in as verified."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def verify(request, *, token: str) -> bool:
    """Check a code against the user's confirmed devices; each device throttles repeated failures."""
    for device in devices_for_user(request.user, confirmed=True):
        allowed, _detail = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            otp_login(request, device)
            return True
    return False
