import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talent.models import Practitioner, Specialty, SubDistrict
from training.models import Course


class PracticeBaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PracticeBaseQuerySet":
        if user.is_administrator:
            return self
        return self.filter(coordinators=user)


class PracticeBase(models.Model):
    """A practice and internship base (实践实习基地): one of the city's sub-districts."""

    sub_district = models.OneToOneField(
        SubDistrict,
        verbose_name=_("sub-district"),
        on_delete=models.PROTECT,
        related_name="practice_base",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_practice_bases",
    )

    objects = PracticeBaseQuerySet.as_manager()

    class Meta:
        ordering = ["sub_district__name"]
        verbose_name = _("practice base")
        verbose_name_plural = _("practice bases")

    def __str__(self):
        return self.sub_district.name

    @property
    def name(self) -> str:
        return self.sub_district.name

    @property
    def district(self) -> str:
        return self.sub_district.district


class PlacementRoundQuerySet(models.QuerySet):
    """Who may do what with a round. This is the one place the rule is written:
    administrators and a round's organisers *organise* it (match, confirm,
    reopen, and manage every placement); the coordinators of a practice base
    with a position in the round *take part* (their own positions only)."""

    def organised_by(self, user) -> "PlacementRoundQuerySet":
        if user.is_administrator:
            return self
        return self.filter(organisers=user)

    def managed_by(self, user) -> "PlacementRoundQuerySet":
        """Rounds whose management page the user may open: the rounds they
        organise or in which a base they coordinate has a position."""
        if user.is_administrator:
            return self
        # A subquery rather than joins, so a round is listed once however many
        # positions or organisers it has.
        taking_part = PlacementRound.objects.filter(Q(organisers=user) | Q(positions__base__coordinators=user))
        return self.filter(pk__in=taking_part.values("pk"))


