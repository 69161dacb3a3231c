"""The annual assessment as an evaluation (年度考核评价): indicators with
weights per base kind, values computed from the data or entered with
evidence, reviewer comments, required fixes, and the administrator's
sign-off, which freezes the report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BaseKind(models.TextChoices):
    TRAINING = "training", _("Training base")
    PRACTICE = "practice", _("Practice base")


class Indicator(models.Model):
    """One line of the evaluation, set by administrators. A computed indicator
    takes its value from the data (`source` names the figure); an entered one
    is typed in with evidence, as is a computed one the data cannot give."""

    class Source(models.TextChoices):
        # Practice bases.
        POSITIONS_OFFERED = "positions_offered", _("Internship positions offered")
        PLACEMENT_FILL = "placement_fill", _("Placement fill (%)")
        HOURS_SUPERVISED = "hours_supervised", _("Hours supervised")
        MENTOR_SCORE = "mentor_score", _("Mean mentor score")
        TRAINEE_FEEDBACK = "trainee_feedback", _("Trainee feedback (1–5)")
        PROJECTS_HOSTED = "projects_hosted", _("Research projects hosted")
        # Training bases.
        SESSIONS = "sessions", _("Sessions run")
        COMPLETION_RATE = "completion_rate", _("Completion rate (%)")
        RESEARCH_OUTPUTS = "research_outputs", _("Research outputs")
        # Both.
        EXCHANGE_ACTIVITIES = "exchange_activities", _("Exchange activities")
        ENTERED = "entered", _("Entered with evidence")

    base_kind = models.CharField(_("base kind"), max_length=20, choices=BaseKind.choices)
    label = models.CharField(_("indicator"), max_length=100, blank=True, help_text=_("Empty: the name of its source."))
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=1)
    target = models.DecimalField(
        _("target"), max_digits=9, decimal_places=1, help_text=_("The value that earns the full weight.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["base_kind", "order", "pk"]
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
            models.CheckConstraint(condition=Q(target__gt=0), name="indicator_target_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.label or str(self.get_source_display())


class AssessmentReport(models.Model):
    """A base's evaluation for a year. Signed by an administrator, it keeps
    the snapshot it was signed with, whatever changes in the data later."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    base_kind = models.CharField(_("base kind"), max_length=20, choices=BaseKind.choices)
    base_id = models.PositiveIntegerField(_("base"))
    year = models.PositiveSmallIntegerField(_("year"))
    comments = models.TextField(_("reviewer comments"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, null=True, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "base_kind", "base_id"]
        verbose_name = _("assessment report")
        verbose_name_plural = _("assessment reports")
        constraints = [
            models.UniqueConstraint(fields=["base_kind", "base_id", "year"], name="one_assessment_per_base_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False, signed_at__isnull=False),
                name="signed_assessment_has_snapshot",
            ),
        ]

    def __str__(self):
        return f"{self.get_base_kind_display()} {self.base_id} {self.year}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class IndicatorEntry(models.Model):
    """A value typed in for an indicator the data cannot give, with its evidence."""

    report = models.ForeignKey(AssessmentReport, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="assessment/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("entered indicator value")
        verbose_name_plural = _("entered indicator values")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="one_entry_per_indicator")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class RequiredFix(models.Model):
    """A fix required of the base (整改事项), followed up in the next year's report."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    report = models.ForeignKey(AssessmentReport, on_delete=models.CASCADE, related_name="fixes")
    description = models.CharField(_("required fix"), max_length=300)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("required fix")
        verbose_name_plural = _("required fixes")

    def __str__(self):
        return self.description


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
