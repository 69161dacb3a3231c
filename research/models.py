from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates import codes
from certificates.models import mask_name
from placements.models import PracticeBase
from talent.models import Organization, Practitioner
from training.models import Course, TrainingBase


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        """Administrators see all; the lead base's and partner bases'
        coordinators see the base's projects; members and the principal
        investigator see their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        seen = ResearchProject.objects.filter(
            Q(lead_base__coordinators=user)
            | Q(partner_bases__coordinators=user)
            | Q(members__practitioner__user=user)
            | Q(principal_user=user)
            | Q(principal_practitioner__user=user)
        )
        return self.filter(pk__in=seen.values("pk"))

    def managed_by(self, user) -> "ProjectQuerySet":
        """Projects `user` may change: the lead base's coordinators and administrators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        return self.filter(lead_base__coordinators=user)


class ResearchProject(models.Model):
    """A research project (科研课题) led by a training base with partner practice bases."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("In progress")
        CONCLUDED = "concluded", _("Concluded")
        TERMINATED = "terminated", _("Terminated")

    title = models.CharField(_("project title"), max_length=200)
    lead_base = models.ForeignKey(
        TrainingBase, verbose_name=_("lead training base"), on_delete=models.PROTECT, related_name="research_projects"
    )
    partner_bases = models.ManyToManyField(
        PracticeBase, verbose_name=_("partner practice bases"), blank=True, related_name="research_projects"
    )
    partner_organizations = models.ManyToManyField(
        Organization, verbose_name=_("partner organisations"), blank=True, related_name="research_projects"
    )
    principal_practitioner = models.ForeignKey(
        Practitioner,
        verbose_name=_("principal investigator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_research_projects",
    )
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("principal investigator (staff)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_research_projects",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    funding_source = models.CharField(_("source of funding"), max_length=200, blank=True)
    grant_amount = models.DecimalField(_("grant (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="research_project_ends_after_start",
                violation_error_message=_("The project ends after it starts."),
                violation_error_code="end_before_start",
            ),
            models.CheckConstraint(
                condition=Q(grant_amount__isnull=True) | Q(grant_amount__gte=0),
                name="research_project_grant_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("research:project-detail", args=[self.pk])

    @property
    def principal(self) -> str:
        return str(self.principal_practitioner or self.principal_user or "")


class ProjectMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Project lead")
        MEMBER = "member", _("Member")
        STUDENT = "student", _("Student")
        SUPERVISOR = "supervisor", _("Practice supervisor")

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("research project"), on_delete=models.CASCADE, related_name="members"
    )
    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("practitioner"), on_delete=models.PROTECT, related_name="research_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["project", "role", "practitioner__name"]
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "practitioner"],
                name="project_member_once",
                violation_error_message=_("This person is already a member of the project."),
                violation_error_code="already_member",
            )
        ]

    def __str__(self):
        return f"{self.practitioner} ({self.get_role_display()})"


class Milestone(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("research project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class Output(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Research report")
        PAPER = "paper", _("Paper")
        CASEBOOK = "casebook", _("Case collection")
        POLICY = "policy", _("Policy recommendation")
        COURSE = "course", _("Training course")

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("research project"), on_delete=models.CASCADE, related_name="outputs"
    )
    kind = models.CharField(_("output kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    authors = models.ManyToManyField(ProjectMember, verbose_name=_("authors"), blank=True, related_name="outputs")
    file = models.FileField(_("file"), upload_to="research/outputs/%Y/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    course = models.ForeignKey(
        Course,
        verbose_name=_("course it fed into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="research_outputs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("research output")
        verbose_name_plural = _("research outputs")

    def __str__(self):
        return self.title

    def get_file_url(self) -> str:
        return reverse("research:output-file", args=[self.pk])


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActivityQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        seen = ExchangeActivity.objects.filter(
            Q(training_base__coordinators=user) | Q(practice_base__coordinators=user) | Q(participants__user=user)
        )
        return self.filter(pk__in=seen.values("pk"))


class ExchangeActivity(models.Model):
    """An exchange (交流互动) between a training base and a practice base. Its
    hours are proposed to its participants' reviewers as recognised hours."""

    class Kind(models.TextChoices):
        LECTURE = "lecture", _("Lecture")
        SUPERVISION = "supervision", _("Supervision")
        FIELD_STUDY = "field_study", _("Field study")
        CASE_SEMINAR = "case_seminar", _("Case seminar")
        SECONDMENT = "secondment", _("Secondment")

    training_base = models.ForeignKey(
        TrainingBase, verbose_name=_("training base"), on_delete=models.PROTECT, related_name="exchange_activities"
    )
    practice_base = models.ForeignKey(
        PracticeBase, verbose_name=_("practice base"), on_delete=models.PROTECT, related_name="exchange_activities"
    )
    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("research project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    kind = models.CharField(_("activity kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    participants = models.ManyToManyField(
        Practitioner, verbose_name=_("participants"), blank=True, related_name="exchange_activities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("exchange activity")
        verbose_name_plural = _("exchange activities")
        indexes = [models.Index(fields=["training_base", "practice_base", "date"], name="activity_pair_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=200),
                name="exchange_activity_hours_range",
                violation_error_message=_("An activity lasts more than zero and at most 200 hours."),
                violation_error_code="hours_out_of_range",
            )
        ]

    def __str__(self):
        return f"{self.date} {self.title}"


class ProofQuerySet(models.QuerySet):
    def with_code(self, typed: str) -> "ContinuingEducationProof | None":
        found = codes.candidates(typed)
        if not found:
            return None
        return self.filter(verification_code__in=found).first()


def new_verification_code() -> str:
    return codes.new_code()


class ContinuingEducationProof(models.Model):
    """A continuing-education proof (继续教育学时证明) for re-registration:
    issued like a certificate — a serial, a verification code, the PDF and the
    figures it prints, immutable once issued; a newer one supersedes it."""

    serial = models.CharField(_("serial"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    verification_code = models.CharField(
        _("verification code"), max_length=43, unique=True, default=new_verification_code, editable=False
    )
    holder = models.ForeignKey(
        Practitioner, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="ce_proofs"
    )
    holder_name = models.CharField(_("holder's name"), max_length=50)
    cycle_start = models.DateField(_("cycle start"))
    cycle_end = models.DateField(_("re-registration date"))
    required_hours = models.PositiveIntegerField(_("required hours"), null=True, blank=True)
    total_hours = models.DecimalField(_("total hours"), max_digits=7, decimal_places=1)
    # The records and totals by category as printed: the verify page shows these.
    lines = models.JSONField(_("records"), default=list)
    totals = models.JSONField(_("totals by category"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="research/proofs/%Y/")
    pdf_sha256 = models.CharField(max_length=64, editable=False)
    issued_at = models.DateTimeField(_("issued at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = ProofQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("continuing-education proof")
        verbose_name_plural = _("continuing-education proofs")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="ce_proof_sequence_unique"),
            models.UniqueConstraint(
                fields=["holder"], condition=Q(superseded_at__isnull=True), name="ce_proof_one_current_per_holder"
            ),
        ]

    def __str__(self):
        return self.serial

    def get_absolute_url(self):
        return reverse("research:proof-pdf", args=[self.serial])

    def get_verify_url(self) -> str:
        return settings.SITE_BASE_URL + reverse("research:proof-verify", args=[self.verification_code])

    @property
    def printed_code(self) -> str:
        return codes.grouped(self.verification_code)

    @property
    def masked_holder_name(self) -> str:
        return mask_name(self.holder_name)


class ProofCounter(models.Model):
    """The last proof sequence number of a year; issuing locks the row (gap-free serials)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last sequence number"), default=0)

    class Meta:
        verbose_name = _("proof serial counter")
        verbose_name_plural = _("proof serial counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
