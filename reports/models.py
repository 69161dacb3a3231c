from django.db import models
from django.utils.translation import gettext_lazy as _


class Summary(models.Model):
    """A dashboard's figures, computed in the background (reports.summaries) so
    that no page aggregates millions of rows while someone waits."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    data = models.JSONField(_("figures"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # Set by any change to the rows the figures count; cleared when a refresh starts.
    stale = models.BooleanField(_("stale"), default=True)
    requested_at = models.DateTimeField(_("refresh requested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")

    def __str__(self):
        return self.key
