"""Issuing and revoking certificates.

Serials are sequential per kind and year and gap-free: a number is taken from
the locked `SerialCounter` row in the same transaction that stores the
certificate, so a failure rolls the number back with everything else. The PDF
is written to storage before the row, and removed again if the row is not
saved, so no certificate row exists without its PDF. A process killed between
the two (a worker stopped with SIGKILL) cannot remove it: the PDF left under
a serial that was rolled back is replaced when that serial is issued again.

A certificate is an official document: before one is issued, `check` refuses
it if a character of what it prints has no glyph in the certificate's fonts
(it would print as an empty box) or if it would state a completion before the
training ended. `issue` is all or nothing; the batch paths (`issue_in_chunks`,
`issue_chunk`, and certificates.batches on the task queue) issue the others and
report the refused ones.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from certificates import fonts, notices, pdf
from certificates.models import Certificate, CertificateIssuer, SerialCounter
from certificates.seal import data_uri
from placements.services import completed_placements
from training.models import Enrollment

logger = logging.getLogger(__name__)


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
    completed_on: datetime.date | None = None

    def lookup(self) -> dict:
        return {"enrollment": self.enrollment} if self.enrollment is not None else {"placement": self.placement}


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def session_sources(session) -> list[Source]:
    """What a finished session's certificates are for: its completed enrolments."""
    completed = session.enrollments.filter(status=Enrollment.Status.COMPLETED).select_related(
        "trainee", "session__course__base"
    )
    return [source_for_enrollment(enrollment) for enrollment in completed.order_by("pk")]


def round_sources(round, *, positions=None) -> list[Source]:
    """What a round's certificates are for: its completed placements (at `positions` when given)."""
    return [source_for_placement(p, p.approved or 0) for p in completed_placements(round, positions=positions)]


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
        completed_on=_local_date(enrollment.finished_at),
    )


def source_for_placement(placement, approved_hours) -> Source:
    if placement.status != placement.Status.COMPLETED:
        raise CertificateRefused(_("Only a completed internship earns a certificate."), code="not_completed")
    completed_on = _local_date(placement.completed_at)
    end_date = placement.round.internship_end
    if completed_on is not None and placement.round.internship_start <= completed_on < end_date:
        # Completed early (hours and evaluations in): the internship ended that day.
        end_date = completed_on
    return Source(
        kind=Certificate.Kind.INTERNSHIP,
        holder=placement.trainee,
        title=placement.position.title,
        hours=approved_hours,
        issuing_base=placement.position.base.name,
        start_date=placement.round.internship_start,
        end_date=end_date,
        placement=placement,
        completed_on=completed_on,
    )


@dataclass(frozen=True)
class Issuer:
    """The issuer as certificates print it now: a name per language, the seal inline."""

    names: dict[str, str]
    seal: str

    @classmethod
    def current(cls, *, with_seal: bool = True) -> "Issuer":
        row = CertificateIssuer.current()
        seal = ""
        if with_seal and row.seal:
            with row.seal.open("rb") as content:
                seal = data_uri(content.read())
        return cls(names={code: row.name_for(code) for code, _name in settings.LANGUAGES}, seal=seal)

    def name_for(self, language: str) -> str:
        return self.names.get(language) or self.names[settings.LANGUAGE_CODE]


def check(source: Source, issuer: Issuer) -> CertificateRefused | None:
    """Why this certificate may not be issued, or None."""
    if source.enrollment is not None and source.completed_on is not None and source.completed_on < source.end_date:
        return CertificateRefused(
            _("The course was recorded as completed on %(completed)s, before the session ended on %(end)s.")
            % {
                "completed": formats.date_format(source.completed_on),
                "end": formats.date_format(source.end_date),
            },
            code="completed_before_end",
        )
    printed = [
        (_("The holder's name"), source.holder.name),
        (_("The title"), source.title),
        (_("The issuing base"), source.issuing_base),
        (_("The issuer's name"), issuer.name_for(holder_language(source.holder))),
    ]
    for field, text in printed:
        if message := fonts.unprintable_message(field, text):
            return CertificateRefused(message, code="missing_glyph")
    return None


def holder_language(holder) -> str:
    """The holder's chosen language: English only when they asked for it."""
    return "en" if holder.preferred_language == "en" else "zh-hans"


