"""What the certificates app does when apps to its left announce an event.
Connected in CertificatesConfig.ready()."""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django_tasks import task

from certificates import services
from certificates.models import Certificate
from placements.models import HourLog, Placement

logger = logging.getLogger(__name__)


def issue_internship_certificate(sender, *, placement: Placement, approved_hours, **kwargs) -> None:
    """A completed internship earns its certificate, rendered by a worker: the
    task is queued once the completion has committed (the signal is sent after
    it), so the request that completed the placement does not wait for a PDF."""
    transaction.on_commit(lambda: internship_certificate.enqueue(placement.pk))


@task
def internship_certificate(placement_pk: int) -> str | None:
    """Issue the certificate of a completed placement; returns its serial.

    Idempotent: a placement that has a certificate, live or revoked, gets no
    other (a correction is issued by hand; issuing also skips a live one under
    the serial lock, so two runs at once issue one). A failure (a name the
    fonts cannot print, a full disk) is logged, leaves the completion standing,
    and `manage.py reconcile_completions` issues what is missing once the cause
    is fixed."""
    # Loaded again: the certificate states what is stored, with the hours approved now.
    placement = (
        Placement.objects.select_related("trainee", "position__base__sub_district", "round")
        .annotate(approved=Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED)))
        .filter(pk=placement_pk)
        .first()
    )
    if placement is None or placement.status != Placement.Status.COMPLETED:
        return None
    existing = Certificate.objects.filter(placement=placement).order_by("-issued_at").first()
    if existing is not None:
        return existing.serial
    try:
        return services.issue_for_placement(placement, placement.approved or Decimal(0)).serial
    except services.CertificateRefused as refusal:
        logger.error("Could not issue the certificate of completed placement %s: %s", placement.pk, refusal.message)
        return None