class PlacementRound(models.Model):
    """One intake of internships across the practice bases."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COLLECTING = "collecting", _("Collecting preferences")
        MATCHING = "matching", _("Matching")
        CONFIRMED = "confirmed", _("Confirmed")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("round name"), max_length=100, unique=True)
    internship_start = models.DateField(_("internship start"))
    internship_end = models.DateField(_("internship end"))
    preference_deadline = models.DateTimeField(_("preference deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    required_hours = models.DecimalField(_("required hours"), max_digits=6, decimal_places=1)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers"),
        blank=True,
        related_name="organised_rounds",
        help_text=_(
            "Coordinators who run this round city-wide: they match, confirm and reopen it and manage every "
            "placement. Administrators always may; a base's coordinators manage only their own positions."
        ),
    )
    appeal_window_hours = models.PositiveSmallIntegerField(
        _("appeal window (hours)"),
        default=72,
        help_text=_("How long trainees may appeal once the proposals are published."),
    )
    response_days = models.PositiveSmallIntegerField(
        _("days to accept or decline"),
        default=7,
        help_text=_("After confirmation, how many days each trainee has to accept or decline the placement."),
    )
    published_at = models.DateTimeField(_("proposals published at"), null=True, blank=True)
    explained_at = models.DateTimeField(_("explanations ready at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PlacementRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-internship_start", "pk"]
        verbose_name = _("placement round")
        verbose_name_plural = _("placement rounds")
        indexes = [models.Index(fields=["internship_start"], name="round_internship_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(internship_end__gte=F("internship_start")),
                name="round_dates_in_order",
                violation_error_message=_("The internship cannot end before it starts."),
            ),
            models.CheckConstraint(condition=Q(required_hours__gt=0), name="round_required_hours_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("placements:round-list") + f"#round-{self.pk}"

    def accepts_preferences(self, now=None) -> bool:
        return self.status == self.Status.COLLECTING and (now or timezone.now()) <= self.preference_deadline

    def before_deadline(self, now=None) -> bool:
        """Trainees may still rank: matching now would lock out those who have not yet."""
        return (now or timezone.now()) < self.preference_deadline

    def is_organised_by(self, user) -> bool:
        return PlacementRound.objects.organised_by(user).filter(pk=self.pk).exists()

    def internship_weeks(self) -> list[datetime.date]:
        """The Monday of every week the internship touches: one journal entry each."""
        monday = self.internship_start - datetime.timedelta(days=self.internship_start.weekday())
        weeks = []
        while monday <= self.internship_end:
            weeks.append(monday)
            monday += datetime.timedelta(days=7)
        return weeks

    @property
    def appeal_deadline(self):
        if self.published_at is None:
            return None
        return self.published_at + datetime.timedelta(hours=self.appeal_window_hours)

    def takes_appeals(self, now=None) -> bool:
        deadline = self.appeal_deadline
        return self.status == self.Status.MATCHING and deadline is not None and (now or timezone.now()) < deadline


class PositionQuerySet(models.QuerySet):
    def with_fill(self) -> "PositionQuerySet":
        live = Q(placements__status__in=Placement.LIVE_STATUSES)
        return self.annotate(filled=Count("placements", filter=live)).annotate(seats_left=F("capacity") - F("filled"))

    def visible_to(self, user) -> "PositionQuerySet":
        """Positions a coordinator runs (all for administrators)."""
        if user.is_administrator:
            return self
        return self.filter(base__coordinators=user)

    def managed_by(self, user) -> "PositionQuerySet":
        """Positions whose placements the user may make, move, withdraw and
        give a tutor: those of the rounds they organise and those of the bases
        they coordinate (see PlacementRoundQuerySet)."""
        if user.is_administrator:
            return self
        organised = PlacementRound.objects.organised_by(user).values("pk")
        managed = Position.objects.filter(Q(round__in=organised) | Q(base__coordinators=user))
        return self.filter(pk__in=managed.values("pk"))


class Position(models.Model):
    """An internship post at a practice base, such as 社区矛盾调解岗."""

    round = models.ForeignKey(
        PlacementRound, verbose_name=_("placement round"), on_delete=models.PROTECT, related_name="positions"
    )
    base = models.ForeignKey(
        PracticeBase, verbose_name=_("practice base"), on_delete=models.PROTECT, related_name="positions"
    )
    code = models.CharField(_("position code"), max_length=30)
    title = models.CharField(_("position title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    supervisor = models.ForeignKey(
        Practitioner,
        verbose_name=_("on-site supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_positions",
    )
    required_courses = models.ManyToManyField(
        Course, verbose_name=_("required completed courses"), blank=True, related_name="required_for_positions"
    )
    specialty = models.CharField(_("specialty"), max_length=20, choices=Specialty.Code.choices, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "base", "code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        permissions = [
            ("import_position", _("Can import positions")),
            ("export_position", _("Can export positions")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "code"],
                name="position_code_unique_per_round",
                violation_error_message=_("This round already has a position with this code."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="position_capacity_not_negative"),
        ]

    def __str__(self):
        return f"{self.base} · {self.title}"

    def is_managed_by(self, user) -> bool:
        return Position.objects.managed_by(user).filter(pk=self.pk).exists()

    def clean(self):
        qualified = (Practitioner.QualificationLevel.INTERMEDIATE, Practitioner.QualificationLevel.SENIOR)
        if self.supervisor_id and self.supervisor.qualification_level not in qualified:
            raise ValidationError(
                {"supervisor": _("The on-site supervisor must be qualified as a social worker (社会工作师) or above.")},
                code="supervisor_not_qualified",
            )


class Preference(models.Model):
    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="placement_preferences"
    )
    round = models.ForeignKey(
        PlacementRound, verbose_name=_("placement round"), on_delete=models.CASCADE, related_name="preferences"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="preferences"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    statement = models.CharField(
        _("statement"),
        max_length=300,
        blank=True,
        help_text=_("A few words to the practice base on why you chose this position."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["trainee", "rank"]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "round", "rank"], name="preference_rank_unique"),
            models.UniqueConstraint(fields=["trainee", "round", "position"], name="preference_position_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=5), name="preference_rank_1_to_5"),
        ]
        # Who a practice base's coordinator may see (talent.scopes), from the index alone.
        indexes = [models.Index(fields=["position", "trainee"], name="preference_scope_idx")]

    def __str__(self):
        return f"{self.trainee} #{self.rank} {self.position}"


class Placement(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Not passed")

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Withdrawn by the coordinators")
        DECLINED = "declined", _("Declined by the trainee")
        EXPIRED = "expired", _("Not accepted in time")

    # Statuses that hold a seat.
    LIVE_STATUSES = (Status.PROPOSED, Status.CONFIRMED, Status.COMPLETED, Status.FAILED)

    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="placements"
    )
    # The round is the position's; it is stored here so the database can hold
    # "one placement per trainee per round".
    round = models.ForeignKey(
        PlacementRound, verbose_name=_("placement round"), on_delete=models.PROTECT, related_name="placements"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="placements"
    )
    tutor = models.ForeignKey(
        Practitioner,
        verbose_name=_("tutor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutored_placements",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    preference_rank = models.PositiveSmallIntegerField(_("preference rank"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # After confirmation the trainee accepts or declines by `respond_by`.
    respond_by = models.DateTimeField(_("accept or decline by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=EndReason.choices, blank=True)
    # What the solver says about the choices ranked above this one (placements.explanations).
    explanation = models.JSONField(_("explanation"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "trainee"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        # Who a practice base's coordinator may see (talent.scopes), from the index alone.
        indexes = [models.Index(fields=["position", "trainee"], name="placement_scope_idx")]
        permissions = [
            ("import_placement", _("Can import placements")),
            ("export_placement", _("Can export placements")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "round"],
                condition=~Q(status="withdrawn"),
                name="one_placement_per_trainee_and_round",
                violation_error_message=_("This person already has a placement in this round."),
                violation_error_code="already_placed",
            ),
        ]

    def __str__(self):
        return f"{self.trainee} → {self.position}"


class HourLog(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="hour_logs"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    activity = models.CharField(_("activity"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    review_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("hour log")
        verbose_name_plural = _("hour logs")
        # Hours awaiting approval, on every coordinator's dashboard.
        indexes = [models.Index(fields=["placement"], name="hour_log_submitted_idx", condition=Q(status="submitted"))]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date"],
                name="one_hour_log_per_placement_and_day",
                violation_error_message=_("Hours for this day are already logged."),
                violation_error_code="day_already_logged",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=12),
                name="hour_log_hours_0_to_12",
                violation_error_message=_("Log between 0 and 12 hours for a day."),
                violation_error_code="hours_out_of_range",
            ),
        ]

    def __str__(self):
        return f"{self.placement} {self.date} {self.hours}"


class Evaluation(models.Model):
    class Role(models.TextChoices):
        SUPERVISOR = "supervisor", _("On-site supervisor")
        TUTOR = "tutor", _("Tutor")

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="evaluations"
    )
    mentor = models.ForeignKey(
        Practitioner, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="evaluations_given"
    )

    class Stage(models.TextChoices):
        MIDTERM = "midterm", _("Midterm")
        FINAL = "final", _("Final")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.FINAL)
    # 0–100; with a rubric, the weighted mean of its 1–5 ratings scaled (placements.rubrics).
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    date = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        ordering = ["placement", "role"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["placement", "role", "stage"], name="one_evaluation_per_role_and_stage"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="evaluation_score_0_100"),
        ]

    def __str__(self):
        return f"{self.placement} · {self.get_role_display()} {self.get_stage_display()} {self.score}"


class NotAcceptable(models.Model):
    """A practice base's coordinator's mark: this trainee is not acceptable for
    this position. The matching never places anyone where they are marked."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="not_acceptable"
    )
    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="not_acceptable_for"
    )
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("The trainee sees this reason in the explanation of the match.")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("not-acceptable mark")
        verbose_name_plural = _("not-acceptable marks")
        constraints = [
            models.UniqueConstraint(fields=["position", "trainee"], name="one_not_acceptable_mark_per_position"),
        ]

    def __str__(self):
        return f"{self.trainee} ✗ {self.position}"


