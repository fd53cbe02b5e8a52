from django.conf import settings

from accounts.roles import capabilities


def portal(request):
    """What every page needs: the service's name and what the signed-in user may do."""
    return {
        "service_name": settings.OTP_TOTP_ISSUER,
        "can": capabilities(getattr(request, "user", None)),
    }
