from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingBaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TrainingBaseQuerySet":
        if user.is_administrator:
            return self
        return self.filter(coordinators=user)


class TrainingBase(models.Model):
    """A research and training base (科研培训基地): a university or the Party school."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        PARTY_SCHOOL = "party_school", _("Party school")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_training_bases",
    )

    objects = TrainingBaseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")

    def __str__(self):
        return self.name
