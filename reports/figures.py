"""The dashboards' figures, each counted in the database in a fixed number of
queries whatever the size of the data.

A year's trainings are the finished sessions that started in it; a year's
internships are the rounds whose internship starts in it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from certificates.models import Certificate
from placements.models import HourLog, Placement, PlacementRound, Position, PracticeBase
from reports.compliance import compliance_counts
from talent import ledger
from talent.models import Practitioner
from training.models import CourseSession, Enrollment, TrainingBase

RESULT_STATUSES = (Enrollment.Status.COMPLETED, Enrollment.Status.FAILED)


def percent(part, whole) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Scope:
    """Which bases a figure covers: None means every base of that kind."""

    year: int
    training_bases: list[int] | None = None
    practice_bases: list[int] | None = None

    def training(self, prefix: str) -> Q:
        return Q() if self.training_bases is None else Q(**{f"{prefix}__in": self.training_bases})

    def practice(self, prefix: str) -> Q:
        return Q() if self.practice_bases is None else Q(**{f"{prefix}__in": self.practice_bases})


# Administrator: the registry.


@dataclass
class Registry:
    """Counts by code (kept so in the dashboard's summary), labelled when read."""

    total: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    by_sub_district: list[tuple[str, int]] = field(default_factory=list)

    @property
    def by_level(self) -> list[tuple[str, int]]:
        return [(label, self.levels.get(value, 0)) for value, label in Practitioner.QualificationLevel.choices]

    @property
    def by_kind(self) -> list[tuple[str, int]]:
        return [(label, self.kinds.get(value, 0)) for value, label in Practitioner.Kind.choices]


def registry(practitioners=None) -> Registry:
    """Active practitioners by qualification level, kind and sub-district (one query)."""
    practitioners = Practitioner.objects.all() if practitioners is None else practitioners
    rows = (
        practitioners.filter(status=Practitioner.Status.ACTIVE)
        .order_by()
        .values_list("qualification_level", "kind", "sub_district__name")
        .annotate(n=Count("pk"))
    )
    levels: dict[str, int] = {}
    kinds: dict[str, int] = {}
    places: dict[str | None, int] = {}
    total = 0
    for level, kind, place, n in rows:
        levels[level] = levels.get(level, 0) + n
        kinds[kind] = kinds.get(kind, 0) + n
        places[place] = places.get(place, 0) + n
        total += n
    by_place = sorted(((name, n) for name, n in places.items() if name is not None), key=lambda pair: pair[0])
    if places.get(None):
        by_place.append(("—", places[None]))
    return Registry(
        total=total,
        levels=levels,
        kinds=kinds,
        by_sub_district=by_place,
    )


# Trainings delivered.


@dataclass(frozen=True)
class TrainingRow:
    base: str
    month: datetime.date | None
    sessions: int
    trainees: int
    completed: int
    hours: Decimal

    @property
    def completion_rate(self) -> int | None:
        return percent(self.completed, self.trainees)


def _finished_sessions(scope: Scope, *, years: tuple[int, ...]):
    return CourseSession.objects.filter(
        scope.training("course__base"),
        status=CourseSession.Status.FINISHED,
        start_date__gte=datetime.date(min(years), 1, 1),
        start_date__lt=datetime.date(max(years) + 1, 1, 1),
    )


def trainings_by_base_and_month(scope: Scope) -> list[TrainingRow]:
    """Per training base and month of the year: finished sessions, trainees with
    a result (enrolments), how many completed, and class hours taught (two queries)."""
    sessions = (
        _finished_sessions(scope, years=(scope.year,))
        .order_by()
        .values("course__base", month=TruncMonth("start_date"))
        .annotate(base_name=F("course__base__name"), sessions=Count("pk"), hours=Sum("course__hours"))
    )
    results = (
        Enrollment.objects.filter(
            session__in=_finished_sessions(scope, years=(scope.year,)), status__in=RESULT_STATUSES
        )
        .order_by()
        .values("session__course__base", month=TruncMonth("session__start_date"))
        .annotate(trainees=Count("pk"), completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)))
    )
    people = {(r["session__course__base"], r["month"]): r for r in results}
    rows = []
    for s in sessions:
        r = people.get((s["course__base"], s["month"]), {})
        rows.append(
            TrainingRow(
                base=s["base_name"],
                month=s["month"],
                sessions=s["sessions"],
                trainees=r.get("trainees", 0),
                completed=r.get("completed", 0),
                hours=s["hours"] or Decimal(0),
            )
        )
    return sorted(rows, key=lambda row: (row.month, row.base))


