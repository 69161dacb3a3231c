from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from placements import lifecycle_views, rubrics, selectors, services
from placements.forms import (
    EvaluationForm,
    HourLogForm,
    ManualPlacementForm,
    MoveForm,
    OverrideForm,
    PreferencesForm,
    ReopenForm,
    ResolveAppealForm,
    ReviewForm,
    RubricEvaluationForm,
    TutorForm,
)
from placements.models import Appeal, HourLog, Placement, PlacementRound, Position
from rosters import exports
from talent.models import Practitioner


def _practitioner(user) -> Practitioner | None:
    return Practitioner.objects.filter(user=user).first() if user.is_authenticated else None


def round_list(request):
    rounds = PlacementRound.objects.exclude(status=PlacementRound.Status.DRAFT).prefetch_related(
        Prefetch(
            "positions",
            Position.objects.with_fill().select_related("base__sub_district", "supervisor").order_by("base", "code"),
        )
    )
    return render(request, "placements/round_list.html", {"rounds": rounds})


@login_required
def my_placements(request):
    trainee = _practitioner(request.user)
    if trainee is None:
        return render(request, "talent/no_profile.html", status=404)
    collecting = [
        r for r in PlacementRound.objects.filter(status=PlacementRound.Status.COLLECTING) if r.accepts_preferences()
    ]
    preference_forms = []
    for round in collecting:
        ranked = {p.rank: p.position for p in round.preferences.filter(trainee=trainee).select_related("position")}
        initial = {f"choice_{rank}": position for rank, position in ranked.items()}
        preference_forms.append((round, PreferencesForm(round=round, initial=initial, prefix=f"round{round.pk}")))
    placements = (
        trainee.placements.exclude(status=Placement.Status.WITHDRAWN)
        # A proposal is the trainee's to see once the organisers publish it.
        .exclude(status=Placement.Status.PROPOSED, round__published_at__isnull=True)
        .select_related("round", "position__base__sub_district", "position__supervisor", "tutor", "agreement")
        .prefetch_related("hour_logs", "evaluations", "appeals")
        .order_by("-round__internship_start")
    )
    mentored = (
        Placement.objects.filter(Q(position__supervisor=trainee) | Q(tutor=trainee))
        .filter(status__in=Placement.LIVE_STATUSES)
        .exclude(status=Placement.Status.PROPOSED)
        .select_related("trainee", "position__base__sub_district", "round")
        .order_by("-round__internship_start", "trainee__name")
    )
    context = {
        "preference_forms": preference_forms,
        "placements": [(p, services.approved_hours(p), HourLogForm(prefix=f"log{p.pk}")) for p in placements],
        "mentored": mentored,
    } | lifecycle_views.trainee_context(trainee, list(placements))
    return render(request, "placements/my_placements.html", context)


@require_POST
@login_required
def submit_preferences(request, round_pk):
    trainee = _practitioner(request.user)
    round = get_object_or_404(PlacementRound, pk=round_pk)
    if trainee is None:
        raise Http404
    form = PreferencesForm(request.POST, round=round, prefix=f"round{round.pk}")
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("placements:mine")
    try:
        services.submit_preferences(
            trainee=trainee,
            round=round,
            positions=form.cleaned_data["positions"],
            statements=form.cleaned_data["statements"],
        )
    except services.PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your preferences were saved."))
    return redirect("placements:mine")


@require_POST
@login_required
def log_hours(request, placement_pk):
    placement = get_object_or_404(
        Placement.objects.select_related("round"), pk=placement_pk, trainee__user=request.user
    )
    form = HourLogForm(request.POST, prefix=f"log{placement.pk}")
    if form.is_valid():
        try:
            services.log_hours(placement=placement, **form.cleaned_data)
        except services.PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your hours were submitted for approval."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {' '.join(errors)}")
    return redirect("placements:mine")


# Coordinator pages: rounds and positions of the practice bases they coordinate.


def _require_coordinator(user) -> None:
    if not (user.is_coordinator or user.is_administrator):
        raise PermissionDenied


def _managed_round(user, pk) -> PlacementRound:
    """A round the user organises or has a position in (404 otherwise)."""
    _require_coordinator(user)
    return get_object_or_404(PlacementRound.objects.managed_by(user), pk=pk)


def _managed_positions(user, round: PlacementRound):
    """The round's positions the user manages: all of them for its organisers,
    their own base's for a base coordinator."""
    return Position.objects.managed_by(user).filter(round=round)


