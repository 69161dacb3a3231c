"""Writes on the annual assessment. Lock order: the report row first.

Administrators comment, require fixes and sign; a base's coordinators (and
administrators) enter the values the data cannot give, with evidence, and
follow up the fixes required of their base. Nothing changes a signed report.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import evaluation
from reports.models import AssessmentReport, Indicator, IndicatorEntry, RequiredFix
from talent import uploads


class AssessmentRefused(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _require_administrator(user) -> None:
    if not user.is_administrator:
        raise AssessmentRefused(_("Only administrators do this."), code="not_administrator")


def _require_base_staff(user, base) -> None:
    if not (user.is_administrator or base.coordinators.filter(pk=user.pk).exists()):
        raise AssessmentRefused(_("Only the base's coordinators and administrators do this."), code="not_base_staff")


def _draft(kind: str, base, year: int) -> AssessmentReport:
    """The year's report, locked; refused once signed."""
    AssessmentReport.objects.get_or_create(base_kind=kind, base_id=base.pk, year=year)
    report = AssessmentReport.objects.select_for_update().get(base_kind=kind, base_id=base.pk, year=year)
    if report.is_signed:
        raise AssessmentRefused(_("The report is signed and can no longer change."), code="signed")
    return report


@transaction.atomic
def enter_value(
    *, kind: str, base, year: int, indicator: Indicator, value: Decimal, note: str, evidence, by
) -> IndicatorEntry:
    _require_base_staff(by, base)
    if indicator.base_kind != kind:
        raise AssessmentRefused(_("This indicator is for the other kind of base."), code="wrong_kind")
    report = _draft(kind, base, year)
    entry = IndicatorEntry.objects.filter(report=report, indicator=indicator).first() or IndicatorEntry(
        report=report, indicator=indicator
    )
    if evidence is not None:
        try:
            uploads.validate_document(evidence)
        except ValidationError as error:
            raise AssessmentRefused(error.messages[0], code=error.code or "file_type") from error
        entry.evidence = evidence
    if not entry.evidence:
        raise AssessmentRefused(_("Attach the evidence of an entered value."), code="evidence_required")
    entry.value, entry.note, entry.entered_by = value, note, by
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def save_comments(*, kind: str, base, year: int, comments: str, by) -> AssessmentReport:
    _require_administrator(by)
    report = _draft(kind, base, year)
    report.comments = comments
    report.save(update_fields=["comments"])
    return report


@transaction.atomic
def require_fix(*, kind: str, base, year: int, description: str, due_date: datetime.date, by) -> RequiredFix:
    _require_administrator(by)
    report = _draft(kind, base, year)
    fix = RequiredFix(report=report, description=description, due_date=due_date)
    fix.full_clean()
    fix.save()
    return fix


@transaction.atomic
def follow_up_fix(*, fix: RequiredFix, base, status: str, follow_up: str, by) -> RequiredFix:
    """Record what was done about a fix; it belongs to an earlier (often signed)
    report, and is shown with the next year's report."""
    _require_base_staff(by, base)
    fix = RequiredFix.objects.select_for_update().get(pk=fix.pk)
    fix.status, fix.follow_up = status, follow_up
    fix.full_clean()
    fix.save()
    return fix


@transaction.atomic
def sign(*, kind: str, base, year: int, by) -> AssessmentReport:
    """Freeze the report as it reads now: later changes of the data do not change it."""
    _require_administrator(by)
    if year >= timezone.localdate().year + 1:
        raise AssessmentRefused(_("A year is assessed once it has begun."), code="future_year")
    report = _draft(kind, base, year)
    _report, previous = evaluation.reports_of(kind, base.pk, year)
    report.snapshot = evaluation.evaluate(kind, base, year, report, previous).as_snapshot()
    report.status = AssessmentReport.Status.SIGNED
    report.signed_by = by
    report.signed_at = timezone.now()
    report.save()
    return report
