from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Message.State.PENDING)

    def due_at(self, moment):
        """Ready to be claimed for sending: pending and due, or claimed by a worker that stopped
        (died or was killed) before it handed the message to the mail server, once its lease has
        run out: the mail server cannot have it, so sending it is no copy."""
        return self.filter(
            models.Q(state=Message.State.PENDING, due_at__lte=moment)
            | models.Q(state=Message.State.SENDING, claimed_until__lte=moment, handed_over_at__isnull=True)
        )

    def handover_lapsed_at(self, moment):
        """Handed to the mail server by a worker that stopped before it recorded the answer, and
        whose lease has run out: the mail server may or may not have the message."""
        return self.filter(state=Message.State.SENDING, claimed_until__lte=moment, handed_over_at__isnull=False)

    def unclaimed_due_at(self, moment):
        """Due, with no task queued for it or sending it right now: what the sweep dispatches."""
        return self.due_at(moment).exclude(state=Message.State.PENDING, claimed_until__gt=moment)

    def settled_before(self, moment):
        """Messages the outbox was done with before ``moment``: sent then, or written then and failed
        or of uncertain delivery (administrators have had the retention period to send them again)."""
        gave_up = [Message.State.FAILED, Message.State.UNCERTAIN]
        return self.filter(
            models.Q(state=Message.State.SENT, sent_at__lt=moment) | models.Q(state__in=gave_up, created_at__lt=moment)
        )


class Message(models.Model):
    """One e-mail to send: written in the same transaction as what caused it, sent once by a task.

    ``template`` names a kind of message as ``<app>/<name>``, with three files in the owning app's
    templates under <app>/email/<name>/: subject.txt, body.txt and body.html. ``dedupe_key`` makes
    "one e-mail per person per event" a database rule: a job that runs twice queues nothing the
    second time.

    ``claimed_until`` is a lease. On a pending row it means a task for it is already queued, so
    the sweep does not queue another before then; on a sending row it means a worker is talking
    to the mail server, and once the lease runs out with no result recorded the row is due again,
    unless ``handed_over_at`` says the worker had begun handing the message over. Then the mail
    server may have it, and the row becomes "delivery uncertain" for an administrator to look at
    and send again deliberately: never a copy sent by itself, never a message silently dropped.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Delivery uncertain")

    recipient = models.EmailField()
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    due_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Set, and committed, just before the message goes to the mail server; cleared by each claim.
    handed_over_at = models.DateTimeField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=~models.Q(state="sending") | models.Q(claimed_until__isnull=False),
                name="message_sending_has_lease",
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.recipient} ({self.get_state_display()})"


class Attachment(models.Model):
    """A file sent with a message (a calendar invitation), stored with it so every try sends the same
    bytes. ``content_type`` is the whole MIME type with its parameters ("text/calendar; method=REQUEST").
    It goes when the message is sent, as the message's context does."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.filename
