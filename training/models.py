import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talent.models import Practitioner


class TrainingBaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TrainingBaseQuerySet":
        if user.is_administrator:
            return self
        return self.filter(coordinators=user)


class TrainingBase(models.Model):
    """A research and training base (科研培训基地): a university or the Party school."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        PARTY_SCHOOL = "party_school", _("Party school")
        OTHER = "other", _("Other")

    name = models.CharField(_("base name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("base kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_training_bases",
    )

    objects = TrainingBaseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")

    def __str__(self):
        return self.name


class Course(models.Model):
    class Topic(models.TextChoices):
        METHODS = "methods", _("Practice methods")
        POLICY = "policy", _("Policy and regulations")
        ETHICS = "ethics", _("Professional ethics")
        COMMUNITY = "community", _("Community work")
        ELDERLY = "elderly", _("Elderly services")
        YOUTH = "youth", _("Youth and family")
        MEDIATION = "mediation", _("Disputes and mediation")
        MANAGEMENT = "management", _("Supervision and management")
        OTHER = "other", _("Other")

    base = models.ForeignKey(
        TrainingBase, verbose_name=_("training base"), on_delete=models.PROTECT, related_name="courses"
    )
    code = models.CharField(_("course code"), max_length=30)
    title = models.CharField(_("course title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, help_text=_("Class hours (学时)."))
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty when the course has no examination."),
    )
    minimum_qualification_level = models.CharField(
        _("minimum qualification level"),
        max_length=20,
        choices=Practitioner.QualificationLevel.choices,
        default=Practitioner.QualificationLevel.NONE,
    )
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisite courses"), symmetrical=False, blank=True, related_name="required_by"
    )

    class Meta:
        ordering = ["base", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        permissions = [
            ("import_course", _("Can import courses")),
            ("export_course", _("Can export courses")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "code"],
                name="course_code_unique_per_base",
                violation_error_message=_("This training base already has a course with this code."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="course_hours_positive",
                violation_error_message=_("A course has more than zero hours."),
                violation_error_code="hours_not_positive",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | Q(pass_mark__gte=0, pass_mark__lte=100),
                name="course_pass_mark_0_100",
                violation_error_message=_("The pass mark is between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


QUALIFICATION_ORDER = list(Practitioner.QualificationLevel.values)


class CourseSessionQuerySet(models.QuerySet):
    def open(self) -> "CourseSessionQuerySet":
        return self.filter(status=CourseSession.Status.OPEN)

    def visible_to(self, user) -> "CourseSessionQuerySet":
        """Sessions a coordinator runs (all of them for administrators)."""
        if user.is_administrator:
            return self
        return self.filter(course__base__coordinators=user)

    def with_seat_counts(self) -> "CourseSessionQuerySet":
        """`enrolled_count` and `seats_left` are the seats in use and free now;
        `participant_count` is everyone who has a seat or had one when the
        session finished (completed or not passed), to show how many took part."""
        return self.annotate(
            enrolled_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ENROLLED)),
            participant_count=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEATED_STATUSES)),
            waitlisted_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
        ).annotate(seats_left=F("capacity") - F("enrolled_count"))


class CourseSession(models.Model):
    """One run of a course, with its dates and a hard capacity."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for enrolment")
        CLOSED = "closed", _("Enrolment closed")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    instructors = models.CharField(_("instructors"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    enrollment_opens = models.DateTimeField(_("enrolment opens"))
    enrollment_closes = models.DateTimeField(_("enrolment closes"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CourseSessionQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        permissions = [
            ("import_coursesession", _("Can import course sessions")),
            ("export_coursesession", _("Can export course sessions")),
        ]
        indexes = [models.Index(fields=["status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="session_capacity_not_negative", violation_error_code="capacity"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="session_dates_in_order",
                violation_error_message=_("The session cannot end before it starts."),
                violation_error_code="dates_out_of_order",
            ),
            models.CheckConstraint(
                condition=Q(enrollment_closes__gte=F("enrollment_opens")),
                name="session_enrollment_window_in_order",
                violation_error_message=_("Enrolment cannot close before it opens."),
                violation_error_code="window_out_of_order",
            ),
        ]

    def __str__(self):
        return f"{self.course.title} ({self.start_date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("training:session-detail", args=[self.pk])

    def has_started(self, today=None) -> bool:
        return (today or timezone.localdate()) >= self.start_date


class EnrollmentQuerySet(models.QuerySet):
    def live(self) -> "EnrollmentQuerySet":
        return self.filter(status__in=Enrollment.LIVE_STATUSES)

    def waitlist(self) -> "EnrollmentQuerySet":
        return self.filter(status=Enrollment.Status.WAITLISTED).order_by("waitlist_order", "pk")

    def current(self) -> "EnrollmentQuerySet":
        """One enrolment per trainee and session: the live one, else the latest.
        Someone who cancelled and enrolled again is listed once, by where they
        are now, not also by the enrolment they cancelled."""
        superseded = (
            Enrollment.objects.filter(session=OuterRef("session"), trainee=OuterRef("trainee"))
            .filter(Q(status__in=Enrollment.LIVE_STATUSES) | Q(pk__gt=OuterRef("pk")))
            .exclude(pk=OuterRef("pk"))
        )
        return self.filter(Q(status__in=Enrollment.LIVE_STATUSES) | ~Exists(superseded))


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Not passed")

    LIVE_STATUSES = (Status.ENROLLED, Status.WAITLISTED)
    #: Those who hold a seat, or held one when the session finished.
    SEATED_STATUSES = (Status.ENROLLED, Status.COMPLETED, Status.FAILED)

    session = models.ForeignKey(
        CourseSession, verbose_name=_("course session"), on_delete=models.PROTECT, related_name="enrollments"
    )
    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # Arrival order on the waitlist; a coordinator moving someone up swaps two values.
    waitlist_order = models.PositiveBigIntegerField(_("waitlist order"), null=True, blank=True)
    attended_hours = models.DecimalField(_("attended hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    result_note = models.CharField(_("result note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        # Seat counts and the dashboards' fill and completion figures.
        indexes = [
            models.Index(fields=["session", "status"], name="enrollment_session_status_idx"),
            # Who a base's coordinator may see (talent.scopes), read from the index alone.
            models.Index(fields=["session", "trainee"], name="enrollment_scope_idx"),
        ]
        permissions = [
            ("import_enrollment", _("Can import enrolments and results")),
            ("export_enrollment", _("Can export enrolments and results")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee"],
                condition=Q(status__in=["enrolled", "waitlisted"]),
                name="one_live_enrollment_per_trainee_and_session",
                violation_error_message=_("This person is already enrolled or waitlisted in this session."),
                violation_error_code="already_enrolled",
            ),
            models.CheckConstraint(
                condition=Q(attended_hours__isnull=True) | Q(attended_hours__gte=0),
                name="enrollment_attended_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="enrollment_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted") | Q(waitlist_order__isnull=True),
                name="enrollment_only_waitlist_has_order",
            ),
        ]

    def __str__(self):
        return f"{self.trainee} · {self.session}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def waitlist_position(self) -> int | None:
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Q(waitlist_order__lt=self.waitlist_order) | Q(waitlist_order=self.waitlist_order, pk__lt=self.pk)
        return self.session.enrollments.waitlist().filter(ahead).count() + 1


class Meeting(models.Model):
    """One class meeting (课次) of a session: its hours add up to the course's."""

    session = models.ForeignKey(
        CourseSession, verbose_name=_("course session"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, help_text=_("Class hours (学时)."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("class meeting")
        verbose_name_plural = _("class meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("A meeting ends after it starts."),
                violation_error_code="times_out_of_order",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="meeting_hours_positive",
                violation_error_message=_("A meeting has more than zero hours."),
                violation_error_code="hours_not_positive",
            ),
        ]

    def __str__(self):
        return f"{self.session.course.title} · {self.date:%Y-%m-%d} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def start(self):
        """The start as an aware datetime in the site's time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))

    @property
    def end(self):
        return timezone.make_aware(datetime.datetime.combine(self.date, self.ends_at))


class Attendance(models.Model):
    """One trainee at one meeting: how they attended and how it was taken."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        COORDINATOR = "coordinator", _("By the coordinator")
        IMPORT = "import", _("Sign-in sheet import")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("class meeting"), on_delete=models.PROTECT, related_name="attendances"
    )
    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    method = models.CharField(_("taken by"), max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["meeting", "trainee__name", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        permissions = [("import_attendance", _("Can import sign-in sheets"))]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "trainee"],
                name="one_attendance_per_meeting_and_trainee",
                violation_error_message=_("This person's attendance at this meeting is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(reason=""),
                name="attendance_excused_has_reason",
                violation_error_message=_("Give the reason for the absence."),
            ),
        ]

    def __str__(self):
        return f"{self.trainee} · {self.meeting}"
