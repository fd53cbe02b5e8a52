"""Recording that someone looked at personal data, in the same audit log that records its changes.

django-auditlog records changes by itself; a viewing is recorded by the service that shows the data,
in the same transaction as the read, so nobody sees personal details without a record of it. The
entry names the record and who looked, never the details themselves.
"""

from datetime import datetime

from auditlog.models import LogEntry
from django.db import models


def personal_data_viewed(*, record: models.Model, viewer, moment: datetime, described_as: str, **about) -> LogEntry:
    """One access entry: ``viewer`` saw the personal data of ``record`` at ``moment``."""
    return LogEntry.objects.log_create(
        record,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=viewer,
        actor_email=viewer.email,
        timestamp=moment,
        object_repr=described_as,
        additional_data=about,
    )
