from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the administrator dashboard counts (reports.figures): a change to any
# of these marks its summaries stale.
COUNTED_MODELS = [
    "talent.Practitioner",
    "talent.SubDistrict",
    "talent.LearningRecord",
    "training.TrainingBase",
    "training.Course",
    "training.CourseSession",
    "training.Enrollment",
    "placements.PracticeBase",
    "placements.PlacementRound",
    "placements.Position",
    "placements.Placement",
    "certificates.Certificate",
]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from reports import summaries

        for label in COUNTED_MODELS:
            model = apps.get_model(label)
            post_save.connect(summaries.mark_stale, sender=model, dispatch_uid=f"summary-stale-save-{label}")
            post_delete.connect(summaries.mark_stale, sender=model, dispatch_uid=f"summary-stale-delete-{label}")