class Appeal(models.Model):
    """A trainee's one appeal against their published proposal."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept as proposed")
        MOVED = "moved", _("Moved")
        WITHDRAWN = "withdrawn", _("Placement withdrawn")

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="appeals"
    )
    round = models.ForeignKey(
        PlacementRound, verbose_name=_("placement round"), on_delete=models.CASCADE, related_name="appeals"
    )
    trainee = models.ForeignKey(Practitioner, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(_("answer"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "round"],
                name="one_appeal_per_trainee_and_round",
                violation_error_message=_("You have already appealed in this round."),
                violation_error_code="already_appealed",
            ),
        ]

    def __str__(self):
        return f"{self.trainee} · {self.get_status_display()}"


class SeatOffer(models.Model):
    """A seat freed after confirmation (declined or not accepted in time),
    offered to an unplaced trainee who ranked the position."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    round = models.ForeignKey(
        PlacementRound, verbose_name=_("placement round"), on_delete=models.CASCADE, related_name="offers"
    )
    position = models.ForeignKey(Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="offers")
    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="seat_offers"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    offered_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    respond_by = models.DateTimeField(_("accept or decline by"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "pk"]
        verbose_name = _("seat offer")
        verbose_name_plural = _("seat offers")
        constraints = [
            models.UniqueConstraint(fields=["position", "trainee"], name="one_offer_per_position_and_trainee"),
            models.UniqueConstraint(
                fields=["trainee", "round"], condition=Q(status="open"), name="one_open_offer_per_trainee_and_round"
            ),
        ]

    def __str__(self):
        return f"{self.trainee} ← {self.position}"


class UnplacedExplanation(models.Model):
    """Why someone who ranked positions was given none in a round: the
    solver's account of each choice (placements.explanations), as a proposal
    carries for the choices ranked above it."""

    round = models.ForeignKey(
        PlacementRound,
        verbose_name=_("placement round"),
        on_delete=models.CASCADE,
        related_name="unplaced_explanations",
    )
    trainee = models.ForeignKey(
        Practitioner, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="unplaced_explanations"
    )
    explanation = models.JSONField(_("explanation"), editable=False)

    class Meta:
        verbose_name = _("explanation for a trainee without a placement")
        verbose_name_plural = _("explanations for trainees without a placement")
        constraints = [
            models.UniqueConstraint(fields=["round", "trainee"], name="one_unplaced_explanation_per_round_and_trainee")
        ]

    def __str__(self):
        return f"{self.trainee} · {self.round}"


class LearningAgreement(models.Model):
    """实习协议 / 学习计划: drafted by the trainee, confirmed by the on-site
    supervisor and the tutor. A change after any confirmation needs all three again."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="agreement"
    )
    goals = models.TextField(_("learning goals"), max_length=3000)
    tasks = models.TextField(_("tasks"), max_length=3000)
    schedule = models.TextField(_("schedule"), max_length=2000)
    supervision = models.TextField(_("supervision arrangements"), max_length=2000)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    trainee_confirmed_at = models.DateTimeField(_("confirmed by the trainee"), null=True, blank=True)
    supervisor_confirmed_at = models.DateTimeField(_("confirmed by the on-site supervisor"), null=True, blank=True)
    tutor_confirmed_at = models.DateTimeField(_("confirmed by the tutor"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("learning agreement")
        verbose_name_plural = _("learning agreements")

    def __str__(self):
        return f"{self.placement} · {self.revision}"

    @property
    def is_confirmed(self) -> bool:
        return bool(self.trainee_confirmed_at and self.supervisor_confirmed_at and self.tutor_confirmed_at)


class JournalEntry(models.Model):
    """实习周志: one per placement and week (the week's Monday)."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="journal_entries"
    )
    week_start = models.DateField(_("week of"))
    activities = models.TextField(_("what I did"), max_length=3000)
    reflection = models.TextField(_("reflection"), max_length=3000)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    tutor_comment = models.TextField(_("tutor's comment"), max_length=2000, blank=True)
    commented_at = models.DateTimeField(_("commented at"), null=True, blank=True)

    class Meta:
        ordering = ["placement", "week_start"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "week_start"],
                name="one_journal_entry_per_week",
                violation_error_message=_("This week already has a journal entry."),
                violation_error_code="week_already_written",
            ),
        ]

    def __str__(self):
        return f"{self.placement} · {self.week_start}"


