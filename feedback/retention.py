"""How long the portal keeps a family's contact details after their case closed.

They are held for one purpose: to send the closure letter and, perhaps, to telephone. Once the
letter's codes have long expired and the quarter's calls are done, the name, address, phone number,
e-mail address and best times to call go; the case itself stays (team, dates, closure reason, format,
age band) so its feedback and the reports' counts are unchanged.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import ClosedCase

logger = logging.getLogger(__name__)

# What a case's contact name reads once its details are removed.
CONTACT_REMOVED = "Contact details removed"


def case_contacts_retention_apply(*, moment: datetime) -> int:
    """Remove the contact details of cases closed more than FEEDBACK_CASE_CONTACT_RETENTION_DAYS ago;
    the number of cases changed. Safe to repeat, and two runs at once change each case once."""
    cutoff = timezone.localdate(moment) - timedelta(days=settings.FEEDBACK_CASE_CONTACT_RETENTION_DAYS)
    removed = (
        ClosedCase.objects.filter(closed_on__lt=cutoff)
        .exclude(contact_name=CONTACT_REMOVED)
        .update(contact_name=CONTACT_REMOVED, address="", phone="", email="", preferred_times="", updated_at=moment)
    )
    if removed:
        logger.info("Retention: removed the contact details of %s closed cases", removed)
    return removed
