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
        if not email and not extra_fields.get("phone"):
            raise ValueError("An email address or a mobile number is required.")
        user = self.model(email=self.normalize_email(email) or None, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An administrator needs an email address.")
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Accounts without an email have NULL there: "no email" must not find one.
        if not username:
            raise self.model.DoesNotExist
        return super().get_by_natural_key(username)


class User(AbstractUser):
    """An account. People sign in with their email address or their mobile
    number (with a password, or a code sent by SMS); an account has at least
    one of the two. Neither is stored empty: a missing one is NULL, which the
    unique constraints ignore."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = MobileField(_("mobile phone"), unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(
        _("mobile phone verified"), default=False, help_text=_("A code sent to the number was entered.")
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
                violation_error_message=_("Enter an email address or a mobile number."),
                violation_error_code="email_or_phone_required",
            ),
            models.CheckConstraint(
                condition=~Q(email="") & ~Q(phone=""),
                name="user_email_phone_not_empty",
                violation_error_code="empty_not_null",
            ),
        ]

    def __str__(self):
        return self.get_full_name()

    def clean(self):
        super().clean()
        self.email = self.email or None
        self.phone = self.phone or None

    def save(self, *args, **kwargs):
        # allauth and forms write "" for "none"; the unique constraints ignore only NULL.
        self.email = self.email or None
        self.phone = self.phone or None
        if self.phone is None:
            self.phone_verified = False
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.display_name or self.email or self.phone or ""

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
        their bases for coordinators (talent.scopes), their own record for
        everyone else."""
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
        CLAIM = "claim", _("Recognised claim")

    class Category(models.TextChoices):
        """What the hours were for, as the continuing-education rules count
        them; each has a conversion and a cap (CONTINUING_EDUCATION_CATEGORIES)."""

        COURSE = "course", _("Courses here")
        EXTERNAL_TRAINING = "external_training", _("Training outside the system")
        CONFERENCE = "conference", _("Conferences and seminars")
        RESEARCH = "research", _("Research projects")
        PUBLICATION = "publication", _("Publications")
        SUPERVISION = "supervision", _("Supervision given or received")
        EXCHANGE = "exchange", _("Exchange activities")

    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("practitioner"), on_delete=models.CASCADE, related_name="learning_records"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.EXTERNAL)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.EXTERNAL_TRAINING
    )
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


class LearningClaimQuerySet(models.QuerySet):
    def reviewable_by(self, user) -> "LearningClaimQuerySet":
        """Claims `user` may review: all for administrators; for coordinators
        those addressed to their bases (talent.claims reviewer rules, added by
        the apps that know the bases)."""
        from talent import claims

        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if user.is_coordinator:
            return self.filter(claims.reviewer_filter(user))
        return self.none()

    def visible_to(self, user) -> "LearningClaimQuerySet":
        """The claimant's own and those the user may review."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(practitioner__user=user) | Q(pk__in=self.reviewable_by(user).values("pk")))

    def with_duplicate_evidence(self) -> "LearningClaimQuerySet":
        """`duplicate_evidence`: the same file (by SHA-256) is the evidence of another claim."""
        others = LearningClaim.objects.filter(evidence_sha256=models.OuterRef("evidence_sha256")).exclude(
            pk=models.OuterRef("pk")
        )
        return self.annotate(
            duplicate_evidence=models.Case(
                models.When(evidence_sha256="", then=models.Value(False)),
                default=models.Exists(others),
                output_field=models.BooleanField(),
            )
        )


class LearningClaim(models.Model):
    """Hours a practitioner claims (or another app proposes for them) with
    evidence, for a base's coordinator or an administrator to approve or
    reject. An approved claim credits the ledger within the category's cap."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("practitioner"), on_delete=models.CASCADE, related_name="learning_claims"
    )
    category = models.CharField(_("category"), max_length=20, choices=LearningRecord.Category.choices)
    date = models.DateField(_("date"))
    quantity = models.DecimalField(
        _("quantity"), max_digits=6, decimal_places=1, help_text=_("Hours, days, items or projects, by category.")
    )
    hours = models.DecimalField(_("hours claimed"), max_digits=6, decimal_places=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="claims/%Y/", blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True, db_index=True)
    # Who reviews: "training:<id>" or "practice:<id>", a base of an app above talent.
    review_scope = models.CharField(_("reviewed by"), max_length=40, db_index=True)
    review_scope_label = models.CharField(_("reviewing base"), max_length=100, blank=True)
    # Set when another app proposes the claim ("research.activity:3:17"): proposed once.
    source_key = models.CharField(_("source key"), max_length=100, unique=True, null=True, blank=True, editable=False)
    proposed = models.BooleanField(_("proposed automatically"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    credited_hours = models.DecimalField(_("hours credited"), max_digits=6, decimal_places=1, null=True, blank=True)
    record = models.OneToOneField(
        LearningRecord,
        verbose_name=_("ledger record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claim",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LearningClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hours claim")
        verbose_name_plural = _("hours claims")
        indexes = [
            models.Index(fields=["review_scope"], name="claim_awaiting_idx", condition=Q(status="submitted")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, hours__gt=0),
                name="learning_claim_quantity_positive",
                violation_error_message=_("Claim more than zero."),
                violation_error_code="quantity_not_positive",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_at__isnull=False),
                name="learning_claim_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_reason=""),
                name="learning_claim_rejection_has_reason",
                violation_error_message=_("Say why the claim is rejected."),
                violation_error_code="reason_required",
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
        indexes = [
            models.Index(fields=["reregistration_date", "practitioner"], name="standing_report_idx"),
            # Counting a coordinator's people behind: an index-only scan of them alone.
            models.Index(
                fields=["practitioner"], name="standing_behind_idx", condition=Q(state__in=["short", "at_risk"])
            ),
        ]

    def __str__(self):
        return f"{self.practitioner_id}: {self.state}"

    @property
    def state_label(self):
        from talent import ledger

        return ledger.STATE_LABELS[self.state]
