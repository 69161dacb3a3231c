"""What the certificates app does when apps to its left announce an event.
Connected in CertificatesConfig.ready()."""

import logging

from certificates import services
from placements.models import Placement

logger = logging.getLogger(__name__)


def issue_internship_certificate(sender, *, placement: Placement, approved_hours, **kwargs) -> None:
    """A completed internship earns its certificate. Runs after the completion
    has committed: a failure (a name the fonts cannot print, a full disk) is
    logged and leaves the completion standing; `manage.py reconcile_completions`
    issues what is missing once the cause is fixed."""
    try:
        # Loaded again: the certificate states what is stored, not what the
        # completing call held in memory.
        placement = Placement.objects.select_related("trainee", "position__base__sub_district", "round").get(
            pk=placement.pk
        )
        if placement.status != Placement.Status.COMPLETED:
            return
        services.issue_for_placement(placement, approved_hours)
    except Exception:
        logger.exception("Could not issue the certificate of completed placement %s", placement.pk)
