"""Certificates' notifications: issued, and revoked (mandatory: the holder
must know that a document they may have handed on is no longer valid).
Registered from CertificatesConfig.ready()."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate
from notifications.kinds import Kind, register
from notifications.services import Item, notify_many

ISSUED = "certificates.issued"
REVOKED = "certificates.revoked"


def register_kinds() -> None:
    register(Kind(code=ISSUED, label=_("Certificate issued"), template="certificates/notifications/issued"))
    register(
        Kind(
            code=REVOKED,
            label=_("Certificate revoked"),
            template="certificates/notifications/revoked",
            mandatory=True,
        )
    )


def _context(certificate: Certificate) -> dict:
    return {
        "title": certificate.title,
        "serial": certificate.serial,
        "hours": certificate.hours,
        "issuing_base": certificate.issuing_base,
        "verify_url": settings.SITE_BASE_URL + reverse("certificates:verify", args=[certificate.verification_code]),
    }


def issued(certificates: list[Certificate]) -> None:
    """The holders of newly issued certificates (a batch is written set-based)."""
    link = reverse("talent:my-profile")
    notify_many(
        kind=ISSUED,
        items=[Item(c.holder, _context(c), link, f"certificate:{c.serial}") for c in certificates],
    )


def revoked(certificate: Certificate) -> None:
    notify_many(
        kind=REVOKED,
        items=[
            Item(
                certificate.holder,
                {**_context(certificate), "reason": certificate.revocation_reason},
                reverse("talent:my-profile"),
                f"certificate:{certificate.serial}",
            )
        ],
    )
