from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.utils.translation import gettext_lazy as _

from talent.models import Practitioner


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        """The notifications `user` may read: their own, nobody else's —
        including those their registry record received before it was linked
        to the account."""
        if not user.is_authenticated:
            return self.none()
        # The record as a scalar subquery: both halves use an index (user, practitioner).
        record = Practitioner.objects.filter(user=user).values("pk")[:1]
        return self.filter(Q(user=user) | Q(user__isnull=True, practitioner=Subquery(record)))

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person about one occasion: shown in the person's
    inbox (when they have an account) and delivered by email and SMS (one
    `Delivery` per channel). A person gets at most one notification of a kind
    for an occasion: calling `notify` again for it does nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    practitioner = models.ForeignKey(
        Practitioner,
        verbose_name=_("practitioner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=60)
    occasion = models.CharField(_("occasion"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    sms_text = models.TextField(_("SMS text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The call of notify() that made the row: it finds the rows it created
    # (and not those an earlier call made) after an INSERT that skips conflicts.
    batch = models.UUIDField(_("batch"), null=True, blank=True, editable=False, db_index=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_user_inbox_idx"),
            # notify() looks up who was told of an occasion already.
            models.Index(fields=["kind", "occasion"], name="notification_occasion_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(practitioner__isnull=False),
                name="notification_has_recipient",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "occasion"],
                condition=Q(user__isnull=False),
                name="notification_once_per_user_occasion",
            ),
            models.UniqueConstraint(
                fields=["practitioner", "kind", "occasion"],
                condition=Q(practitioner__isnull=False),
                name="notification_once_per_practitioner_occasion",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def absolute_link(self) -> str:
        if not self.link or "://" in self.link:
            return self.link
        return settings.SITE_BASE_URL + self.link


class Delivery(models.Model):
    """Sending one notification by one channel, with its retries."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("message ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
        ]
        permissions = [("retry_delivery", _("Can retry failed deliveries"))]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}"


class ChannelPreference(models.Model):
    """A person's choice of channels for one kind of notification. Without a
    row, every channel the person can be reached on is used. Mandatory kinds
    ignore the choice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=60)
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by SMS"), default=True)

    class Meta:
        verbose_name = _("notification channel choice")
        verbose_name_plural = _("notification channel choices")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="channel_preference_once_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.kind}"