def monthly_totals(rows: list[TrainingRow], year: int) -> list[TrainingRow]:
    """Twelve rows, January to December, summed over the bases."""
    months = []
    for month in range(1, 13):
        day = datetime.date(year, month, 1)
        of_month = [row for row in rows if row.month == day]
        months.append(
            TrainingRow(
                base="",
                month=day,
                sessions=sum(row.sessions for row in of_month),
                trainees=sum(row.trainees for row in of_month),
                completed=sum(row.completed for row in of_month),
                hours=sum((row.hours for row in of_month), Decimal(0)),
            )
        )
    return months


# Internship placements.


@dataclass(frozen=True)
class FillRow:
    base: str
    capacity: int
    filled: int
    first_choice: int

    @property
    def fill_rate(self) -> int | None:
        return percent(self.filled, self.capacity)

    @property
    def first_choice_share(self) -> int | None:
        return percent(self.first_choice, self.filled)


def placement_fill(scope: Scope) -> list[FillRow]:
    """Per practice base (sub-district): seats offered in the year's rounds, seats
    filled, and placements that got the trainee's first choice (two queries)."""
    in_year = Q(round__internship_start__year=scope.year)
    offered = (
        Position.objects.filter(in_year, scope.practice("base"))
        .order_by()
        .values("base")
        .annotate(name=F("base__sub_district__name"), capacity=Sum("capacity"))
    )
    taken = (
        Placement.objects.filter(in_year, scope.practice("position__base"), status__in=Placement.LIVE_STATUSES)
        .order_by()
        .values("position__base")
        .annotate(filled=Count("pk"), first=Count("pk", filter=Q(preference_rank=1)))
    )
    taken_by_base = {row["position__base"]: row for row in taken}
    rows = []
    for row in offered:
        seats = taken_by_base.get(row["base"], {})
        rows.append(FillRow(row["name"], row["capacity"] or 0, seats.get("filled", 0), seats.get("first", 0)))
    return sorted(rows, key=lambda row: row.base)


# Certificates.


@dataclass(frozen=True)
class CertificateCounts:
    course: int
    internship: int
    revoked: int

    @property
    def issued(self) -> int:
        return self.course + self.internship


def _certificate_scope(scope: Scope) -> Q:
    if scope.training_bases is None and scope.practice_bases is None:
        return Q()
    return scope.training("enrollment__session__course__base") | scope.practice("placement__position__base")


def certificate_counts(scope: Scope) -> CertificateCounts:
    """Certificates issued in the year by kind, and those revoked in it (one query)."""
    year = Q(issued_at__year=scope.year)
    revoked = Q(revoked_at__year=scope.year)
    counts = (
        Certificate.objects.filter(year | revoked)
        .filter(_certificate_scope(scope))
        .aggregate(
            course=Count("pk", filter=year & Q(kind=Certificate.Kind.COURSE)),
            internship=Count("pk", filter=year & Q(kind=Certificate.Kind.INTERNSHIP)),
            revoked=Count("pk", filter=revoked),
        )
    )
    return CertificateCounts(**counts)


@dataclass
class AdministratorDashboard:
    registry: Registry
    trainings: list[TrainingRow]
    months: list[TrainingRow]
    fill: list[FillRow]
    compliance: dict[str, int]
    certificates: CertificateCounts

    @property
    def compliance_rows(self) -> list[tuple[str, int]]:
        return [(ledger.STATE_LABELS[state], n) for state, n in self.compliance.items()]

    @property
    def training_totals(self) -> TrainingRow:
        return TrainingRow(
            base="",
            month=None,
            sessions=sum(r.sessions for r in self.trainings),
            trainees=sum(r.trainees for r in self.trainings),
            completed=sum(r.completed for r in self.trainings),
            hours=sum((r.hours for r in self.trainings), Decimal(0)),
        )

    @property
    def fill_totals(self) -> FillRow:
        return FillRow(
            "",
            sum(r.capacity for r in self.fill),
            sum(r.filled for r in self.fill),
            sum(r.first_choice for r in self.fill),
        )


def administrator_dashboard(scope: Scope, today: datetime.date | None = None) -> AdministratorDashboard:
    """City-wide figures (eight queries). The registry and continuing education are
    as of today and city-wide; the rest follow the year and base filters."""
    trainings = trainings_by_base_and_month(scope)
    return AdministratorDashboard(
        registry=registry(),
        trainings=trainings,
        months=monthly_totals(trainings, scope.year),
        fill=placement_fill(scope),
        compliance=compliance_counts(Practitioner.objects.filter(status=Practitioner.Status.ACTIVE), today),
        certificates=certificate_counts(scope),
    )


# Coordinator.


@dataclass
class RoundStatus:
    round: PlacementRound
    capacity: int
    filled: int
    first_choice: int
    applicants: int

    @property
    def fill_rate(self) -> int | None:
        return percent(self.filled, self.capacity)


