import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports import assessment, charts, figures, summaries
from reports.forms import DashboardFilterForm, YearForm
from reports.pdf import render_assessment
from rosters import exports
from talent import ledger, scopes
from talent.models import Practitioner
from talent.paging import capped_count

# Dashboards: config.views.home picks one by role.


def administrator_dashboard(request):
    today = timezone.localdate()
    form = DashboardFilterForm(
        request.GET or {"year": today.year},
        this_year=today.year,
        years=figures.years_with_data(today.year),
        training_bases=figures.training_bases_for(request.user),
        practice_bases=figures.practice_bases_for(request.user),
    )
    scope = form.scope()
    summary = summaries.administrator_dashboard(scope)
    board = summary.board
    if board is None:
        return render(request, "home/administrator.html", {"form": form, "scope": scope, "summary": summary})
    registry = board.registry
    context = {
        "form": form,
        "scope": scope,
        "summary": summary,
        "board": board,
        "charts": {
            "level": charts.bar_chart(
                "chart-level", _("Practitioners by qualification level"), registry.by_level, value_label=_("people")
            ),
            "kind": charts.bar_chart(
                "chart-kind", _("Practitioners by kind"), registry.by_kind, value_label=_("people")
            ),
            "sub_district": charts.bar_chart(
                "chart-sub-district",
                _("Practitioners by sub-district"),
                registry.by_sub_district,
                value_label=_("people"),
            ),
            "months": charts.bar_chart(
                "chart-months",
                _("Trainees with a result, by month"),
                [(date_format(row.month, "M"), row.trainees) for row in board.months],
                value_label=_("trainees"),
            ),
            "fill": charts.bar_chart(
                "chart-fill",
                _("Internship seats filled, by sub-district"),
                [(row.base, row.filled, row.capacity) for row in board.fill],
                value_label=_("filled"),
                total_label=_("seats"),
            ),
            "compliance": charts.bar_chart(
                "chart-compliance",
                _("Continuing education in the current cycle"),
                board.compliance_rows,
                value_label=_("people"),
            ),
            "certificates": charts.bar_chart(
                "chart-certificates",
                _("Certificates"),
                [
                    (_("Course certificates issued"), board.certificates.course),
                    (_("Internship certificates issued"), board.certificates.internship),
                    (_("Certificates revoked"), board.certificates.revoked),
                ],
                value_label=_("certificates"),
            ),
        },
    }
    return render(request, "home/administrator.html", context)


def coordinator_dashboard(request):
    user, today = request.user, timezone.localdate()
    context = {
        "training_bases": figures.training_bases_for(user),
        "practice_bases": figures.practice_bases_for(user),
        "people": capped_count(scopes.coordinator_ids(user)),
        "upcoming": figures.upcoming_sessions(user, today),
        "awaiting_results": figures.sessions_awaiting_results(user, today),
        "hour_logs": figures.hour_logs_awaiting(user),
        "evaluations_awaiting": figures.evaluations_awaiting(user, today),
        "round_status": figures.current_round(user),
        "year": today.year,
    }
    return render(request, "home/coordinator.html", context)


def trainee_dashboard(request):
    practitioner = Practitioner.objects.filter(user=request.user).select_related("organization", "sub_district").first()
    context = {"practitioner": practitioner}
    if practitioner:
        placement = figures.current_placement(practitioner)
        context.update(
            cycle=ledger.cycle_status(practitioner),
            live_enrollments=figures.live_enrollments_with_position(practitioner),
            placement=placement,
            placement_percent=figures.percent(placement.approved, placement.round.required_hours)
            if placement
            else None,
            certificates=practitioner.certificates.live(),
        )
    return render(request, "home/trainee.html", context)


# Annual base assessment.


def _require_staff_role(user) -> None:
    if not (user.is_coordinator or user.is_administrator):
        raise PermissionDenied


def _assessed_base(user, kind: str, base_id: int):
    if kind == assessment.TRAINING:
        bases = figures.training_bases_for(user)
    elif kind == assessment.PRACTICE:
        bases = figures.practice_bases_for(user)
    else:
        raise Http404
    return get_object_or_404(bases, pk=base_id)


def _assessment(request, kind, base_id, year) -> assessment.Assessment:
    _require_staff_role(request.user)
    # Any year the menus can offer (a session planned years ahead included),
    # within the calendar Python can count.
    if not 2000 <= year <= datetime.MAXYEAR:
        raise Http404
    return assessment.assessment(kind, _assessed_base(request.user, kind, base_id), year)


@login_required
def assessment_list(request):
    _require_staff_role(request.user)
    this_year = timezone.localdate().year
    form = YearForm(request.GET or None, this_year=this_year, years=figures.years_with_data(this_year))
    context = {
        "form": form,
        "year": form.chosen_year(),
        "training_bases": figures.training_bases_for(request.user),
        "practice_bases": figures.practice_bases_for(request.user),
    }
    return render(request, "reports/assessment_list.html", context)


@login_required
def assessment_detail(request, kind, base_id, year):
    report = _assessment(request, kind, base_id, year)
    return render(request, "reports/assessment.html", {"report": report})


@login_required
def assessment_xlsx(request, kind, base_id, year):
    report = _assessment(request, kind, base_id, year)
    headers = [_("Figure"), str(report.year), str(report.previous_year), _("Change")]
    rows = [
        [m.label, "" if m.value is None else m.value, "" if m.previous is None else m.previous, m.change or 0]
        for m in report.metrics
    ]
    data = exports.dataset(headers, rows, title=_("Assessment %(year)s") % {"year": report.year})
    return exports.download(data, filename=f"assessment-{kind}-{base_id}-{year}", file_format="xlsx")


@login_required
def assessment_pdf(request, kind, base_id, year):
    report = _assessment(request, kind, base_id, year)
    content = render_assessment({"report": report, "generated": timezone.localtime()})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{kind}-{base_id}-{year}.pdf"'
    return response