@login_required
def manage_rounds(request):
    _require_coordinator(request.user)
    rounds = PlacementRound.objects.managed_by(request.user).prefetch_related("organisers")
    organised = set(PlacementRound.objects.organised_by(request.user).values_list("pk", flat=True))
    return render(request, "placements/manage_rounds.html", {"rounds": rounds, "organised": organised})


@login_required
def manage_round(request, pk):
    round = _managed_round(request.user, pk)
    positions = _managed_positions(request.user, round).with_fill().select_related("base__sub_district", "supervisor")
    placements = (
        round.placements.filter(position__in=positions, status__in=Placement.LIVE_STATUSES)
        .select_related("trainee", "position__base__sub_district", "tutor")
        .prefetch_related("evaluations")
        .order_by("position__base", "position__code", "trainee__name")
    )
    rows = list(positions)
    histogram = selectors.rank_histogram(rows)
    for position in rows:
        position.ranked_by = sorted(histogram[position.pk].items())
    matching = round.status == PlacementRound.Status.MATCHING
    before_deadline = round.before_deadline()
    context = {
        "round": round,
        "organisers": round.organisers.all(),
        "organiser": round.is_organised_by(request.user),
        "before_deadline": before_deadline,
        # Only an administrator may go ahead before the deadline, with a reason.
        "may_override": before_deadline and request.user.is_administrator,
        "positions": rows,
        "placements": placements,
        "chart": rank_chart(services.rank_counts(round, positions=positions)),
        "appeals": Appeal.objects.filter(round=round, placement__position__in=positions)
        .select_related("trainee", "placement__position__base__sub_district")
        .order_by("status", "created_at"),
        "resolve_form": ResolveAppealForm(positions=positions),
        "unplaced": services.unplaced_with_reasons(round, positions=positions) if matching else [],
        "manual_form": ManualPlacementForm(positions=positions),
        "override_form": OverrideForm(),
        "reopen_form": ReopenForm(),
    }
    return render(request, "placements/manage_round.html", context)


def rank_chart(counts: dict[int | None, int]) -> list[dict]:
    """Rows of the horizontal bar chart (SVG units: 10 per row, bars up to 200 wide)."""
    most = max(counts.values()) or 1
    return [
        {"rank": rank, "count": count, "y": 10 * i, "width": 200 * count // most}
        for i, (rank, count) in enumerate(counts.items())
    ]


def _override_reason(request) -> str:
    form = OverrideForm(request.POST)
    # Only a length check: the service decides whether a reason is needed.
    return form.cleaned_data["override_reason"] if form.is_valid() else ""


@require_POST
@login_required
def run_matching(request, pk):
    round = _managed_round(request.user, pk)
    try:
        report = services.match_round(round=round, by=request.user, override_reason=_override_reason(request))
    except services.PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Matching proposed %(placed)d placements; %(unplaced)d people could not be placed.")
            % {"placed": report.placed, "unplaced": len(report.unplaced)},
        )
    return redirect("placements:manage-round", pk=round.pk)


@require_POST
@login_required
def confirm_round(request, pk):
    round = _managed_round(request.user, pk)
    try:
        confirmed = services.confirm_round(round=round, by=request.user, override_reason=_override_reason(request))
    except services.PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(count)d placements confirmed; the trainees were told.") % {"count": confirmed})
    return redirect("placements:manage-round", pk=round.pk)


@require_POST
@login_required
def reopen_round(request, pk):
    round = _managed_round(request.user, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("placements:manage-round", pk=round.pk)
    try:
        discarded = services.reopen_round(
            round=round, by=request.user, preference_deadline=form.cleaned_data["preference_deadline"]
        )
    except services.PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("The round collects preferences again; %(count)d proposals were discarded.") % {"count": discarded},
        )
    return redirect("placements:manage-round", pk=round.pk)


def _managed_placement(user, pk) -> Placement:
    _require_coordinator(user)
    return get_object_or_404(
        Placement.objects.select_related("trainee", "round"), pk=pk, position__in=Position.objects.managed_by(user)
    )


@require_POST
@login_required
def add_placement(request, pk):
    round = _managed_round(request.user, pk)
    form = ManualPlacementForm(request.POST, positions=_managed_positions(request.user, round))
    if form.is_valid():
        try:
            services.add_placement(
                trainee=form.cleaned_data["resident_id"], position=form.cleaned_data["position"], by=request.user
            )
        except services.PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Placement added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("placements:manage-round", pk=round.pk)


