import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from placements.models import PracticeBase
from talent import resident_id
from talent.models import Organization, Practitioner, SubDistrict, User
from training.models import Course, CourseSession, Enrollment, TrainingBase

TEST_PASSWORD = "correct-horse-battery"


def valid_resident_id(n: int, *, area: str = "230602", born: datetime.date = datetime.date(1990, 1, 1)) -> str:
    first_17 = f"{area}{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def numbered_name(n: int, *, surname: str = "张") -> str:
    """A distinct name for any n. Names cannot hold digits (talent/names.py):
    each digit is spelled as one of the ten heavenly stems (0 → 甲, 1 → 乙 ...)."""
    return surname + "".join("甲乙丙丁戊己庚辛壬癸"[int(digit)] for digit in str(n))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))
        if create:
            user.save()


class SubDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubDistrict
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"sd-{n}")
    name = factory.Sequence(lambda n: f"第{n}街道")
    district = "萨尔图区"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"大庆市第{n}社会工作服务中心")
    kind = Organization.Kind.AGENCY


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner
        skip_postgeneration_save = True

    name = factory.Sequence(numbered_name)
    # Spread across birth dates so that sequences past 1000 stay unique.
    resident_id = factory.Sequence(
        lambda n: valid_resident_id(n, born=datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000))
    )
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    kind = Practitioner.Kind.SOCIAL_WORKER

    @factory.post_generation
    def specialties(practitioner, create, extracted, **kwargs):
        if create and extracted:
            practitioner.specialties.set(extracted)


class TrainingBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingBase

    name = factory.Sequence(lambda n: f"培训基地{n}")
    kind = TrainingBase.Kind.UNIVERSITY


class PracticeBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeBase

    sub_district = factory.SubFactory(SubDistrictFactory)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    base = factory.SubFactory(TrainingBaseFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    title = factory.Sequence(lambda n: f"社会工作实务{n}")
    hours = Decimal("10")
    pass_mark = None


class CourseSessionFactory(factory.django.DjangoModelFactory):
    """An open session whose enrolment window is open now and which starts in a week."""

    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    status = CourseSession.Status.OPEN
    enrollment_opens = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    enrollment_closes = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    end_date = factory.LazyAttribute(lambda session: session.start_date + datetime.timedelta(days=2))
    capacity = 10


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    session = factory.SubFactory(CourseSessionFactory)
    trainee = factory.SubFactory(PractitionerFactory)
    status = Enrollment.Status.ENROLLED


def activate_totp(user: User) -> str:
    """Give `user` an authenticator app, as allauth's set-up page does; the
    secret returned makes codes with `totp_code`."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now, waiting for the next period
    when this one is about to end (allauth accepts the current period only)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD < 3:
        time.sleep(3)
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def meet_internship_requirements(placement) -> None:
    """Give `placement` what completion needs besides hours and final
    evaluations: a learning agreement confirmed by all three and a journal
    entry for every week of the internship (written straight to the tables)."""
    from django.utils import timezone

    from placements.models import JournalEntry, LearningAgreement

    now = timezone.now()
    LearningAgreement.objects.update_or_create(
        placement=placement,
        defaults={
            "goals": "掌握个案工作方法",
            "tasks": "入户走访",
            "schedule": "每周三天",
            "supervision": "每周督导一次",
            "trainee_confirmed_at": now,
            "supervisor_confirmed_at": now,
            "tutor_confirmed_at": now,
        },
    )
    JournalEntry.objects.bulk_create(
        [
            JournalEntry(placement=placement, week_start=week, activities="走访", reflection="反思")
            for week in placement.round.internship_weeks()
        ],
        ignore_conflicts=True,
    )


def publish_and_close_appeals(round, *, by) -> None:
    """Publish a matched round's proposals (unless they are) and let the appeal
    window pass, as confirmation requires (placements.appeals)."""
    from placements import appeals
    from placements.models import PlacementRound

    round.refresh_from_db()
    if round.published_at is None:
        appeals.publish_proposals(round=round, by=by)
        round.refresh_from_db()
    PlacementRound.objects.filter(pk=round.pk).update(
        published_at=round.published_at - datetime.timedelta(hours=round.appeal_window_hours, minutes=1)
    )
    round.refresh_from_db()
