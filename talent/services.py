from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from talent import names
from talent import resident_id as resident_ids
from talent.audit import record_event
from talent.disclosures import RESIDENT_ID_VIEWED
from talent.models import LearningRecord, Practitioner, User
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
    practitioner.email = practitioner.email or user.email
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
    record = LearningRecord(
        practitioner=practitioner,
        hours=hours,
        date=date,
        title=title,
        source=source,
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