class SiteVisit(models.Model):
    """督导走访: the tutor's visit to the practice site."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="visits"
    )
    tutor = models.ForeignKey(Practitioner, verbose_name=_("tutor"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    people_met = models.CharField(_("who was met"), max_length=200)
    notes = models.TextField(_("notes"), max_length=3000)
    follow_up = models.TextField(_("follow-up actions"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")

    def __str__(self):
        return f"{self.placement} · {self.date}"


class Competency(models.Model):
    """One row of the evaluation rubric, with what each level 1–5 looks like."""

    name = models.CharField(_("competency"), max_length=100, unique=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    level_1 = models.CharField(_("level 1"), max_length=300)
    level_2 = models.CharField(_("level 2"), max_length=300)
    level_3 = models.CharField(_("level 3"), max_length=300)
    level_4 = models.CharField(_("level 4"), max_length=300)
    level_5 = models.CharField(_("level 5"), max_length=300)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="competency_weight_positive")]

    def __str__(self):
        return self.name

    def levels(self) -> list[tuple[int, str]]:
        return [(n, getattr(self, f"level_{n}")) for n in range(1, 6)]


class RubricRating(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="ratings"
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    evidence = models.TextField(_("evidence"), max_length=2000)

    class Meta:
        ordering = ["evaluation", "competency__order", "competency"]
        verbose_name = _("rubric rating")
        verbose_name_plural = _("rubric ratings")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "competency"], name="one_rating_per_competency"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rubric_level_1_to_5"),
        ]

    def __str__(self):
        return f"{self.competency} {self.level}"


class SiteFeedback(models.Model):
    """A trainee's evaluation of the practice site. Deliberately holds no link
    to the trainee or the placement (see `SiteFeedbackReceipt`) and no time
    finer than the year: the site sees only aggregates."""

    base = models.ForeignKey(
        PracticeBase, verbose_name=_("practice base"), on_delete=models.CASCADE, related_name="feedback"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    learning = models.PositiveSmallIntegerField(_("learning opportunities"))
    supervision = models.PositiveSmallIntegerField(_("supervision on site"))
    support = models.PositiveSmallIntegerField(_("support and safety"))
    overall = models.PositiveSmallIntegerField(_("overall"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    QUESTIONS = ("learning", "supervision", "support", "overall")

    class Meta:
        verbose_name = _("site feedback")
        verbose_name_plural = _("site feedback")
        indexes = [models.Index(fields=["base", "year"], name="site_feedback_base_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    learning__range=(1, 5), supervision__range=(1, 5), support__range=(1, 5), overall__range=(1, 5)
                ),
                name="site_feedback_ratings_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.base} {self.year}"


class SiteFeedbackReceipt(models.Model):
    """That a placement's trainee has given their site feedback (once), kept
    apart from what they said."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="feedback_receipt"
    )

    class Meta:
        verbose_name = _("site feedback receipt")
        verbose_name_plural = _("site feedback receipts")

    def __str__(self):
        return str(self.placement)
