from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talent import names
from talent import resident_id as resident_ids
from talent.audit import record_event
from talent.disclosures import RESIDENT_ID_VIEWED
from talent.models import LearningClaim, LearningRecord, Practitioner, User
from talent.roles import Role


class RegistrationRefused(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def check_can_register(*, name: str, resident_id: str, records=Practitioner.objects) -> Practitioner | None:
    """The registry record a new account with this name and ID would take over,
    or None when it will get a new one. Raises RegistrationRefused when the ID
    belongs to someone else."""
    existing = records.filter(resident_id=resident_ids.normalize(resident_id)).first()
    if existing is None:
        return None
    if existing.user_id is not None:
        raise RegistrationRefused(
            _("An account already exists for this resident ID. Sign in, or reset your password if you forgot it."),
            code="already_registered",
        )
    # Both sides normalised: a record imported before names were normalised still matches.
    if names.normalize_name(existing.name) != names.normalize_name(name):
        raise RegistrationRefused(
            _(
                "This resident ID is in the registry under a different name. "
                "Check both, or ask an administrator to correct the record."
            ),
            code="name_mismatch",
        )
    return existing


@transaction.atomic
def register_trainee(
    *,
    user: User,
    name: str,
    resident_id: str,
    mobile: str = "",
    kind: str = Practitioner.Kind.STUDENT,
) -> Practitioner:
    """Make a new account a trainee and give it its registry record: the
    imported record with the same resident ID and name when there is one,
    a new record otherwise."""
    name = names.normalize_name(name)
    resident_id = resident_ids.normalize(resident_id)
    # Lock the matching record so two sign-ups cannot both take it over.
    practitioner = check_can_register(
        name=name, resident_id=resident_id, records=Practitioner.objects.select_for_update()
    )
    if practitioner is None:
        practitioner = Practitioner(name=name, resident_id=resident_id, kind=kind)
    practitioner.user = user
    practitioner.mobile = practitioner.mobile or mobile
    practitioner.email = practitioner.email or user.email or ""
    practitioner.full_clean()
    practitioner.save()

    # The account is called by the registry's name, validated with the record.
    user.display_name = practitioner.name
    user.save(update_fields=["display_name"])
    user.groups.add(Group.objects.get(name=Role.TRAINEE))
    return practitioner


def credit_hours(
    *,
    practitioner: Practitioner,
    hours,
    date,
    title: str,
    source: str = LearningRecord.Source.EXTERNAL,
    category: str | None = None,
    source_key: str | None = None,
    note: str = "",
    evidence=None,
    recorded_by: User | None = None,
) -> LearningRecord:
    """Add hours to a practitioner's continuing-education ledger. With a
    `source_key` the call is idempotent: the same completion is credited once."""
    if source_key is not None:
        existing = LearningRecord.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    if category is None:
        category = (
            LearningRecord.Category.COURSE
            if source == LearningRecord.Source.COURSE
            else LearningRecord.Category.EXTERNAL_TRAINING
        )
    record = LearningRecord(
        practitioner=practitioner,
        hours=hours,
        date=date,
        title=title,
        source=source,
        category=category,
        source_key=source_key,
        note=note,
        recorded_by=recorded_by,
    )
    if evidence is not None:
        record.evidence = evidence
    record.full_clean()
    record.save()
    return record


class UnmaskPurpose(models.TextChoices):
    """Why an administrator needs a full resident ID."""

    VERIFY_IDENTITY = "verify_identity", _("Verify the person's identity")
    CORRECT_RECORD = "correct_record", _("Correct the registry record")
    OFFICIAL_REQUEST = "official_request", _("Answer an official request")
    OTHER = "other", _("Other")


class UnmaskRefused(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@transaction.atomic
def reveal_resident_id(*, practitioner: Practitioner, viewer: User, purpose: str, details: str) -> str:
    """The full resident ID, for an administrator who states why they need it.
    The look is put on record (who, whose, when, why) before the ID is given:
    the audit log shows it, and the person sees it on their own profile."""
    allowed = viewer.has_perm("talent.view_full_resident_id")
    if not allowed or not Practitioner.objects.visible_to(viewer).filter(pk=practitioner.pk).exists():
        raise UnmaskRefused(_("Only administrators can see a full resident ID."), code="not_allowed")
    details = " ".join(details.split())
    if purpose not in UnmaskPurpose.values or not details:
        raise UnmaskRefused(_("Say why you need the full resident ID."), code="purpose_required")
    reason = f"{UnmaskPurpose(purpose).label}: {details}"
    record_event(practitioner, event=RESIDENT_ID_VIEWED, actor=viewer, reason=reason, data={"purpose": purpose})
    return practitioner.resident_id


# Recognised hours. Lock order: the practitioner, then the claim. The
# practitioner's row serialises every crediting of their ledger, so that two
# approvals at once cannot both fit under the same cap.


class ClaimRefused(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _claim(
    *, practitioner, category, date, quantity, title, description, review_scope, review_scope_label, **extra
) -> LearningClaim:
    from talent import claims

    if category not in LearningRecord.Category.values or category == LearningRecord.Category.COURSE:
        raise ClaimRefused(_("Courses here are credited when they are completed."), code="bad_category")
    if date > timezone.localdate():
        raise ClaimRefused(_("Hours cannot be claimed before they happen."), code="future_date")
    claim = LearningClaim(
        practitioner=practitioner,
        category=category,
        date=date,
        quantity=quantity,
        hours=claims.convert(category, quantity),
        title=title,
        description=description,
        review_scope=review_scope,
        review_scope_label=review_scope_label,
        **extra,
    )
    claim.full_clean(exclude=["evidence"])
    return claim


@transaction.atomic
def submit_claim(
    *,
    practitioner: Practitioner,
    by: User,
    category: str,
    date,
    quantity,
    title: str,
    description: str = "",
    evidence,
    review_scope: str,
    review_scope_label: str = "",
) -> LearningClaim:
    """A practitioner's own claim, with its evidence (a PDF or DOCX, checked by content)."""
    from talent import uploads

    if practitioner.user_id != by.pk:
        raise ClaimRefused(_("You can claim hours only for yourself."), code="not_own")
    if evidence is None:
        raise ClaimRefused(_("Attach the evidence."), code="evidence_required")
    try:
        uploads.validate_document(evidence)
    except ValidationError as error:
        raise ClaimRefused(error.messages[0], code=error.code or "file_type") from error
    claim = _claim(
        practitioner=practitioner,
        category=category,
        date=date,
        quantity=quantity,
        title=title,
        description=description,
        review_scope=review_scope,
        review_scope_label=review_scope_label,
        evidence_sha256=uploads.sha256(evidence),
    )
    claim.evidence = evidence
    claim.save()
    return claim


@transaction.atomic
def propose_claim(
    *,
    practitioner: Practitioner,
    category: str,
    date,
    quantity,
    title: str,
    source_key: str,
    review_scope: str,
    review_scope_label: str = "",
    description: str = "",
) -> tuple[LearningClaim, bool]:
    """A claim another app proposes for the reviewer (exchange activities,
    research participation), once per `source_key`. Returns (claim, created)."""
    existing = LearningClaim.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing, False
    claim = _claim(
        practitioner=practitioner,
        category=category,
        date=date,
        quantity=quantity,
        title=title,
        description=description,
        review_scope=review_scope,
        review_scope_label=review_scope_label,
        source_key=source_key,
        proposed=True,
    )
    claim.save()
    return claim, True


@transaction.atomic
def review_claim(*, claim: LearningClaim, reviewer: User, approve: bool, reason: str = "") -> LearningClaim:
    """Approve (crediting the ledger within the category's cap) or reject
    (with a reason) a claim awaiting review, as a reviewer of its base."""
    from talent import claims

    if not LearningClaim.objects.reviewable_by(reviewer).filter(pk=claim.pk).exists():
        raise ClaimRefused(_("You cannot review this claim."), code="not_reviewer")
    Practitioner.objects.select_for_update().get(pk=claim.practitioner_id)
    claim = LearningClaim.objects.select_for_update().select_related("practitioner").get(pk=claim.pk)
    if claim.status != LearningClaim.Status.SUBMITTED:
        raise ClaimRefused(_("This claim has already been reviewed."), code="already_reviewed")
    reason = " ".join(reason.split())
    if not approve and not reason:
        raise ClaimRefused(_("Say why the claim is rejected."), code="reason_required")
    claim.reviewed_by = reviewer
    claim.reviewed_at = timezone.now()
    claim.review_reason = reason
    if not approve:
        claim.status = LearningClaim.Status.REJECTED
        claim.save()
        return claim
    claim.status = LearningClaim.Status.APPROVED
    credited = claims.creditable(claim.practitioner, claim.category, claim.date, claim.hours)
    claim.credited_hours = credited
    if credited > 0:
        claim.record = credit_hours(
            practitioner=claim.practitioner,
            hours=credited,
            date=claim.date,
            title=claim.title,
            source=LearningRecord.Source.CLAIM,
            category=claim.category,
            source_key=f"talent.claim:{claim.pk}",
            note=claim.review_scope_label or claim.get_category_display(),
            recorded_by=reviewer,
        )
    claim.save()
    return claim
