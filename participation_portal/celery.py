"""The Celery application and its beat schedule.

The database is the record and Celery only does the work: anything that must happen later is a
row with a due time and a state, and periodic sweeps dispatch what is due, so a broker that was
down delays work but never loses it.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")

app = Celery("participation_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    accept_content=["json"],
    task_serializer="json",
    result_serializer="json",
    task_ignore_result=True,
    # A task is acknowledged only when done, and a worker holds one at a time, so a worker that
    # dies hands its task to another rather than losing it.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    # Publishing happens after a request's commit: give up quickly and leave the row to the sweep.
    broker_connection_timeout=3,
    task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
    timezone="Europe/London",
    enable_utc=True,
)
app.autodiscover_tasks()

DAILY_AT = {"hour": 6, "minute": 0}  # before the office day, so letters and reminders are ready

app.conf.beat_schedule = {
    # Every minute: send any e-mail that is due and still pending (the outbox's safety net).
    "outbox-sweep": {"task": "notifications.sweep", "schedule": 60.0},
    # Daily jobs.
    "closed-case-letters": {"task": "feedback.letters_send", "schedule": crontab(**DAILY_AT)},
    "consultation-notices": {"task": "consultations.notices_send", "schedule": crontab(hour=7, minute=0)},
    "session-reminders": {"task": "coproduction.session_reminders_send", "schedule": crontab(hour=7, minute=15)},
    "overdue-action-reminders": {"task": "coproduction.action_reminders_send", "schedule": crontab(hour=7, minute=30)},
    "follow-up-call-reminders": {"task": "feedback.call_reminders_send", "schedule": crontab(hour=7, minute=45)},
    "retention-accounts": {"task": "accounts.retention_apply", "schedule": crontab(hour=2, minute=0)},
    "retention-outbox": {"task": "notifications.retention_apply", "schedule": crontab(hour=2, minute=15)},
    "retention-consultations": {"task": "consultations.retention_apply", "schedule": crontab(hour=2, minute=30)},
    "retention-feedback": {"task": "feedback.retention_apply", "schedule": crontab(hour=2, minute=45)},
    # Quarterly: the follow-up sample for the quarter just ended (1 January, April, July, October).
    "follow-up-sample-quarterly": {
        "task": "feedback.follow_up_sample_draw",
        "schedule": crontab(hour=3, minute=0, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Six-monthly: theme reports for the financial half-year just ended (1 April and 1 October).
    "theme-reports-six-monthly": {
        "task": "feedback.theme_reports_build",
        "schedule": crontab(hour=4, minute=0, day_of_month=1, month_of_year="4,10"),
    },
    # The same two jobs again every day: each builds only a closed period that has nothing yet,
    # so a tick the scheduler missed (beat down on the 1st) is caught up the next morning.
    "follow-up-sample-catch-up": {"task": "feedback.follow_up_sample_draw", "schedule": crontab(hour=3, minute=30)},
    "theme-reports-catch-up": {"task": "feedback.theme_reports_build", "schedule": crontab(hour=4, minute=30)},
}