def current_round(user) -> RoundStatus | None:
    """The latest round under way with positions at the user's bases, and its
    matching at those bases (three queries)."""
    positions = Position.objects.visible_to(user)
    round = (
        PlacementRound.objects.filter(pk__in=positions.values("round"))
        .exclude(status__in=[PlacementRound.Status.DRAFT, PlacementRound.Status.FINISHED])
        .order_by("-internship_start", "-pk")
        .first()
    )
    if round is None:
        return None
    mine = positions.filter(round=round)
    capacity = mine.aggregate(seats=Coalesce(Sum("capacity"), 0))["seats"]
    counts = Placement.objects.filter(position__in=mine, status__in=Placement.LIVE_STATUSES).aggregate(
        filled=Count("pk"), first=Count("pk", filter=Q(preference_rank=1))
    )
    applicants = round.preferences.filter(position__in=mine).order_by().values("trainee").distinct().count()
    return RoundStatus(round, capacity, counts["filled"], counts["first"], applicants)


def upcoming_sessions(user, today: datetime.date, limit: int = 10):
    return (
        CourseSession.objects.visible_to(user)
        .filter(
            start_date__gte=today,
            status__in=[CourseSession.Status.DRAFT, CourseSession.Status.OPEN, CourseSession.Status.CLOSED],
        )
        .with_seat_counts()
        .select_related("course__base")
        .order_by("start_date", "pk")[:limit]
    )


def sessions_awaiting_results(user, today: datetime.date, limit: int = 10):
    """Sessions whose end date has come but which are not finished: results are
    due (they may be entered from the last day on)."""
    return (
        CourseSession.objects.visible_to(user)
        .filter(end_date__lte=today, status__in=[CourseSession.Status.OPEN, CourseSession.Status.CLOSED])
        .with_seat_counts()
        .select_related("course__base")
        .order_by("end_date", "pk")[:limit]
    )


def hour_logs_awaiting(user) -> dict:
    """Hour logs waiting for review at the user's practice bases or at positions they supervise."""
    mine = Q(placement__position__base__in=PracticeBase.objects.filter(coordinators=user)) | Q(
        placement__position__supervisor__user=user
    )
    return (
        HourLog.objects.filter(mine, status=HourLog.Status.SUBMITTED)
        .order_by()
        .aggregate(count=Count("pk"), hours=Coalesce(Sum("hours"), Decimal(0)))
    )


def evaluations_awaiting(user, today: datetime.date) -> int:
    """Confirmed placements at the user's bases whose internship has ended and
    which still lack the supervisor's or the tutor's evaluation."""
    return (
        Placement.objects.filter(
            position__in=Position.objects.visible_to(user),
            status=Placement.Status.CONFIRMED,
            round__internship_end__lt=today,
        )
        .annotate(evaluation_count=Count("evaluations"))
        .filter(evaluation_count__lt=2)
        .count()
    )


# Trainee.


def live_enrollments_with_position(practitioner):
    """The trainee's live enrolments, each with `waitlist_position` (one query)."""
    ahead = (
        Enrollment.objects.filter(session=OuterRef("session"), status=Enrollment.Status.WAITLISTED)
        .filter(
            Q(waitlist_order__lt=OuterRef("waitlist_order"))
            | Q(waitlist_order=OuterRef("waitlist_order"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Enrollment.objects.live()
        .filter(trainee=practitioner)
        .annotate(ahead=Coalesce(Subquery(ahead), 0))
        .select_related("session__course__base")
        .order_by("session__start_date", "pk")
    )


def current_placement(practitioner):
    """The trainee's latest placement that is not withdrawn, with `approved` hours (one query)."""
    return (
        Placement.objects.filter(trainee=practitioner)
        .exclude(status=Placement.Status.WITHDRAWN)
        .annotate(
            approved=Coalesce(Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED)), Decimal(0))
        )
        .select_related("round", "position__base__sub_district")
        .order_by("-round__internship_start", "-pk")
        .first()
    )


def years_with_data(this_year: int) -> list[int]:
    """The years a year menu offers, newest first: every year from the earliest
    to the latest that has a course session or an internship round, future ones
    included (next spring's round is planned this autumn), and always this year.
    One query, whatever the number of sessions and rounds."""
    sessions = CourseSession.objects.order_by().annotate(year=ExtractYear("start_date")).values_list("year")
    rounds = PlacementRound.objects.order_by().annotate(year=ExtractYear("internship_start")).values_list("year")
    years = {this_year, *(year for (year,) in sessions.union(rounds))}
    return list(range(max(years), min(years) - 1, -1))


def training_bases_for(user):
    return TrainingBase.objects.visible_to(user)


def practice_bases_for(user):
    return PracticeBase.objects.visible_to(user).select_related("sub_district")
