from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from certificates.models import Certificate
        from placements.models import Evaluation, HourLog, Placement
        from talent import history
        from training.models import Enrollment

        # What a practitioner's history shows besides their own record.
        history.add_related_records(Enrollment, "trainee")
        history.add_related_records(Placement, "trainee")
        history.add_related_records(HourLog, "placement__trainee")
        history.add_related_records(Evaluation, "placement__trainee")
        history.add_related_records(Certificate, "holder")
