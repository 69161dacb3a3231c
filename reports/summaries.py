"""The administrator dashboard's figures as a summary table.

At national size (1.5 million practitioners, 4.5 million enrolments) the
dashboard's aggregates take seconds, so the page reads them from a `Summary`
row that a task computes (figures.administrator_dashboard, unchanged). Any
saved or deleted row that the figures count marks every summary stale
(`mark_stale`, connected in ReportsConfig.ready); the page then shows the
figures it has with their time and "being refreshed", and asks for a refresh.
A summary older than DASHBOARD_SUMMARY_MAX_AGE is refreshed too: writes that
bypass signals (bulk imports) are caught that way.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from reports import figures
from reports.models import Summary

# A request whose task has not run after this long (a worker down) is made again.
REQUEST_AGAIN_AFTER = datetime.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class Figures:
    board: figures.AdministratorDashboard | None
    computed_at: datetime.datetime | None
    stale: bool


def key_of(scope: figures.Scope) -> str:
    def bases(ids):
        return "*" if ids is None else ",".join(str(pk) for pk in sorted(ids))

    return f"administrator:{scope.year}:{bases(scope.training_bases)}:{bases(scope.practice_bases)}"


def scope_of(key: str) -> figures.Scope:
    _kind, year, training, practice = key.split(":")

    def bases(text):
        return None if text == "*" else [int(pk) for pk in text.split(",") if pk]

    return figures.Scope(year=int(year), training_bases=bases(training), practice_bases=bases(practice))


def administrator_dashboard(scope: figures.Scope) -> Figures:
    """The figures for `scope` as last computed, asking for a refresh when they
    are missing, stale or old (with the immediate task backend, as in tests,
    the refresh has run when this returns)."""
    key = key_of(scope)
    summary = Summary.objects.filter(key=key).first()
    old = summary is None or summary.stale or summary.computed_at < timezone.now() - settings.DASHBOARD_SUMMARY_MAX_AGE
    if old and _request_refresh(key, summary):
        summary = Summary.objects.filter(key=key).first()
    if summary is None or summary.data is None:
        return Figures(None, None, stale=True)
    return Figures(decode(summary.data), summary.computed_at, summary.stale)


def _request_refresh(key: str, summary: Summary | None) -> bool:
    now = timezone.now()
    pending = (
        summary is not None
        and summary.requested_at is not None
        and (summary.computed_at is None or summary.requested_at > summary.computed_at)
        and summary.requested_at > now - REQUEST_AGAIN_AFTER
    )
    if pending:
        return False
    _upsert(Summary(key=key, requested_at=now), ["requested_at"])
    refresh_summary.enqueue(key)
    return True


@task()
def refresh_summary(key: str) -> None:
    """Compute one summary. Idempotent: running it twice computes it twice."""
    started = timezone.now()
    # Cleared before counting: a change committed from now on marks it stale again.
    Summary.objects.filter(key=key).update(stale=False)
    board = figures.administrator_dashboard(scope_of(key), timezone.localdate())
    _upsert(Summary(key=key, data=encode(board), computed_at=started, stale=False), ["data", "computed_at"])


def _upsert(summary: Summary, fields: list[str]) -> None:
    """One INSERT … ON CONFLICT (key) DO UPDATE: the same single query whether the row exists or not."""
    Summary.objects.bulk_create([summary], update_conflicts=True, unique_fields=["key"], update_fields=fields)


def mark_stale(**kwargs) -> None:
    """Receiver of post_save / post_delete of every model the figures count.
    Once every summary is stale this matches no row and locks nothing."""
    Summary.objects.filter(stale=False).update(stale=True)


def encode(board: figures.AdministratorDashboard) -> dict:
    return _to_json(dataclasses.asdict(board))


def _to_json(value):
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


def _from_json(value):
    if isinstance(value, dict):
        if set(value) == {"decimal"}:
            return Decimal(value["decimal"])
        if set(value) == {"date"}:
            return datetime.date.fromisoformat(value["date"])
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def decode(data: dict) -> figures.AdministratorDashboard:
    data = _from_json(data)
    registry = data["registry"]
    return figures.AdministratorDashboard(
        registry=figures.Registry(
            total=registry["total"],
            levels=registry["levels"],
            kinds=registry["kinds"],
            by_sub_district=[tuple(pair) for pair in registry["by_sub_district"]],
        ),
        trainings=[figures.TrainingRow(**row) for row in data["trainings"]],
        months=[figures.TrainingRow(**row) for row in data["months"]],
        fill=[figures.FillRow(**row) for row in data["fill"]],
        compliance=data["compliance"],
        certificates=figures.CertificateCounts(**data["certificates"]),
    )
