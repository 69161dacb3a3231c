"""Writes with rules for research projects, exchange activities, the claims
reviewed here and the continuing-education proof.

Lock order: a practitioner (talent.services.review_claim), then a claim; the
proof counter of the year, then the holder's current proof.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates import fonts
from notifications.services import notify
from placements.models import PracticeBase
from research import pdf
from research.models import (
    ContinuingEducationProof,
    ExchangeActivity,
    Milestone,
    Output,
    ProjectMember,
    ProofCounter,
    ResearchProject,
)
from talent import claims, ledger, uploads
from talent import services as talent_services
from talent.models import LearningClaim, LearningRecord, Practitioner, User
from training.models import TrainingBase


class ResearchRefused(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def training_scope(base: TrainingBase) -> str:
    return f"training:{base.pk}"


def practice_scope(base: PracticeBase) -> str:
    return f"practice:{base.pk}"


def reviewer_rule(user) -> Q:
    """The claims addressed to the bases `user` coordinates (talent.claims)."""
    scopes = [f"training:{pk}" for pk in user.coordinated_training_bases.values_list("pk", flat=True)]
    scopes += [f"practice:{pk}" for pk in user.coordinated_practice_bases.values_list("pk", flat=True)]
    return Q(review_scope__in=scopes)


def _require_manager(project: ResearchProject, user: User) -> None:
    if not ResearchProject.objects.managed_by(user).filter(pk=project.pk).exists():
        raise ResearchRefused(_("Only the lead base's coordinators manage this project."), code="not_manager")


def _check_file(upload) -> str:
    try:
        uploads.validate_document(upload)
    except ValidationError as error:
        raise ResearchRefused(error.messages[0], code=error.code or "file_type") from error
    return uploads.sha256(upload)


@transaction.atomic
def save_project(*, project: ResearchProject, by: User, partner_bases=(), partner_organizations=()) -> ResearchProject:
    """Create or change a project (its form's instance) as a manager of its lead base."""
    if not (by.is_administrator or project.lead_base.coordinators.filter(pk=by.pk).exists()):
        raise ResearchRefused(_("Only the lead base's coordinators manage this project."), code="not_manager")
    previous = None
    if project.pk:
        _require_manager(project, by)
        previous = ResearchProject.objects.select_for_update().get(pk=project.pk).status
    project.full_clean()
    project.save()
    project.partner_bases.set(partner_bases)
    project.partner_organizations.set(partner_organizations)
    if project.status == ResearchProject.Status.CONCLUDED and previous != ResearchProject.Status.CONCLUDED:
        propose_research_hours(project)
    return project


def propose_research_hours(project: ResearchProject) -> int:
    """A concluded project proposes its members' research hours (one project
    each, converted by the settings) to the lead base's reviewers."""
    proposed = 0
    for member in project.members.select_related("practitioner"):
        _claim, created = talent_services.propose_claim(
            practitioner=member.practitioner,
            category=LearningRecord.Category.RESEARCH,
            date=min(project.end_date, timezone.localdate()),
            quantity=Decimal(1),
            title=str(project.title)[:200],
            source_key=f"research.project:{project.pk}:{member.practitioner_id}",
            review_scope=training_scope(project.lead_base),
            review_scope_label=project.lead_base.name,
            description=str(member.get_role_display()),
        )
        proposed += created
    return proposed


@transaction.atomic
def add_member(*, project: ResearchProject, by: User, practitioner: Practitioner, role: str) -> ProjectMember:
    _require_manager(project, by)
    member = ProjectMember(project=project, practitioner=practitioner, role=role)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def remove_member(*, member: ProjectMember, by: User) -> None:
    _require_manager(member.project, by)
    if member.outputs.exists():
        raise ResearchRefused(_("This member is an author of an output."), code="member_is_author")
    member.delete()


@transaction.atomic
def add_milestone(*, project: ResearchProject, by: User, title: str, due_date: datetime.date) -> Milestone:
    _require_manager(project, by)
    milestone = Milestone(project=project, title=title, due_date=due_date)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def set_milestone_state(*, milestone: Milestone, by: User, state: str) -> Milestone:
    _require_manager(milestone.project, by)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.state = state
    milestone.done_on = timezone.localdate() if state == Milestone.State.DONE else None
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def add_output(
    *,
    project: ResearchProject,
    by: User,
    kind: str,
    title: str,
    date: datetime.date,
    authors=(),
    file=None,
    course=None,
) -> Output:
    """An output with its file (PDF or DOCX, checked by content); the authors are the project's members."""
    _require_manager(project, by)
    if date > timezone.localdate():
        raise ResearchRefused(_("An output is recorded once it exists."), code="future_date")
    if any(author.project_id != project.pk for author in authors):
        raise ResearchRefused(_("Authors are members of the project."), code="author_not_member")
    output = Output(project=project, kind=kind, title=title, date=date, course=course)
    if file is not None:
        output.file_sha256 = _check_file(file)
        output.file = file
    output.full_clean()
    output.save()
    output.authors.set(authors)
    return output


def activity_bases_for(user: User) -> tuple:
    """The training and practice bases `user` may record activities between."""
    if user.is_administrator:
        return TrainingBase.objects.all(), PracticeBase.objects.select_related("sub_district")
    return (
        TrainingBase.objects.filter(coordinators=user),
        PracticeBase.objects.filter(coordinators=user).select_related("sub_district"),
    )


@transaction.atomic
def record_activity(*, activity: ExchangeActivity, by: User, participants) -> ExchangeActivity:
    """Record an exchange activity (the form's instance) as a coordinator of
    one of its two bases, and propose its hours to each participant's reviewer
    (the training base's coordinators)."""
    allowed = by.is_administrator or (
        activity.training_base.coordinators.filter(pk=by.pk).exists()
        or activity.practice_base.coordinators.filter(pk=by.pk).exists()
    )
    if not allowed:
        raise ResearchRefused(_("Record activities of your own bases."), code="not_base_coordinator")
    if activity.date > timezone.localdate():
        raise ResearchRefused(_("An activity is recorded after it happened."), code="future_date")
    if activity.project_id and not (
        activity.project.lead_base_id == activity.training_base_id
        and activity.project.partner_bases.filter(pk=activity.practice_base_id).exists()
    ):
        raise ResearchRefused(_("The project does not pair these two bases."), code="project_not_paired")
    activity.created_by = by
    activity.full_clean()
    activity.save()
    activity.participants.set(participants)
    for practitioner in participants:
        talent_services.propose_claim(
            practitioner=practitioner,
            category=LearningRecord.Category.EXCHANGE,
            date=activity.date,
            quantity=activity.hours,
            title=f"{activity.get_kind_display()}：{activity.title}"[:200],
            source_key=f"research.activity:{activity.pk}:{practitioner.pk}",
            review_scope=training_scope(activity.training_base),
            review_scope_label=activity.training_base.name,
            description=f"{activity.training_base.name} × {activity.practice_base.name}, {activity.place}",
        )
    return activity


def claim_bases() -> list[tuple[str, str]]:
    """Where a claim may be sent for review: every base, as (scope, name)."""
    training = [(training_scope(b), b.name) for b in TrainingBase.objects.all()]
    practice = [(practice_scope(b), b.name) for b in PracticeBase.objects.select_related("sub_district")]
    return training + practice


@transaction.atomic
def review_claim(*, claim: LearningClaim, reviewer: User, approve: bool, reason: str = "") -> LearningClaim:
    """Approve or reject a claim and tell the claimant."""
    try:
        claim = talent_services.review_claim(claim=claim, reviewer=reviewer, approve=approve, reason=reason)
    except talent_services.ClaimRefused as refusal:
        raise ResearchRefused(refusal.message, code=refusal.code) from refusal
    notify(
        kind="research.claim_reviewed",
        recipients=[claim.practitioner],
        context={
            "title": claim.title,
            "approved": approve,
            "hours": str(claim.hours),
            "credited": str(claim.credited_hours or 0),
            "reason": claim.review_reason,
        },
        link="/research/claims/",
        occasion=f"claim:{claim.pk}",
    )
    return claim


# The continuing-education proof (再登记).


def proof_content(practitioner: Practitioner, today: datetime.date) -> dict:
    """What a proof issued today prints: the cycle, each credited record in it
    and the totals by category against the requirement (two queries)."""
    start, end = claims.cycle_for(practitioner, today)
    records = LearningRecord.objects.filter(practitioner=practitioner, date__gte=start, date__lt=end).order_by(
        "date", "pk"
    )
    labels = dict(LearningRecord.Category.choices)
    lines, totals = [], {}
    for record in records:
        lines.append(
            {
                "date": record.date.isoformat(),
                "category": record.category,
                "title": record.title,
                "hours": str(record.hours),
                "source": record.note if record.source != LearningRecord.Source.COURSE else str(labels["course"]),
            }
        )
        totals[record.category] = str(Decimal(totals.get(record.category, "0")) + record.hours)
    total = sum((Decimal(h) for h in totals.values()), Decimal(0))
    return {
        "cycle_start": start,
        "cycle_end": end,
        "required_hours": ledger.required_hours(practitioner.qualification_level),
        "total_hours": total,
        "lines": lines,
        "totals": totals,
    }


def _check_printable(printed: list[tuple[str, str]]) -> None:
    """Refuse, as certificates do, a text the fonts would print as empty boxes."""
    for field, text in printed:
        if message := fonts.unprintable_message(field, text):
            raise ResearchRefused(message, code="missing_glyph")


@transaction.atomic
def issue_proof(*, practitioner: Practitioner, by: User) -> ContinuingEducationProof:
    """Issue the holder's proof for the current cycle; it supersedes the one before."""
    if practitioner.user_id != by.pk and not by.is_administrator:
        raise ResearchRefused(_("Only the holder or an administrator issues this proof."), code="not_holder")
    issued_at = timezone.now()
    today = timezone.localdate(issued_at)
    content = proof_content(practitioner, today)
    _check_printable(
        [(_("The holder's name"), practitioner.name), *((_("The title"), line["title"]) for line in content["lines"])]
    )
    year = today.year
    ProofCounter.objects.get_or_create(year=year)
    counter = ProofCounter.objects.select_for_update().get(year=year)
    ContinuingEducationProof.objects.select_for_update().filter(holder=practitioner, superseded_at__isnull=True).update(
        superseded_at=issued_at
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    proof = ContinuingEducationProof(
        serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-R-{counter.last:06d}",
        year=year,
        sequence=counter.last,
        holder=practitioner,
        holder_name=practitioner.name,
        issued_at=issued_at,
        **content,
    )
    rendered = pdf.render_proof(proof, language="en" if practitioner.preferred_language == "en" else "zh-hans")
    proof.pdf_sha256 = uploads.sha256(ContentFile(rendered))
    proof.pdf.save(f"{proof.serial}.pdf", ContentFile(rendered), save=False)
    try:
        proof.save()
    except BaseException:
        default_storage.delete(proof.pdf.name)
        raise
    return proof
