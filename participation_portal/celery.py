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
# The theme reports keep their tasks in their own package inside feedback.
app.autodiscover_tasks(["feedback.reports"])

# A beat entry exists only for a task that does something: co-production and closed-case feedback
# add theirs (reminders, letters, the quarterly sample, the six-monthly reports) with their work.
app.conf.beat_schedule = {
    # Every minute: queue any e-mail that is due and not already queued or being sent (the outbox's safety net).
    "outbox-sweep": {"task": "notifications.sweep", "schedule": 60.0},
    # Every five minutes: build Excel exports whose task was lost; delete those older than a day.
    "exports-sweep": {"task": "consultations.response_exports_sweep", "schedule": 300.0},
    # Every five minutes: build theme reports whose task was lost or whose worker stopped.
    "theme-reports-sweep": {"task": "feedback.theme_reports_sweep", "schedule": 300.0},
    # Daily jobs.
    "consultation-notices": {"task": "consultations.notices_send", "schedule": crontab(hour=7, minute=0)},
    "coproduction-session-reminders": {
        "task": "coproduction.session_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    "feedback-samples": {"task": "feedback.samples_draw", "schedule": crontab(hour=6, minute=30)},
    "feedback-call-reminders": {"task": "feedback.call_reminders_send", "schedule": crontab(hour=7, minute=30)},
    "feedback-letters": {"task": "feedback.letters_send", "schedule": crontab(hour=6, minute=0)},
    "retention-accounts": {"task": "accounts.retention_apply", "schedule": crontab(hour=2, minute=0)},
    "retention-audit-log": {"task": "accounts.audit_retention_apply", "schedule": crontab(hour=2, minute=5)},
    "retention-outbox": {"task": "notifications.retention_apply", "schedule": crontab(hour=2, minute=15)},
    "retention-consultations": {"task": "consultations.retention_apply", "schedule": crontab(hour=2, minute=30)},
    "retention-closed-cases": {"task": "feedback.retention_apply", "schedule": crontab(hour=2, minute=50)},
    "feedback-collate": {"task": "feedback.collate", "schedule": crontab(hour=3, minute=0)},
    "retention-coproduction": {"task": "coproduction.retention_apply", "schedule": crontab(hour=2, minute=45)},
    # Weekly jobs.
    "overdue-action-reminders": {
        "task": "coproduction.overdue_action_reminders_send",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
    # The suggestion model learns from the week's coding.
    "feedback-suggestion-model": {
        "task": "feedback.suggestion_model_train",
        "schedule": crontab(hour=3, minute=30, day_of_week="sunday"),
    },
    # The day after a period ends (and every day after, catching up a missed period or a lost build).
    "theme-reports": {"task": "feedback.theme_reports_build_due", "schedule": crontab(hour=5, minute=30)},
}