@require_POST
@login_required
def move_placement(request, pk):
    placement = _managed_placement(request.user, pk)
    form = MoveForm(request.POST, positions=_managed_positions(request.user, placement.round))
    if form.is_valid():
        try:
            services.move_placement(placement=placement, position=form.cleaned_data["position"], by=request.user)
        except services.PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": placement.trainee.name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("placements:manage-round", pk=placement.round_id)


@require_POST
@login_required
def set_tutor(request, pk):
    placement = _managed_placement(request.user, pk)
    form = TutorForm(request.POST)
    if form.is_valid():
        tutor = form.cleaned_data["resident_id"]
        try:
            services.set_tutor(placement=placement, tutor=tutor, by=request.user)
        except services.PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("%(tutor)s is now %(name)s's tutor.") % {"tutor": tutor, "name": placement.trainee},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("placements:manage-round", pk=placement.round_id)


@require_POST
@login_required
def withdraw_placement(request, pk):
    placement = _managed_placement(request.user, pk)
    try:
        services.withdraw_placement(placement=placement, by=request.user)
    except services.PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(name)s's placement was withdrawn.") % {"name": placement.trainee.name})
    return redirect("placements:manage-round", pk=placement.round_id)


def _reviewable_logs(user):
    """Hour logs of positions the user coordinates or supervises."""
    logs = HourLog.objects.select_related("placement__trainee", "placement__position__base__sub_district")
    if user.is_administrator:
        return logs
    return logs.filter(
        Q(placement__position__base__coordinators=user) | Q(placement__position__supervisor__user=user)
    ).distinct()


@login_required
def hour_logs(request):
    logs = _reviewable_logs(request.user)
    if not logs.exists() and not (request.user.is_coordinator or request.user.is_administrator):
        raise PermissionDenied
    waiting = logs.filter(status=HourLog.Status.SUBMITTED).order_by("date", "pk")
    return render(request, "placements/hour_logs.html", {"logs": waiting, "review_form": ReviewForm()})


@require_POST
@login_required
def review_hour_log(request, pk):
    log = get_object_or_404(_reviewable_logs(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_hour_log(
                log=log, approve=form.cleaned_data["approve"], reason=form.cleaned_data["reason"], by=request.user
            )
        except services.PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("placements:hour-logs")


@login_required
def evaluate(request, pk):
    """The on-site supervisor's or tutor's evaluation of one placement."""
    mentor = _practitioner(request.user)
    placement = get_object_or_404(Placement.objects.select_related("trainee", "position__supervisor", "round"), pk=pk)
    if mentor is None or mentor.pk not in (placement.position.supervisor_id, placement.tutor_id):
        raise Http404
    rubric = rubrics.rubric_in_use()
    form = RubricEvaluationForm(request.POST or None, rubric=rubric) if rubric else EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if rubric:
            data = {"stage": data["stage"], "comment": data["comment"], "ratings": form.ratings()}
        try:
            services.submit_evaluation(placement=placement, mentor=mentor, **data)
        except services.PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your evaluation was saved."))
            return redirect("home")
    return render(request, "placements/evaluate.html", {"placement": placement, "form": form, "rubric": rubric})


@login_required
def export_placements(request, pk, file_format):
    round = _managed_round(request.user, pk)
    placements = (
        round.placements.filter(position__in=_managed_positions(request.user, round))
        .exclude(status=Placement.Status.WITHDRAWN)
        .select_related("trainee", "position__base__sub_district", "position__supervisor", "tutor")
        .prefetch_related("hour_logs", "evaluations")
        .order_by("position__base", "position__code", "trainee__name")
    )
    headers = [
        _("name"),
        _("resident ID"),
        _("practice base"),
        _("position code"),
        _("position title"),
        _("preference rank"),
        _("status"),
        _("on-site supervisor"),
        _("tutor"),
        _("approved hours"),
        _("submitted hours"),
        _("evaluation scores"),
    ]
    rows = []
    for p in placements:
        logs = p.hour_logs.all()
        rows.append(
            [
                p.trainee.name,
                p.trainee.exported_resident_id_for(request.user),
                str(p.position.base),
                p.position.code,
                p.position.title,
                p.preference_rank or "",
                p.get_status_display(),
                str(p.position.supervisor or ""),
                str(p.tutor or ""),
                sum((log.hours for log in logs if log.status == HourLog.Status.APPROVED), 0),
                sum((log.hours for log in logs if log.status == HourLog.Status.SUBMITTED), 0),
                " / ".join(f"{e.get_role_display()} {e.score}" for e in p.evaluations.all()),
            ]
        )
    return exports.download(
        exports.dataset(headers, rows, title=_("Placements")),
        filename=f"placements-{round.pk}",
        file_format=file_format,
    )
