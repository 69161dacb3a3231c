"""Reads across the two kinds of base: the pairing of training and practice
bases, and the research figures the annual assessment takes."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from placements.models import Placement, PracticeBase
from research.models import ExchangeActivity, Output, ResearchProject
from training.models import TrainingBase

PAIRING_COLUMNS = [
    ("placements", _("Placements tutored from the training base")),
    ("projects", _("Joint projects")),
    ("activities", _("Exchange activities")),
    ("activity_hours", _("Activity hours")),
    ("participant_hours", _("Participant hours")),
    ("outputs", _("Outputs of joint projects")),
]


@dataclass
class PairRow:
    training_base: TrainingBase
    practice_base: PracticeBase
    figures: dict = field(default_factory=dict)

    @property
    def values(self) -> list:
        return [self.figures.get(key, 0) for key, _label in PAIRING_COLUMNS]

    @property
    def is_empty(self) -> bool:
        return not any(self.values)


def bases_for(user) -> tuple[list[TrainingBase], list[PracticeBase], Q]:
    """Every base for administrators; for a coordinator all bases, with the
    rows limited (the returned filter on pairs) to those touching their own."""
    training = list(TrainingBase.objects.all())
    practice = list(PracticeBase.objects.select_related("sub_district"))
    if user.is_administrator:
        return training, practice, None
    own_training = set(user.coordinated_training_bases.values_list("pk", flat=True))
    own_practice = set(user.coordinated_practice_bases.values_list("pk", flat=True))
    return training, practice, (own_training, own_practice)


def pairing(year: int, user) -> list[PairRow]:
    """Training base × practice base figures of `year`, in a fixed number of
    queries (bases 2, the user's own bases 2, then one per figure: 5)."""
    training, practice, own = bases_for(user)
    rows = {
        (t.pk, p.pk): PairRow(t, p)
        for t in training
        for p in practice
        if own is None or t.pk in own[0] or p.pk in own[1]
    }

    def put(key, pairs):
        for training_pk, practice_pk, value in pairs:
            if (training_pk, practice_pk) in rows:
                rows[training_pk, practice_pk].figures[key] = value if value is not None else 0

    put(
        "placements",
        Placement.objects.filter(
            round__internship_start__year=year,
            status__in=Placement.LIVE_STATUSES,
            tutor__research_memberships__isnull=False,
        )
        .values_list("tutor__research_memberships__project__lead_base", "position__base")
        .annotate(n=Count("pk", distinct=True)),
    )
    in_year = Q(start_date__year__lte=year, end_date__year__gte=year)
    put(
        "projects",
        ResearchProject.objects.filter(in_year, partner_bases__isnull=False)
        .values_list("lead_base", "partner_bases")
        .annotate(n=Count("pk", distinct=True)),
    )
    activities = ExchangeActivity.objects.filter(date__year=year).values_list("training_base", "practice_base")
    put("activities", activities.annotate(n=Count("pk")))
    put("activity_hours", activities.annotate(n=Sum("hours")))
    put(
        "participant_hours",
        ExchangeActivity.participants.through.objects.filter(exchangeactivity__date__year=year)
        .values_list("exchangeactivity__training_base", "exchangeactivity__practice_base")
        .annotate(n=Sum("exchangeactivity__hours")),
    )
    put(
        "outputs",
        Output.objects.filter(date__year=year, project__partner_bases__isnull=False)
        .values_list("project__lead_base", "project__partner_bases")
        .annotate(n=Count("pk", distinct=True)),
    )
    return list(rows.values())


def training_base_research(base_pks: list[int], years: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Research outputs and exchange activities of training bases, by (base, year) (two queries)."""
    figures = {(pk, year): {"research_outputs": 0, "exchange_activities": 0} for pk in base_pks for year in years}
    for pk, year, n in (
        Output.objects.filter(project__lead_base__in=base_pks, date__year__in=years)
        .values_list("project__lead_base", "date__year")
        .annotate(n=Count("pk"))
    ):
        figures[pk, year]["research_outputs"] = n
    for pk, year, n in (
        ExchangeActivity.objects.filter(training_base__in=base_pks, date__year__in=years)
        .values_list("training_base", "date__year")
        .annotate(n=Count("pk"))
    ):
        figures[pk, year]["exchange_activities"] = n
    return figures


def practice_base_research(base_pks: list[int], years: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Projects hosted (as a partner, running in the year) and exchange
    activities of practice bases, by (base, year) (one query per year for the
    projects, which span years, and one for the activities)."""
    figures = {(pk, year): {"projects_hosted": 0, "exchange_activities": 0} for pk in base_pks for year in years}
    for year in years:
        for pk, n in (
            ResearchProject.objects.filter(
                partner_bases__in=base_pks, start_date__year__lte=year, end_date__year__gte=year
            )
            .values_list("partner_bases")
            .annotate(n=Count("pk", distinct=True))
        ):
            figures[pk, year]["projects_hosted"] = n
    for pk, year, n in (
        ExchangeActivity.objects.filter(practice_base__in=base_pks, date__year__in=years)
        .values_list("practice_base", "date__year")
        .annotate(n=Count("pk"))
    ):
        figures[pk, year]["exchange_activities"] = n
    return figures
