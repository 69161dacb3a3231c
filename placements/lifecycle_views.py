"""Pages of the internship's lifecycle: proposals with their explanation and
appeal, answers and offers, the learning agreement, the weekly journal, site
visits, the site feedback; for coordinators, the applicants with their marks,
publishing, appeals and the tutor search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from placements import acceptability, agreements, appeals, feedback, journals, offers, selectors, visits
from placements.errors import PlacementRefused
from placements.forms import (
    AgreementForm,
    AppealForm,
    JournalCommentForm,
    JournalForm,
    MarkForm,
    ResolveAppealForm,
    SiteFeedbackForm,
    VisitForm,
)
from placements.models import (
    Appeal,
    JournalEntry,
    LearningAgreement,
    Placement,
    PlacementRound,
    Position,
    SeatOffer,
    UnplacedExplanation,
)
from talent.models import Practitioner


def _me(user) -> Practitioner | None:
    return Practitioner.objects.filter(user=user).first()


def _errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label} {' '.join(errors)}".strip())


def _placement_for(user, pk) -> tuple[Placement, str, Practitioner | None]:
    """The placement and the user's part in it: trainee, supervisor, tutor or
    coordinator (its position's base or round); 404 for anyone else."""
    placement = get_object_or_404(
        Placement.objects.exclude(status=Placement.Status.WITHDRAWN).select_related(
            "trainee", "round", "tutor", "position__supervisor", "position__base__sub_district"
        ),
        pk=pk,
    )
    me = _me(user)
    role = agreements.role_of(placement, me)
    if role is None and (user.is_coordinator or user.is_administrator) and placement.position.is_managed_by(user):
        role = "coordinator"
    if role is None:
        raise Http404
    return placement, role, me


# The trainee's page (/placements/mine/) -------------------------------------------


def trainee_context(trainee: Practitioner, placements: list[Placement]) -> dict:
    """What /placements/mine/ adds for the lifecycle: explanations (of a
    proposal, or of being given none in a round still running), appeal and
    answer forms, open offers, the site feedback form."""
    without = list(
        UnplacedExplanation.objects.filter(
            trainee=trainee, round__status__in=(PlacementRound.Status.MATCHING, PlacementRound.Status.CONFIRMED)
        )
        # Given a seat since (an offer accepted, a placement by hand): the account is moot.
        .exclude(
            round__in=Placement.objects.filter(trainee=trainee, status__in=Placement.LIVE_STATUSES).values("round")
        )
        .select_related("round")
    )
    explained_rounds = {p.round_id for p in placements if p.explanation} | {u.round_id for u in without}
    positions = {
        p.pk: p for p in Position.objects.filter(round__in=explained_rounds).select_related("base__sub_district")
    }
    rows = []
    for placement in placements:
        explanation = [
            entry | {"position_obj": positions.get(entry["position"])}
            for entry in (placement.explanation or {}).get("choices", [])
        ]
        appeal = next(iter(placement.appeals.all()), None)
        rows.append(
            {
                "placement": placement,
                "explanation": explanation,
                "explaining": placement.status == Placement.Status.PROPOSED
                and placement.explanation is None
                and placement.preference_rank != 1,
                "appeal": appeal,
                "may_appeal": appeal is None
                and placement.status == Placement.Status.PROPOSED
                and placement.round.takes_appeals(),
                "awaiting_answer": placement.status == Placement.Status.CONFIRMED
                and placement.accepted_at is None
                and placement.respond_by is not None,
                "agreement_confirmed": hasattr(placement, "agreement") and placement.agreement.is_confirmed,
                "may_give_feedback": feedback.may_give_feedback(placement),
            }
        )
    open_offers = SeatOffer.objects.filter(
        trainee=trainee, status=SeatOffer.Status.OPEN, respond_by__gte=timezone.now()
    ).select_related("position__base__sub_district", "round")
    for row in rows:
        row["placement"].life = row  # read by the template beside the placement
    unplaced = [
        (u.round, [entry | {"position_obj": positions.get(entry["position"])} for entry in u.explanation["choices"]])
        for u in without
    ]
    return {
        "unplaced": unplaced,
        "offers": open_offers,
        "appeal_form": AppealForm(),
        "feedback_form": SiteFeedbackForm(),
    }


def _trainee_post(request, pk) -> tuple[Placement, Practitioner]:
    placement, role, me = _placement_for(request.user, pk)
    if role != "trainee":
        raise Http404
    return placement, me


@require_POST
@login_required
def appeal(request, pk):
    placement, me = _trainee_post(request, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("placements:mine")
    try:
        appeals.appeal(placement=placement, trainee=me, reason=form.cleaned_data["reason"])
    except PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your appeal was sent; the organisers answer it before the round is confirmed."))
    return redirect("placements:mine")


@require_POST
@login_required
def answer_placement(request, pk):
    placement, me = _trainee_post(request, pk)
    accept = request.POST.get("accept") == "1"
    try:
        offers.answer_placement(placement=placement, trainee=me, accept=accept)
    except PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("You accepted the placement.") if accept else _("You declined the placement."))
    return redirect("placements:mine")


@require_POST
@login_required
def answer_offer(request, pk):
    me = _me(request.user)
    offer = get_object_or_404(SeatOffer, pk=pk, trainee=me) if me else None
    if offer is None:
        raise Http404
    accept = request.POST.get("accept") == "1"
    try:
        offers.answer_offer(offer=offer, trainee=me, accept=accept)
    except PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("You accepted the seat.") if accept else _("You declined the seat."))
    return redirect("placements:mine")


