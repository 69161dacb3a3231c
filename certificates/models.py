import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certificates import codes
from certificates.seal import validate_seal
from talent.models import Practitioner


def new_verification_code() -> str:
    # Named in migration 0001: certificates before these codes got
    # secrets.token_urlsafe(16), and still verify by exact match.
    return codes.new_code()


class CertificateQuerySet(models.QuerySet):
    def live(self) -> "CertificateQuerySet":
        return self.filter(revoked_at__isnull=True)

    def visible_to(self, user) -> "CertificateQuerySet":
        """The holder's own, those of the bases a coordinator runs, all for administrators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        return self.filter(
            Q(holder__user=user)
            | Q(enrollment__session__course__base__coordinators=user)
            | Q(placement__position__base__coordinators=user)
        ).distinct()

    def with_code(self, typed: str) -> "Certificate | None":
        """The certificate whose verification code someone typed (or scanned)."""
        found = codes.candidates(typed)
        if not found:
            return None
        return self.select_related("holder").filter(verification_code__in=found).first()

    def with_serial_and_name(self, *, serial: str, name: str) -> "Certificate | None":
        """The certificate with this serial (any case) whose holder's printed
        name is exactly `name`. Any mismatch is None, like an unknown serial:
        serials are sequential, and must not be enumerable into names."""
        certificate = self.select_related("holder").filter(serial__iexact=serial.strip()).first()
        if certificate is None:
            return None
        if unicodedata.normalize("NFC", certificate.holder_name.strip()) != unicodedata.normalize("NFC", name.strip()):
            return None
        return certificate


class Certificate(models.Model):
    """A completion certificate. Immutable once issued: a correction is a
    revocation plus a new certificate."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completion")
        INTERNSHIP = "internship", _("Internship completion")

    SERIAL_LETTERS = {Kind.COURSE: "T", Kind.INTERNSHIP: "P"}

    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    holder = models.ForeignKey(
        Practitioner, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    # The name as printed: the holder may change their name later, the
    # certificate (and checking it by serial and name) does not.
    holder_name = models.CharField(_("holder's name"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    issuing_base = models.CharField(_("issuing base"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # Empty on certificates issued before it was recorded.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    verification_code = models.CharField(
        _("verification code"), max_length=43, unique=True, default=new_verification_code, editable=False
    )
    enrollment = models.ForeignKey(
        "training.Enrollment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    placement = models.ForeignKey(
        "placements.Placement",
        verbose_name=_("placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/")
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        # The dashboards and reports count certificates by when they were issued or revoked.
        indexes = [
            models.Index(fields=["issued_at"], name="certificate_issued_at_idx"),
            models.Index(
                fields=["revoked_at"], name="certificate_revoked_at_idx", condition=Q(revoked_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False, placement__isnull=True)
                | Q(enrollment__isnull=True, placement__isnull=False),
                name="certificate_has_exactly_one_source",
                violation_error_message=_("A certificate comes from exactly one enrolment or placement."),
            ),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(revoked_at__isnull=True, enrollment__isnull=False),
                name="one_live_certificate_per_enrollment",
            ),
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(revoked_at__isnull=True, placement__isnull=False),
                name="one_live_certificate_per_placement",
            ),
            models.UniqueConstraint(fields=["kind", "year", "sequence"], name="certificate_sequence_unique"),
            # No row without its PDF.
            models.CheckConstraint(condition=~Q(pdf=""), name="certificate_has_pdf"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return self.serial

    def get_absolute_url(self):
        return reverse("certificates:pdf", args=[self.serial])

    def get_verify_url(self) -> str:
        return settings.SITE_BASE_URL + reverse("certificates:verify", args=[self.verification_code])

    @property
    def printed_code(self) -> str:
        return codes.grouped(self.verification_code)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def masked_holder_name(self) -> str:
        return mask_name(self.holder_name)


def mask_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*: enough to recognise, not enough to harvest."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class SerialCounter(models.Model):
    """The last sequence number used per kind and year. Issuing locks this row,
    so serials are gap-free: a failed issuance rolls its number back."""

    kind = models.CharField(_("kind"), max_length=20, choices=Certificate.Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last sequence number"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="serial_counter_unique")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


class CertificateIssuer(models.Model):
    """Who issues the certificates, edited by administrators in the admin: one
    row. Certificates take the name and seal in force when they are issued."""

    name_zh = models.CharField(
        _("issuer's name in Chinese"),
        max_length=100,
        blank=True,
        help_text=_("Printed on Chinese certificates. Empty: the site's name."),
    )
    name_en = models.CharField(
        _("issuer's name in English"),
        max_length=100,
        blank=True,
        help_text=_("Printed on English certificates. Empty: the site's name."),
    )
    seal = models.FileField(
        _("seal"),
        upload_to="certificates/seal/",
        blank=True,
        validators=[validate_seal],
        help_text=_(
            "A PNG with a transparent background, at least 200 pixels wide, printed over the issuer's name. "
            "Certificates issued from now on carry it; those already issued stay as they are."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate issuer")
        verbose_name_plural = _("certificate issuer")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="certificate_issuer_single_row")]

    def __str__(self):
        return self.name_for(translation.get_language() or settings.LANGUAGE_CODE)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "CertificateIssuer":
        """The row, or its defaults (the site's name, no seal) before anyone saved it."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def name_for(self, language: str) -> str:
        name = self.name_en if language == "en" else self.name_zh
        if name.strip():
            return name.strip()
        with translation.override(language):
            return str(settings.SITE_NAME)


class CertificateBatch(models.Model):
    """The certificates of a finished session, or of a round's completed
    internships, issued in the background by a task (certificates.batches):
    the coordinator starts it and may close the page. Its progress is kept
    here, where the progress bar reads it; a batch that stopped (a worker
    killed, an error) carries on from where it stopped when started again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Issuing")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Stopped with an error")

    UNFINISHED = (Status.QUEUED, Status.RUNNING, Status.FAILED)

    # What the batch is for: "session:<id>", or "round:<id>:<hash of the positions>".
    scope = models.CharField(_("scope"), max_length=80)
    session = models.ForeignKey(
        "training.CourseSession",
        verbose_name=_("course session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    round = models.ForeignKey(
        "placements.PlacementRound",
        verbose_name=_("placement round"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The round's positions whose internships the batch certifies (those of its starter).
    positions = models.JSONField(_("positions"), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("completions"), default=0)
    done = models.PositiveIntegerField(_("certificates in place"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved on by the task after each chunk: a running batch whose heartbeat
    # stops has lost its worker.
    heartbeat = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, round__isnull=True) | Q(session__isnull=True, round__isnull=False),
                name="certificate_batch_has_one_target",
            ),
            # Starting a batch while one is unfinished carries that one on.
            models.UniqueConstraint(
                fields=["scope"],
                condition=Q(status__in=["queued", "running", "failed"]),
                name="one_unfinished_batch_per_scope",
            ),
        ]

    def __str__(self):
        return f"{self.session or self.round} ({self.get_status_display()})"
