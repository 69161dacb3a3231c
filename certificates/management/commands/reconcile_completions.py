"""Repair what a crash or a race left behind: placements that meet the
completion rule but are still confirmed are completed (or failed), and
completed placements that never had a certificate get one. Safe to run again
and on a schedule: a second run finds nothing to do.

A completed placement whose certificate was revoked is left alone: revoking is
deliberate, and a correction is issued by hand."""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q, Sum
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from placements import services as placement_services
from placements.models import HourLog, Placement


class Command(BaseCommand):
    help = "Complete placements that meet the rule but were left confirmed, and certify completed ones without one."

    def handle(self, *args, **options):
        started = timezone.now()
        left_behind = set(placement_services.left_behind().values_list("pk", flat=True))
        uncertified = set(self.uncertified().values_list("pk", flat=True))

        settled = placement_services.reconcile_completions()
        completed = Placement.objects.filter(
            pk__in=left_behind, status=Placement.Status.COMPLETED, completed_at__gte=started
        ).count()
        self.stdout.write(
            f"Placements left behind that met the completion rule: {settled} "
            f"({completed} completed, {settled - completed} not passed)."
        )

        refused = []
        for placement in self.uncertified():
            try:
                services.issue_for_placement(placement, placement.approved or Decimal(0))
            except services.CertificateRefused as refusal:
                refused.append(placement)
                self.stderr.write(f"Placement {placement.pk} ({placement.trainee.name}): {refusal.message}")
        # Counted from the certificates themselves: those of the placements
        # completed above may have been issued on the completion signal.
        issued = Certificate.objects.filter(placement__in=left_behind | uncertified, issued_at__gte=started).count()
        self.stdout.write(self.style.SUCCESS(f"Internship certificates issued: {issued}."))
        if refused:
            raise CommandError(f"{len(refused)} certificates could not be issued; see above.")

    @staticmethod
    def uncertified():
        """Completed placements that never had a certificate, live or revoked."""
        certified = Certificate.objects.filter(placement__isnull=False).values("placement")
        return (
            Placement.objects.filter(status=Placement.Status.COMPLETED)
            .exclude(pk__in=certified)
            .select_related("trainee", "position__base__sub_district", "round")
            .annotate(approved=Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED)))
            .order_by("pk")
        )
