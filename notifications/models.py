from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Message.State.PENDING)

    def due_at(self, moment):
        return self.pending().filter(due_at__lte=moment)

    def sent_before(self, moment):
        return self.filter(state=Message.State.SENT, sent_at__lt=moment)


class Message(models.Model):
    """One e-mail to send: written in the same transaction as what caused it, sent once by a task.

    ``template`` names a kind of message with three files under notifications/email/<template>/:
    subject.txt, body.txt and body.html. ``dedupe_key`` makes "one e-mail per person per event"
    a database rule: a job that runs twice queues nothing the second time.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.EmailField()
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    due_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "due_at"], name="message_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="message_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.recipient} ({self.get_state_display()})"
