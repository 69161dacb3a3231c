"""Continuing-education compliance counted in the database.

`talent.ledger.cycle_status` classifies one person at a time; the city-wide
dashboard needs the same classification for a hundred thousand people, so this
module states the ledger's rules as SQL and lets the database count:

- the number of whole cycles since the registration date comes from a few
  date thresholds worked out here (one per cycle, not one per person);
- the cycle's start and re-registration date are the registration date plus
  that many years, ending on 28 February for a 29 February registration, as in
  the ledger;
- the hours earned in the cycle, the expected pace and the six-month window
  before re-registration then give the state.

tests/reports/test_compliance.py checks that both agree person by person.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, DateField, DecimalField, F, Func, IntegerField, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from talent import ledger
from talent.models import Practitioner

# The ledger calls a person short when re-registration is this close.
SHORT_WINDOW_DAYS = 183


class AddYears(Func):
    """`date + years`, where 29 February lands on 28 February in a common year."""

    output_field = DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"AddYears is not written for {connection.vendor}")

    def _parts(self, compiler):
        day, day_params = compiler.compile(self.source_expressions[0])
        years, years_params = compiler.compile(self.source_expressions[1])
        return day, list(day_params), years, list(years_params)

    def as_postgresql(self, compiler, connection, **extra):
        # PostgreSQL keeps the day within the month, as the ledger does.
        day, day_params, years, years_params = self._parts(compiler)
        return f"(({day}) + make_interval(years => ({years})::integer))::date", day_params + years_params

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite rolls 29 February over to 1 March; step back a day when it did.
        day, day_params, years, years_params = self._parts(compiler)
        shifted = f"date({day}, '+' || ({years}) || ' years')"
        params_shifted = day_params + years_params
        sql = (
            f"CASE WHEN strftime('%%m-%%d', {day}) = '02-29' AND strftime('%%m-%%d', {shifted}) = '03-01' "
            f"THEN date({shifted}, '-1 day') ELSE {shifted} END"
        )
        return sql, day_params + params_shifted + params_shifted + params_shifted


class DaysBetween(Func):
    """Whole days from the first date to the second."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"DaysBetween is not written for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return f"(({end})::date - ({start})::date)", [*end_params, *start_params]

    def as_sqlite(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", [*end_params, *start_params]


def _latest_registration_with(cycles: int, today: datetime.date) -> datetime.date:
    """The latest registration date that has completed `cycles` whole cycles by `today`."""
    years = settings.CONTINUING_EDUCATION_CYCLE_YEARS * cycles
    try:
        candidate = today.replace(year=today.year - years)
    except ValueError:  # today is 29 February
        candidate = today.replace(year=today.year - years, day=28)
    one_day = datetime.timedelta(days=1)
    while ledger._add_years(candidate + one_day, years) <= today:
        candidate += one_day
    while ledger._add_years(candidate, years) > today:
        candidate -= one_day
    return candidate


def _whole_cycles(registration_date: datetime.date, today: datetime.date) -> int:
    start, _end = ledger.current_cycle(registration_date, today)
    return (start.year - registration_date.year) // settings.CONTINUING_EDUCATION_CYCLE_YEARS


def annotate_cycle_state(practitioners, today: datetime.date):
    """The qualified, registered people of `practitioners`, one row each, with
    `state` set to ledger.ON_PACE, AT_RISK or SHORT (two queries)."""
    cycle_years = settings.CONTINUING_EDUCATION_CYCLE_YEARS
    qualified = practitioners.exclude(qualification_level=Practitioner.QualificationLevel.NONE).filter(
        registration_date__isnull=False,
        registration_date__lte=today,
        qualification_level__in=list(settings.CONTINUING_EDUCATION_REQUIRED_HOURS),
    )
    earliest = qualified.aggregate(earliest=Min("registration_date"))["earliest"]
    most_cycles = _whole_cycles(earliest, today) if earliest else 0
    offset = Case(
        *(
            When(registration_date__lte=_latest_registration_with(cycles, today), then=Value(cycles * cycle_years))
            for cycles in range(most_cycles, 0, -1)
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    required = Case(
        *(
            When(qualification_level=level, then=Value(hours))
            for level, hours in settings.CONTINUING_EDUCATION_REQUIRED_HOURS.items()
        ),
        output_field=IntegerField(),
    )
    in_cycle = Q(learning_records__date__gte=F("cycle_start"), learning_records__date__lt=F("cycle_end"))
    return (
        qualified.order_by()
        .annotate(offset=offset)
        .annotate(
            cycle_start=AddYears(F("registration_date"), F("offset")),
            cycle_end=AddYears(F("registration_date"), F("offset") + Value(cycle_years)),
            required=required,
        )
        .annotate(
            elapsed=DaysBetween(F("cycle_start"), Value(today, output_field=DateField())),
            length=DaysBetween(F("cycle_start"), F("cycle_end")),
            to_go=DaysBetween(Value(today, output_field=DateField()), F("cycle_end")),
            earned=Coalesce(
                Sum("learning_records__hours", filter=in_cycle), Value(Decimal(0)), output_field=DecimalField()
            ),
        )
        .annotate(
            # Behind pace: earned < required × elapsed / length, to the tenth of an hour
            # the ledger rounds the expected hours to.
            behind=F("required") * F("elapsed") - (F("earned") + Value(Decimal("0.05"))) * F("length"),
        )
        .annotate(
            state=Case(
                When(earned__gte=F("required"), then=Value(ledger.ON_PACE)),
                When(to_go__lte=SHORT_WINDOW_DAYS, then=Value(ledger.SHORT)),
                When(behind__gt=0, then=Value(ledger.AT_RISK)),
                default=Value(ledger.ON_PACE),
            )
        )
    )


def compliance_counts(practitioners, today: datetime.date | None = None) -> dict[str, int]:
    """How many qualified, registered people are on pace, behind pace or short
    near re-registration, counted in the database (two queries)."""
    today = today or datetime.date.today()
    states = (ledger.ON_PACE, ledger.AT_RISK, ledger.SHORT)
    counts = annotate_cycle_state(practitioners, today).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in states}
    )
    return {state: counts[state] or 0 for state in states}