@require_POST
@login_required
def give_feedback(request, pk):
    placement, me = _trainee_post(request, pk)
    form = SiteFeedbackForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("placements:mine")
    data = dict(form.cleaned_data)
    comment = data.pop("comment")
    try:
        feedback.give_feedback(placement=placement, trainee=me, ratings=data, comment=comment)
    except PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Thank you. The base sees your answers only among five or more."))
    return redirect("placements:mine")


# Agreement, journal, visits ----------------------------------------------------------


@login_required
def agreement(request, pk):
    placement, role, me = _placement_for(request.user, pk)
    current = LearningAgreement.objects.filter(placement=placement).first()
    form = AgreementForm(request.POST or None, instance=current if current else None)
    if request.method == "POST":
        if role != "trainee":
            raise PermissionDenied
        if form.is_valid():
            try:
                agreements.save_agreement(placement=placement, trainee=me, **form.cleaned_data)
            except PlacementRefused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("Saved. The supervisor and the tutor were asked to confirm."))
                return redirect("placements:agreement", pk=placement.pk)
    context = {"placement": placement, "role": role, "agreement": current, "form": form}
    return render(request, "placements/agreement.html", context)


@require_POST
@login_required
def confirm_agreement(request, pk):
    placement, _role, me = _placement_for(request.user, pk)
    try:
        agreements.confirm_agreement(placement=placement, mentor=me, revision=int(request.POST.get("revision", 0)))
    except (PlacementRefused, ValueError) as refusal:
        messages.error(request, getattr(refusal, "message", _("Read the agreement again.")))
    else:
        messages.success(request, _("You confirmed the learning agreement."))
    return redirect("placements:agreement", pk=placement.pk)


@login_required
def journal(request, pk):
    placement, role, me = _placement_for(request.user, pk)
    form = JournalForm(request.POST or None, initial={"week_start": journals.monday(timezone.localdate())})
    if request.method == "POST":
        if role != "trainee":
            raise PermissionDenied
        if form.is_valid():
            try:
                journals.write_entry(placement=placement, trainee=me, **form.cleaned_data)
            except PlacementRefused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("Your journal entry was saved."))
                return redirect("placements:journal", pk=placement.pk)
    context = {
        "placement": placement,
        "role": role,
        "form": form,
        "entries": placement.journal_entries.order_by("-week_start"),
        "missing": journals.missing_weeks(placement),
        "comment_form": JournalCommentForm(),
        "visits": placement.visits.all(),
        "visit_form": VisitForm(initial={"date": timezone.localdate()}),
    }
    return render(request, "placements/journal.html", context)