def _data(certificate: Certificate, issuer: Issuer) -> pdf.CertificateData:
    return pdf.CertificateData(
        serial=certificate.serial,
        kind=certificate.kind,
        holder_name=certificate.holder_name,
        title=certificate.title,
        hours=certificate.hours,
        issuing_base=certificate.issuing_base,
        start_date=certificate.start_date,
        end_date=certificate.end_date,
        issued_on=timezone.localdate(certificate.issued_at),
        verify_url=certificate.get_verify_url(),
        language=certificate.language,
        verification_code=certificate.verification_code,
        completed_on=certificate.completed_on,
        issuer_name=issuer.name_for(certificate.language),
        seal=issuer.seal,
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


def issue(sources: list[Source]) -> list[Certificate]:
    """Issue one certificate per source that has none yet (idempotent), all in
    one transaction, rendering the PDFs on every core. Returns the sources'
    certificates, new or existing, in order. All or nothing: if any of them is
    refused (`check`), nothing is issued and the first refusal is raised."""
    certificates, _refused = _issue(sources, skip_refused=False)
    return [certificates[id(s)] for s in sources]


@transaction.atomic
def _issue(
    sources: list[Source], *, skip_refused: bool
) -> tuple[dict[int, Certificate], list[tuple[Source, CertificateRefused]]]:
    """The certificates of `sources` keyed by id(source), and the refused
    sources with their refusals (only when `skip_refused`; else the first
    refusal is raised)."""
    fonts.covered()  # read the fonts once, before holding any lock
    issuer = Issuer.current()
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
    refused = []
    pending = []
    for source in sources:
        if id(source) in existing:
            continue
        if (refusal := check(source, issuer)) is not None:
            if not skip_refused:
                raise refusal
            refused.append((source, refusal))
        else:
            pending.append(source)
    new = {}
    for source in pending:
        counter = counters[source.kind]
        counter.last += 1
        new[id(source)] = _new_certificate(source, year, counter.last, issued_at)
    for counter in counters.values():
        counter.save(update_fields=["last"])
    contents = pdf.render_many([_data(new[id(s)], issuer) for s in pending])
    stored = []
    try:
        for source, content in zip(pending, contents, strict=True):
            certificate = new[id(source)]
            certificate.pdf_sha256 = pdf.sha256(content)
            _remove_orphan(certificate)
            certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(content), save=False)
            stored.append(certificate.pdf.name)
            certificate.save()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    notices.issued([new[id(s)] for s in pending])
    return {**existing, **new}, refused


def _remove_orphan(certificate: Certificate) -> None:
    """Remove the PDF that an attempt killed before it committed left under this
    certificate's serial. The serial is ours (its counter is locked) and no
    row holds the file, so nothing else can own it."""
    name = certificate.pdf.field.generate_filename(certificate, f"{certificate.serial}.pdf")
    storage = certificate.pdf.storage
    if storage.exists(name) and not Certificate.objects.filter(pdf=name).exists():
        logger.warning("Removing %s, left behind by an issuance that did not commit", name)
        storage.delete(name)


def _new_certificate(source: Source, year: int, sequence: int, issued_at) -> Certificate:
    return Certificate(
        serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-{Certificate.SERIAL_LETTERS[source.kind]}-{sequence:06d}",
        kind=source.kind,
        year=year,
        sequence=sequence,
        holder=source.holder,
        holder_name=source.holder.name,
        title=source.title,
        hours=source.hours,
        issuing_base=source.issuing_base,
        start_date=source.start_date,
        end_date=source.end_date,
        completed_on=source.completed_on,
        issued_at=issued_at,
        language=holder_language(source.holder),
        enrollment=source.enrollment,
        placement=source.placement,
    )


def issue_for_enrollment(enrollment) -> Certificate:
    return issue([source_for_enrollment(enrollment)])[0]


def issue_for_placement(placement, approved_hours) -> Certificate:
    return issue([source_for_placement(placement, approved_hours)])[0]


def issue_in_chunks(
    sources: list[Source],
    *,
    progress: Callable[[int, int], None] | None = None,
    on_refused: Callable[[Source, CertificateRefused], None] | None = None,
) -> int:
    """Issue a whole session's or round's certificates, one transaction per chunk,
    so an interrupted batch keeps what it finished and a rerun carries on.
    Refused sources (see `check`) are skipped and passed to `on_refused`; the
    others are issued. Returns how many certificates are in place."""
    in_place = 0
    size = settings.CERTIFICATE_BATCH_CHUNK
    for start in range(0, len(sources), size):
        certificates, refused = _issue(sources[start : start + size], skip_refused=True)
        in_place += len(certificates)
        for source, refusal in refused:
            logger.warning("Certificate not issued for %s (%s): %s", source.holder.name, source.title, refusal.message)
            if on_refused:
                on_refused(source, refusal)
        if progress:
            progress(min(start + size, len(sources)), len(sources))
    return in_place


@dataclass(frozen=True)
class BatchProgress:
    done: int  # sources with a live certificate
    total: int
    refused: list[tuple[Source, CertificateRefused]]
    issuable: list[Source]  # neither done nor refused


def batch_progress(sources: list[Source]) -> BatchProgress:
    live = live_certificates(sources)
    issuer = Issuer.current(with_seal=False)  # the check needs the names only
    refused, issuable = [], []
    for source in sources:
        if id(source) in live:
            continue
        if (refusal := check(source, issuer)) is not None:
            refused.append((source, refusal))
        else:
            issuable.append(source)
    return BatchProgress(done=len(live), total=len(sources), refused=refused, issuable=issuable)


def issue_chunk(sources: list[Source]) -> tuple[int, list[tuple[Source, CertificateRefused]]]:
    """One chunk of a batch, in one transaction: how many of `sources` have
    their certificate once it commits, and the refused ones."""
    certificates, refused = _issue(sources, skip_refused=True)
    return len(certificates), refused


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
    notices.revoked(certificate)
    return certificate
