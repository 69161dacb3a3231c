import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from talent import resident_id, scopes
from talent.fields import MobileField, NameField, ResidentIDField
from talent.roles import Role
from talent.search import search as search_registry


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. People sign in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.get_full_name()

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or Role.ADMINISTRATOR in self.role_names

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.role_names

    @property
    def is_trainee(self) -> bool:
        return Role.TRAINEE in self.role_names


class SubDistrict(models.Model):
    """A sub-district (街道) of the city; six of them are practice bases."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("sub-district name"), max_length=50, unique=True)
    district = models.CharField(_("district"), max_length=50)

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("sub-district")
        verbose_name_plural = _("sub-districts")

    def __str__(self):
        return self.name


class Organization(models.Model):
    """An employer or school that practitioners belong to."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        COMMUNITY = "community", _("Sub-district or community")
        AGENCY = "agency", _("Social-work agency")
        SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
        SCHOOL = "school", _("School")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other")

    name = models.CharField(_("organization name"), max_length=200, unique=True)
    kind = models.CharField(_("organization kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


class Specialty(models.Model):
    """A field of practice. The rows are fixed (created by a migration); the
    labels come from `Code` so that they follow the user's language."""

    class Code(models.TextChoices):
        COMMUNITY = "community", _("Community")
        ELDERLY = "elderly", _("Elderly")
        YOUTH = "youth", _("Youth")
        FAMILY = "family", _("Family")
        DISPUTES = "disputes", _("Disputes and mediation")
        DISABILITY = "disability", _("Disability")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=20, primary_key=True, choices=Code.choices)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self):
        return self.get_code_display()


class PractitionerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PractitionerQuerySet":
        """What `user` may see: everything for administrators, the people tied to
        their bases for coordinators, their own record for everyone else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if user.is_coordinator:
            return self.filter(scopes.coordinator_filter(user))
        return self.filter(user=user)

    def search(self, text: str, *, full_id: bool = False) -> "PractitionerQuerySet":
        """Name, mobile, organization, or the last digits of the resident ID
        (talent.search). Without `full_id` (the ID is masked for this user)
        only the last four characters, which are shown anyway, can be searched."""
        return search_registry(self, text, full_id=full_id, organizations=Organization.objects.all())


class Practitioner(models.Model):
    """A person in the talent registry: a social worker, community worker,
    student or volunteer."""

    class Kind(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Certified social worker")
        COMMUNITY_WORKER = "community_worker", _("Community worker")
        STUDENT = "student", _("Student")
        VOLUNTEER = "volunteer", _("Volunteer")

    class Education(models.TextChoices):
        SECONDARY = "secondary", _("Secondary school or below")
        JUNIOR_COLLEGE = "junior_college", _("Junior college")
        BACHELOR = "bachelor", _("Bachelor's degree")
        MASTER = "master", _("Master's degree")
        DOCTORATE = "doctorate", _("Doctorate")

    class PoliticalStatus(models.TextChoices):
        CPC_MEMBER = "cpc_member", _("CPC member")
        CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
        LEAGUE_MEMBER = "league_member", _("Communist Youth League member")
        DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
        MASSES = "masses", _("No party affiliation")

    class QualificationLevel(models.TextChoices):
        NONE = "none", _("None")
        ASSISTANT = "assistant", _("Assistant social worker")
        INTERMEDIATE = "intermediate", _("Social worker")
        SENIOR = "senior", _("Senior social worker")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    name = NameField(_("name"), max_length=50)
    resident_id = ResidentIDField(_("resident ID"), unique=True)
    mobile = MobileField(_("mobile phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practitioners",
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # Blank when nobody said: an import does not guess a kind that another
    # column (the qualification level) would contradict.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SOCIAL_WORKER, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    major = models.CharField(_("major"), max_length=100, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    qualification_level = models.CharField(
        _("qualification level"),
        max_length=20,
        choices=QualificationLevel.choices,
        default=QualificationLevel.NONE,
    )
    qualification_certificate_number = models.CharField(
        _("qualification certificate number"), max_length=50, blank=True
    )
    qualification_year = models.PositiveSmallIntegerField(_("qualification year"), null=True, blank=True)
    registration_date = models.DateField(
        _("registration date"),
        null=True,
        blank=True,
        help_text=_("Start of the current three-year registration cycle."),
    )
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), blank=True)
    sub_district = models.ForeignKey(
        SubDistrict,
        verbose_name=_("sub-district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practitioners",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    preferred_language = models.CharField(
        _("certificate language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practitioner",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")
        # Continuing-education compliance groups people by level and cycle start.
        indexes = [
            models.Index(fields=["qualification_level", "registration_date"], name="practitioner_ce_cycle_idx"),
            # The registry's order: its first page is read from here.
            models.Index(fields=["name", "id"], name="practitioner_name_idx"),
            # The residents of a practice base's sub-district (talent.scopes), from the index alone.
            models.Index(fields=["sub_district", "id"], name="practitioner_resident_idx"),
        ]
        permissions = [
            ("view_full_resident_id", _("Can see resident IDs unmasked")),
            ("import_practitioner", _("Can import practitioners")),
            ("export_practitioner", _("Can export practitioners")),
        ]
        constraints = [
            # The full check (digits, date, check character) runs on every entry
            # path; the database guarantees at least the length.
            models.CheckConstraint(
                condition=Exact(Length("resident_id"), 18),
                name="practitioner_resident_id_length",
                violation_error_code="resident_id_length",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("talent:practitioner-detail", args=[self.pk])

    @property
    def birth_date(self) -> datetime.date | None:
        if not resident_id.is_well_formed(self.resident_id):
            return None
        return resident_id.birth_date(self.resident_id)

    @property
    def sex(self) -> str:
        if not resident_id.is_well_formed(self.resident_id):
            return ""
        return _("Male") if resident_id.is_male(self.resident_id) else _("Female")

    @property
    def masked_resident_id(self) -> str:
        return resident_id.mask(self.resident_id)

    def resident_id_for(self, user) -> str:
        """The ID as a page shows it to `user`: masked for everyone,
        administrators included. An administrator who needs the full ID on a
        page unmasks it on the person's page with a stated purpose
        (services.reveal_resident_id), which the audit log and the person see."""
        return self.masked_resident_id

    def exported_resident_id_for(self, user) -> str:
        """The ID in a spreadsheet `user` downloads: in full for administrators,
        who file and exchange rosters with it; masked for everyone else."""
        if user.has_perm("talent.view_full_resident_id"):
            return self.resident_id
        return self.masked_resident_id


class LearningRecord(models.Model):
    """Hours of continuing education (继续教育学时) in a practitioner's ledger.
    Completed courses are credited by the training app; other hours are
    recorded by administrators with their evidence."""

    class Source(models.TextChoices):
        COURSE = "course", _("Course completed here")
        EXTERNAL = "external", _("External training")

    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("practitioner"), on_delete=models.CASCADE, related_name="learning_records"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.EXTERNAL)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/", blank=True)
    # Set when another app credits the hours (e.g. "training.enrollment:42"),
    # so that crediting the same completion twice is impossible.
    source_key = models.CharField(_("source key"), max_length=100, unique=True, null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("continuing-education record")
        verbose_name_plural = _("continuing-education records")
        indexes = [models.Index(fields=["practitioner", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="learning_record_hours_positive",
                violation_error_message=_("Hours must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(source="course") | ~Q(note=""),
                name="learning_record_external_has_note",
                violation_error_message=_("External hours need a note saying what the training was."),
                violation_error_code="note_required",
            ),
        ]

    def __str__(self):
        return f"{self.practitioner} · {self.title} ({self.hours})"


class CycleStandingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CycleStandingQuerySet":
        """The standings of the people `user` may see (Practitioner.objects.visible_to)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if user.is_coordinator:
            return self.filter(scopes.coordinator_filter(user, "practitioner_id"))
        return self.filter(practitioner__user=user)


class CycleStanding(models.Model):
    """Where a qualified, registered practitioner stands in the current
    continuing-education cycle, as talent.ledger computes it; kept by
    talent.standings so that a report over a national registry reads rows
    instead of summing everyone's hours per request."""

    practitioner = models.OneToOneField(
        Practitioner, primary_key=True, on_delete=models.CASCADE, related_name="standing"
    )
    state = models.CharField(_("state"), max_length=20)
    cycle_start = models.DateField(_("cycle start"))
    reregistration_date = models.DateField(_("re-registration date"))
    required = models.PositiveSmallIntegerField(_("required hours"))
    earned = models.DecimalField(_("hours earned"), max_digits=8, decimal_places=1)
    expected_by_now = models.DecimalField(_("expected by now"), max_digits=8, decimal_places=1)
    computed_on = models.DateField(_("computed on"))

    objects = CycleStandingQuerySet.as_manager()

    class Meta:
        verbose_name = _("continuing-education standing")
        verbose_name_plural = _("continuing-education standings")
        # The report: the people behind, those short first, by re-registration date.
        indexes = [models.Index(fields=["reregistration_date", "practitioner"], name="standing_report_idx")]

    def __str__(self):
        return f"{self.practitioner_id}: {self.state}"

    @property
    def state_label(self):
        from talent import ledger

        return ledger.STATE_LABELS[self.state]
