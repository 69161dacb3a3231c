import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import assessment, charts, evaluation, figures, services, summaries
from reports.forms import (
    CommentsForm,
    DashboardFilterForm,
    FixFollowUpForm,
    IndicatorEntryForm,
    RequiredFixForm,
    YearForm,
)
from reports.models import IndicatorEntry, RequiredFix
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


def _evaluation_context(request, kind, base_id, year) -> dict:
    """The page's figures: the evaluation (frozen once signed), its report row,
    last year's required fixes to follow up."""
    _require_staff_role(request.user)
    if not 2000 <= year <= datetime.MAXYEAR:
        raise Http404
    base = _assessed_base(request.user, kind, base_id)
    result, report, previous_report = evaluation.evaluation(kind, base, year)
    return {
        "base": base,
        "kind": kind,
        "kind_label": assessment.KINDS[kind],
        "year": year,
        "previous_year": year - 1,
        "evaluation": result,
        "record": report,
        "signed": report is not None and report.is_signed,
        "fixes": list(report.fixes.all()) if report is not None else [],
        "fixes_to_follow": evaluation.fixes_to_follow(previous_report),
    }


@login_required
def assessment_detail(request, kind, base_id, year):
    context = _evaluation_context(request, kind, base_id, year)
    if not context["signed"]:
        context["entry_form"] = IndicatorEntryForm(kind=kind)
        context["fix_form"] = RequiredFixForm()
    return render(request, "reports/assessment.html", context)


@login_required
def assessment_xlsx(request, kind, base_id, year):
    context = _evaluation_context(request, kind, base_id, year)
    result = context["evaluation"]
    headers = [_("Indicator"), _("Weight"), _("Target"), str(year), _("Score"), str(year - 1), _("Score")]
    rows = [
        [r.name, r.weight, r.target, r.value or "", r.score, r.previous or "", r.previous_score] for r in result.rows
    ]
    rows.append(
        [
            _("Total"),
            "",
            "",
            result.total or "",
            result.grade_label,
            result.previous_total or "",
            result.previous_grade_label,
        ]
    )
    rows.append([""])
    rows.extend([m["label"], "", "", m["value"] or "", "", m["previous"] or "", ""] for m in result.metrics)
    if result.comments:
        rows.extend([[""], [_("Reviewer comments"), result.comments]])
    rows.extend([_("Required fix"), fix["description"], fix["due_date"]] for fix in result.fixes)
    rows = [[*row, *[""] * (len(headers) - len(row))] for row in rows]
    data = exports.dataset(headers, rows, title=_("Assessment %(year)s") % {"year": year})
    return exports.download(data, filename=f"assessment-{kind}-{base_id}-{year}", file_format="xlsx")


@login_required
def assessment_pdf(request, kind, base_id, year):
    context = _evaluation_context(request, kind, base_id, year)
    content = render_assessment({**context, "generated": timezone.localtime()})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{kind}-{base_id}-{year}.pdf"'
    return response


def _assessment_action(request, kind, base_id, year, action, success):
    context = _evaluation_context(request, kind, base_id, year)
    try:
        action(context["base"])
    except services.AssessmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success)
    return redirect("reports:assessment", kind, base_id, year)


def _invalid(request, form, kind, base_id, year):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("reports:assessment", kind, base_id, year)


@require_POST
@login_required
def assessment_enter(request, kind, base_id, year):
    form = IndicatorEntryForm(request.POST, request.FILES, kind=kind)
    if not form.is_valid():
        _evaluation_context(request, kind, base_id, year)  # 404 outside the user's bases
        return _invalid(request, form, kind, base_id, year)
    data = form.cleaned_data
    return _assessment_action(
        request,
        kind,
        base_id,
        year,
        lambda base: services.enter_value(
            kind=kind,
            base=base,
            year=year,
            indicator=data["indicator"],
            value=data["value"],
            note=data["note"],
            evidence=data["evidence"],
            by=request.user,
        ),
        _("The value was entered."),
    )


@require_POST
@login_required
def assessment_comments(request, kind, base_id, year):
    form = CommentsForm(request.POST)
    form.is_valid()
    return _assessment_action(
        request,
        kind,
        base_id,
        year,
        lambda base: services.save_comments(
            kind=kind, base=base, year=year, comments=form.cleaned_data.get("comments", ""), by=request.user
        ),
        _("The comments were saved."),
    )


@require_POST
@login_required
def assessment_fix(request, kind, base_id, year):
    form = RequiredFixForm(request.POST)
    if not form.is_valid():
        _evaluation_context(request, kind, base_id, year)
        return _invalid(request, form, kind, base_id, year)
    return _assessment_action(
        request,
        kind,
        base_id,
        year,
        lambda base: services.require_fix(kind=kind, base=base, year=year, by=request.user, **form.cleaned_data),
        _("The fix was added."),
    )


@require_POST
@login_required
def assessment_follow_up(request, kind, base_id, year, fix_pk):
    context = _evaluation_context(request, kind, base_id, year)
    fix = get_object_or_404(
        RequiredFix, pk=fix_pk, report__base_kind=kind, report__base_id=base_id, report__year=year - 1
    )
    form = FixFollowUpForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, kind, base_id, year)
    try:
        services.follow_up_fix(fix=fix, base=context["base"], by=request.user, **form.cleaned_data)
    except services.AssessmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The follow-up was saved."))
    return redirect("reports:assessment", kind, base_id, year)


@require_POST
@login_required
def assessment_sign(request, kind, base_id, year):
    return _assessment_action(
        request,
        kind,
        base_id,
        year,
        lambda base: services.sign(kind=kind, base=base, year=year, by=request.user),
        _("The report is signed; it no longer changes."),
    )


@login_required
def assessment_evidence(request, kind, base_id, year, entry_pk):
    """An entered value's evidence, for the base's coordinators and administrators only."""
    _evaluation_context(request, kind, base_id, year)
    entry = get_object_or_404(
        IndicatorEntry, pk=entry_pk, report__base_kind=kind, report__base_id=base_id, report__year__in=[year, year - 1]
    )
    if not entry.evidence:
        raise Http404
    extension = entry.evidence.name.rsplit(".", 1)[-1]
    return FileResponse(entry.evidence.open("rb"), as_attachment=True, filename=f"evidence-{entry.pk}.{extension}")