@require_POST
@login_required
def comment_journal(request, pk):
    entry = get_object_or_404(JournalEntry, pk=pk)
    placement, _role, me = _placement_for(request.user, entry.placement_id)
    form = JournalCommentForm(request.POST)
    if form.is_valid():
        try:
            journals.comment_entry(entry=entry, tutor=me, comment=form.cleaned_data["comment"])
        except PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your comment was saved; the trainee was told."))
    else:
        _errors(request, form)
    return redirect("placements:journal", pk=placement.pk)


@require_POST
@login_required
def record_visit(request, pk):
    placement, _role, me = _placement_for(request.user, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            visits.record_visit(placement=placement, tutor=me, **form.cleaned_data)
        except PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The visit was recorded."))
    else:
        _errors(request, form)
    return redirect("placements:journal", pk=placement.pk)


# Coordinators ---------------------------------------------------------------------------


def _coordinator(user) -> None:
    if not (user.is_coordinator or user.is_administrator):
        raise PermissionDenied


@login_required
def applicants(request, pk):
    """Who ranked the user's own base's positions, with the marks."""
    _coordinator(request.user)
    round = get_object_or_404(PlacementRound.objects.managed_by(request.user), pk=pk)
    positions = Position.objects.visible_to(request.user).filter(round=round).select_related("base__sub_district")
    by_position: dict[int, list] = {}
    for preference in selectors.applicants(positions):
        by_position.setdefault(preference.position_id, []).append(preference)
    context = {
        "round": round,
        "positions": [(p, by_position.get(p.pk, [])) for p in positions],
        "mark_form": MarkForm(),
        "may_mark": round.status in (PlacementRound.Status.COLLECTING, PlacementRound.Status.MATCHING)
        and round.published_at is None,
    }
    return render(request, "placements/applicants.html", context)


@require_POST
@login_required
def mark(request, pk, trainee_pk):
    _coordinator(request.user)
    position = get_object_or_404(Position.objects.visible_to(request.user), pk=pk)
    trainee = get_object_or_404(Practitioner, pk=trainee_pk, placement_preferences__position=position)
    try:
        if request.POST.get("clear"):
            acceptability.clear_mark(position=position, trainee=trainee, by=request.user)
        else:
            form = MarkForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            acceptability.mark_not_acceptable(position=position, trainee=trainee, reason=reason, by=request.user)
    except PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("placements:applicants", pk=position.round_id)


@require_POST
@login_required
def publish(request, pk):
    _coordinator(request.user)
    round = get_object_or_404(PlacementRound.objects.managed_by(request.user), pk=pk)
    try:
        told = appeals.publish_proposals(round=round, by=request.user)
    except PlacementRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(count)d trainees can now see their proposals; the explanations are being computed.") % {"count": told},
        )
    return redirect("placements:manage-round", pk=round.pk)


@require_POST
@login_required
def resolve_appeal(request, pk):
    _coordinator(request.user)
    appeal = get_object_or_404(
        Appeal.objects.select_related("placement__position"),
        pk=pk,
        placement__position__in=Position.objects.managed_by(request.user),
    )
    form = ResolveAppealForm(
        request.POST, positions=Position.objects.managed_by(request.user).filter(round=appeal.round_id)
    )
    if form.is_valid():
        try:
            appeals.resolve_appeal(appeal=appeal, by=request.user, **form.cleaned_data)
        except PlacementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The appeal was answered; the trainee was told."))
    else:
        _errors(request, form)
    return redirect("placements:manage-round", pk=appeal.round_id)


@login_required
def tutor_search(request):
    """Active practitioners whose name contains the query, for the tutor
    picker: at most ten, resident IDs masked."""
    _coordinator(request.user)
    query = request.GET.get("q", "").strip()
    if len(query) < 1:
        return JsonResponse({"results": []})
    found = (
        Practitioner.objects.filter(status=Practitioner.Status.ACTIVE)
        .filter(Q(name__contains=query) | Q(organization__name__contains=query))
        .select_related("organization")
        .order_by("name", "pk")[:10]
    )
    results = [
        {
            "id": p.pk,
            "label": " · ".join(str(part) for part in (p.name, p.organization or "", p.masked_resident_id) if part),
        }
        for p in found
    ]
    return JsonResponse({"results": results})
