from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from placements.models import PracticeBase
from research import selectors, services
from research.forms import (
    ActivityForm,
    ClaimForm,
    MemberForm,
    MilestoneForm,
    OutputForm,
    ProjectForm,
    ReviewForm,
)
from research.models import (
    ContinuingEducationProof,
    ExchangeActivity,
    Milestone,
    Output,
    ProjectMember,
    ResearchProject,
)
from rosters import exports
from talent import claims as talent_claims
from talent import services as talent_services
from talent.models import LearningClaim, LearningRecord, Practitioner
from training.models import TrainingBase


def _require_staff(user) -> None:
    if not (user.is_coordinator or user.is_administrator):
        raise PermissionDenied


def _page(request, items):
    return Paginator(items, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))


def _download(field, filename: str):
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename)


# Projects.


@login_required
def project_list(request):
    projects = ResearchProject.objects.visible_to(request.user).select_related("lead_base")
    can_create = request.user.is_administrator or request.user.coordinated_training_bases.exists()
    return render(request, "research/project_list.html", {"page": _page(request, projects), "can_create": can_create})


def _lead_bases(user):
    return TrainingBase.objects.all() if user.is_administrator else TrainingBase.objects.filter(coordinators=user)


def _save_project(request, project, template):
    form = ProjectForm(request.POST or None, instance=project, lead_bases=_lead_bases(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.save_project(
                project=form.save(commit=False),
                by=request.user,
                partner_bases=form.cleaned_data["partner_bases"],
                partner_organizations=form.cleaned_data["partner_organizations"],
            )
        except services.ResearchRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, template, {"form": form, "project": project})


@login_required
def project_create(request):
    _require_staff(request.user)
    if not _lead_bases(request.user).exists():
        raise PermissionDenied
    return _save_project(request, ResearchProject(), "research/project_form.html")


@login_required
def project_edit(request, pk):
    project = get_object_or_404(ResearchProject.objects.managed_by(request.user), pk=pk)
    return _save_project(request, project, "research/project_form.html")


def _visible_project(request, pk) -> ResearchProject:
    return get_object_or_404(
        ResearchProject.objects.visible_to(request.user).select_related(
            "lead_base", "principal_practitioner", "principal_user"
        ),
        pk=pk,
    )


@login_required
def project_detail(request, pk):
    project = _visible_project(request, pk)
    manages = ResearchProject.objects.managed_by(request.user).filter(pk=pk).exists()
    context = {
        "project": project,
        "manages": manages,
        "partner_bases": project.partner_bases.select_related("sub_district"),
        "members": project.members.select_related("practitioner"),
        "milestones": project.milestones.all(),
        "outputs": project.outputs.select_related("course").prefetch_related("authors__practitioner"),
        "activities": project.activities.select_related("training_base", "practice_base__sub_district"),
        "today": timezone.localdate(),
    }
    if manages:
        context.update(
            # Ids of their own: both forms have a title.
            member_form=MemberForm(auto_id="member-%s"),
            milestone_form=MilestoneForm(auto_id="milestone-%s"),
            output_form=OutputForm(project=project, auto_id="output-%s"),
        )
    return render(request, "research/project_detail.html", context)


def _managed_project(request, pk) -> ResearchProject:
    return get_object_or_404(ResearchProject.objects.managed_by(request.user), pk=pk)


def _act(request, project, action, success):
    try:
        action()
    except services.ResearchRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success)
    return redirect(project)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@login_required
def member_add(request, pk):
    project = _managed_project(request, pk)
    form = MemberForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(project)

    def add():
        for person in form.cleaned_data["people"]:
            if not project.members.filter(practitioner=person).exists():
                services.add_member(
                    project=project, by=request.user, practitioner=person, role=form.cleaned_data["role"]
                )

    return _act(request, project, add, _("Members added."))


