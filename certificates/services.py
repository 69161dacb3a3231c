"""Issuing and revoking certificates.

Serials are sequential per kind and year and gap-free: a number is taken from
the locked `SerialCounter` row in the same transaction that stores the
certificate, so a failure rolls the number back with everything else. The PDF
is written to storage before the row, and removed again if the row is not
saved, so no certificate row exists without its PDF.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import pdf
from certificates.models import Certificate, SerialCounter

BATCH_CHUNK = 20


class CertificateRefused(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Source:
    """What a certificate is for, independent of where it comes from."""

    kind: str
    holder: object
    title: str
    hours: object
    issuing_base: str
    start_date: object
    end_date: object
    enrollment: object = None
    placement: object = None

    def lookup(self) -> dict:
        return {"enrollment": self.enrollment} if self.enrollment is not None else {"placement": self.placement}


def source_for_enrollment(enrollment) -> Source:
    if enrollment.status != enrollment.Status.COMPLETED:
        raise CertificateRefused(_("Only a completed course earns a certificate."), code="not_completed")
    session = enrollment.session
    return Source(
        kind=Certificate.Kind.COURSE,
        holder=enrollment.trainee,
        title=session.course.title,
        hours=session.course.hours,
        issuing_base=session.course.base.name,
        start_date=session.start_date,
        end_date=session.end_date,
        enrollment=enrollment,
    )


def source_for_placement(placement, approved_hours) -> Source:
    if placement.status != placement.Status.COMPLETED:
        raise CertificateRefused(_("Only a completed internship earns a certificate."), code="not_completed")
    return Source(
        kind=Certificate.Kind.INTERNSHIP,
        holder=placement.trainee,
        title=placement.position.title,
        hours=approved_hours,
        issuing_base=placement.position.base.name,
        start_date=placement.round.internship_start,
        end_date=placement.round.internship_end,
        placement=placement,
    )


def holder_language(holder) -> str:
    """The holder's chosen language: English only when they asked for it."""
    return "en" if holder.preferred_language == "en" else "zh-hans"


def _data(source: Source, certificate: Certificate, issued_at) -> pdf.CertificateData:
    return pdf.CertificateData(
        serial=certificate.serial,
        kind=source.kind,
        holder_name=source.holder.name,
        title=source.title,
        hours=source.hours,
        issuing_base=source.issuing_base,
        start_date=source.start_date,
        end_date=source.end_date,
        issued_on=timezone.localtime(issued_at).date(),
        verify_url=certificate.get_verify_url(),
        language=certificate.language,
    )


def live_certificates(sources: list[Source]) -> dict[int, Certificate]:
    """The live certificate of each source that has one, keyed by id(source), in two queries."""
    enrollments = {s.enrollment.pk: s for s in sources if s.enrollment is not None}
    placements = {s.placement.pk: s for s in sources if s.placement is not None}
    found = {}
    live = Certificate.objects.live()
    for certificate in live.filter(enrollment__in=enrollments) if enrollments else []:
        found[id(enrollments[certificate.enrollment_id])] = certificate
    for certificate in live.filter(placement__in=placements) if placements else []:
        found[id(placements[certificate.placement_id])] = certificate
    return found


@transaction.atomic
def issue(sources: list[Source]) -> list[Certificate]:
    """Issue one certificate per source that has none yet (idempotent), all in
    one transaction, rendering the PDFs on every core. Returns the sources'
    certificates, new or existing, in order."""
    issued_at = timezone.now()
    year = timezone.localtime(issued_at).year
    # Lock the counters first (in a fixed order), then look for certificates
    # already issued: a concurrent issuer of the same source has committed by
    # the time we hold the lock, so it is found instead of duplicated.
    counters = {}
    for kind in sorted({s.kind for s in sources}):
        SerialCounter.objects.get_or_create(kind=kind, year=year)
        counters[kind] = SerialCounter.objects.select_for_update().get(kind=kind, year=year)
    existing = live_certificates(sources)
    pending = [s for s in sources if id(s) not in existing]
    new = {}
    for source in pending:
        counter = counters[source.kind]
        counter.last += 1
        new[id(source)] = _new_certificate(source, year, counter.last, issued_at)
    for counter in counters.values():
        counter.save(update_fields=["last"])
    contents = pdf.render_many([_data(s, new[id(s)], issued_at) for s in pending])
    stored = []
    try:
        for source, content in zip(pending, contents, strict=True):
            certificate = new[id(source)]
            certificate.pdf_sha256 = pdf.sha256(content)
            certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(content), save=False)
            stored.append(certificate.pdf.name)
            certificate.save()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return [existing.get(id(s)) or new[id(s)] for s in sources]


def _new_certificate(source: Source, year: int, sequence: int, issued_at) -> Certificate:
    return Certificate(
        serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-{Certificate.SERIAL_LETTERS[source.kind]}-{sequence:06d}",
        kind=source.kind,
        year=year,
        sequence=sequence,
        holder=source.holder,
        title=source.title,
        hours=source.hours,
        issuing_base=source.issuing_base,
        start_date=source.start_date,
        end_date=source.end_date,
        issued_at=issued_at,
        language=holder_language(source.holder),
        enrollment=source.enrollment,
        placement=source.placement,
    )


def issue_for_enrollment(enrollment) -> Certificate:
    return issue([source_for_enrollment(enrollment)])[0]


def issue_for_placement(placement, approved_hours) -> Certificate:
    return issue([source_for_placement(placement, approved_hours)])[0]


def issue_in_chunks(sources: list[Source], *, progress: Callable[[int, int], None] | None = None) -> int:
    """Issue a whole session's or round's certificates, one transaction per chunk,
    so an interrupted batch keeps what it finished and a rerun carries on."""
    done = 0
    for start in range(0, len(sources), BATCH_CHUNK):
        chunk = sources[start : start + BATCH_CHUNK]
        issue(chunk)
        done += len(chunk)
        if progress:
            progress(done, len(sources))
    return done


@transaction.atomic
def revoke(*, certificate: Certificate, reason: str, by) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise CertificateRefused(_("This certificate is already revoked."), code="already_revoked")
    if not reason.strip():
        raise CertificateRefused(_("Give the reason for revoking."), code="reason_required")
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason.strip()
    certificate.revoked_by = by
    certificate.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    return certificate