@require_POST
@login_required
def member_remove(request, pk, member_pk):
    project = _managed_project(request, pk)
    member = get_object_or_404(ProjectMember, project=project, pk=member_pk)
    return _act(request, project, lambda: services.remove_member(member=member, by=request.user), _("Member removed."))


@require_POST
@login_required
def milestone_add(request, pk):
    project = _managed_project(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(project)
    return _act(
        request,
        project,
        lambda: services.add_milestone(project=project, by=request.user, **form.cleaned_data),
        _("Milestone added."),
    )


@require_POST
@login_required
def milestone_state(request, pk, milestone_pk):
    project = _managed_project(request, pk)
    milestone = get_object_or_404(Milestone, project=project, pk=milestone_pk)
    state = request.POST.get("state")
    if state not in Milestone.State.values:
        raise Http404
    return _act(
        request,
        project,
        lambda: services.set_milestone_state(milestone=milestone, by=request.user, state=state),
        _("Milestone updated."),
    )


@require_POST
@login_required
def output_add(request, pk):
    project = _managed_project(request, pk)
    form = OutputForm(request.POST, request.FILES, project=project)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(project)
    data = form.cleaned_data
    return _act(
        request,
        project,
        lambda: services.add_output(
            project=project,
            by=request.user,
            kind=data["kind"],
            title=data["title"],
            date=data["date"],
            authors=list(data["authors"]),
            file=data["file"],
            course=data["course"],
        ),
        _("Output added."),
    )


@login_required
def output_file(request, pk):
    """An output's file, for the people who may see its project (404 for anyone else)."""
    output = get_object_or_404(
        Output.objects.filter(project__in=ResearchProject.objects.visible_to(request.user)), pk=pk
    )
    extension = output.file.name.rsplit(".", 1)[-1] if output.file else "pdf"
    return _download(output.file, f"output-{output.pk}.{extension}")


# Exchange activities.


@login_required
def activity_list(request):
    _require_staff(request.user)
    activities = ExchangeActivity.objects.visible_to(request.user).select_related(
        "training_base", "practice_base__sub_district", "project"
    )
    training, practice = services.activity_bases_for(request.user)
    can_record = training.exists() or practice.exists()
    return render(
        request, "research/activity_list.html", {"page": _page(request, activities), "can_record": can_record}
    )


@login_required
def activity_create(request):
    _require_staff(request.user)
    training, practice = services.activity_bases_for(request.user)
    if request.user.is_administrator:
        form_training, form_practice = training, practice
    else:
        # One of the two bases is the coordinator's; the other may be any.
        form_training = TrainingBase.objects.all() if practice.exists() else training
        form_practice = PracticeBase.objects.select_related("sub_district") if training.exists() else practice
    form = ActivityForm(
        request.POST or None,
        training_bases=form_training,
        practice_bases=form_practice,
        projects=ResearchProject.objects.visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(
                activity=form.save(commit=False), by=request.user, participants=form.cleaned_data["participants"]
            )
        except services.ResearchRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The activity was recorded; its hours are proposed to the reviewers."))
            return redirect("research:activity-list")
    return render(request, "research/activity_form.html", {"form": form})


# Recognised hours.


def _own_practitioner(request) -> Practitioner:
    practitioner = Practitioner.objects.filter(user=request.user).first()
    if practitioner is None:
        raise Http404
    return practitioner


@login_required
def claim_list(request):
    practitioner = _own_practitioner(request)
    form = ClaimForm(request.POST or None, request.FILES or None, bases=services.claim_bases())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        labels = dict(form.fields["review_scope"].choices)
        try:
            talent_services.submit_claim(
                practitioner=practitioner,
                by=request.user,
                category=data["category"],
                date=data["date"],
                quantity=data["quantity"],
                title=data["title"],
                description=data["description"],
                evidence=data["evidence"],
                review_scope=data["review_scope"],
                review_scope_label=labels.get(data["review_scope"], ""),
            )
        except talent_services.ClaimRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your claim was sent for review."))
            return redirect("research:claim-list")
    context = {
        "form": form,
        "page": _page(request, practitioner.learning_claims.all()),
        "totals": talent_claims.category_totals(practitioner, timezone.localdate()),
        "proof": practitioner.ce_proofs.filter(superseded_at__isnull=True).first(),
    }
    return render(request, "research/claim_list.html", context)


@login_required
def claim_review_list(request):
    _require_staff(request.user)
    show = request.GET.get("show", "submitted")
    claims = (
        LearningClaim.objects.reviewable_by(request.user)
        .with_duplicate_evidence()
        .select_related("practitioner", "reviewed_by")
    )
    if show == "submitted":
        claims = claims.filter(status=LearningClaim.Status.SUBMITTED)
    return render(
        request,
        "research/claim_review_list.html",
        {"page": _page(request, claims), "show": show, "review_form": ReviewForm()},
    )


@require_POST
@login_required
def claim_review(request, pk):
    claim = get_object_or_404(LearningClaim.objects.reviewable_by(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        claim = services.review_claim(
            claim=claim,
            reviewer=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except services.ResearchRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if claim.status == LearningClaim.Status.APPROVED:
            messages.success(
                request,
                _("Approved: %(credited)s of %(hours)s hours credited.")
                % {"credited": claim.credited_hours, "hours": claim.hours},
            )
        else:
            messages.success(request, _("The claim was rejected."))
    return redirect("research:claim-review-list")


@login_required
def claim_evidence(request, pk):
    """A claim's evidence, for the claimant and the claim's reviewers (404 for anyone else)."""
    claim = get_object_or_404(LearningClaim.objects.visible_to(request.user), pk=pk)
    extension = claim.evidence.name.rsplit(".", 1)[-1] if claim.evidence else "pdf"
    return _download(claim.evidence, f"evidence-{claim.pk}.{extension}")


# The re-registration proof.


@require_POST
@login_required
def proof_issue(request):
    practitioner = _own_practitioner(request)
    try:
        proof = services.issue_proof(practitioner=practitioner, by=request.user)
    except services.ResearchRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("research:claim-list")
    messages.success(request, _("Your proof %(serial)s was issued.") % {"serial": proof.serial})
    return redirect("research:claim-list")


@login_required
def proof_pdf(request, serial):
    proofs = ContinuingEducationProof.objects.all()
    if not request.user.is_administrator:
        proofs = proofs.filter(holder__user=request.user)
    proof = get_object_or_404(proofs, serial=serial)
    return FileResponse(proof.pdf.open("rb"), content_type="application/pdf", filename=f"{proof.serial}.pdf")


def proof_verify(request, code):
    proof = ContinuingEducationProof.objects.with_code(code)
    if proof is None:
        return render(request, "research/proof_verify.html", {"proof": None}, status=404)
    labels = dict(LearningRecord.Category.choices)
    totals = [(labels.get(key, key), value) for key, value in proof.totals.items()]
    return render(request, "research/proof_verify.html", {"proof": proof, "totals": totals})


# Pairing of training and practice bases.


@login_required
def pairing(request, file_format=None):
    _require_staff(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        raise Http404
    rows = selectors.pairing(year, request.user)
    if request.GET.get("all") != "1":
        rows = [row for row in rows if not row.is_empty]
    headers = [_("Training base"), _("Practice base"), *[str(label) for _key, label in selectors.PAIRING_COLUMNS]]
    if file_format:
        data = exports.dataset(
            headers,
            ([row.training_base.name, row.practice_base.name, *row.values] for row in rows),
            title=_("Base pairing %(year)s") % {"year": year},
        )
        return exports.download(data, filename=f"pairing-{year}", file_format=file_format)
    years = list(range(today.year + 1, today.year - 6, -1))
    return render(request, "research/pairing.html", {"rows": rows, "headers": headers, "year": year, "years": years})
