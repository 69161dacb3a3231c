"""Demo data for a first run: the bases, organizations, ~200 practitioners and
one login per role. Running it again changes nothing."""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from certificates import services as certificate_services
from placements import services as placement_services
from placements.models import PlacementRound, Position, PracticeBase
from talent import resident_id
from talent.models import Organization, Practitioner, Specialty, SubDistrict, User
from talent.roles import Role
from training import services as training_services
from training.models import Course, CourseSession, TrainingBase

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 -- printed for the demo on purpose
DEMO_LOGINS = [
    (Role.ADMINISTRATOR, "admin@demo.example.com", "演示管理员"),
    (Role.COORDINATOR, "coordinator@demo.example.com", "演示协调员"),
    (Role.TRAINEE, "trainee@demo.example.com", "演示学员"),
]

TRAINING_BASES = [
    ("黑龙江八一农垦大学", "八一农大", TrainingBase.Kind.UNIVERSITY, "大庆市高新区新风路5号"),
    ("东北石油大学", "东北石油大学", TrainingBase.Kind.UNIVERSITY, "大庆市高新区发展路199号"),
    ("中共大庆市委党校", "市委党校", TrainingBase.Kind.PARTY_SCHOOL, "大庆市萨尔图区"),
]

# (code, name, district, area code of the district in resident IDs)
SUB_DISTRICTS = [
    ("230602-dongfeng", "东风街道", "萨尔图区", "230602"),
    ("230602-huizhan", "会战街道", "萨尔图区", "230602"),
    ("230602-youyi", "友谊街道", "萨尔图区", "230602"),
    ("230604-xibin", "西宾街道", "让胡路区", "230604"),
    ("230604-chengfeng", "乘风街道", "让胡路区", "230604"),
    ("230603-longfeng", "龙凤街道", "龙凤区", "230603"),
]

ORGANIZATIONS = [
    ("大庆市民政局", Organization.Kind.GOVERNMENT),
    ("东风街道办事处", Organization.Kind.COMMUNITY),
    ("会战街道阳光社区", Organization.Kind.COMMUNITY),
    ("大庆市阳光社会工作服务中心", Organization.Kind.AGENCY),
    ("大庆市铁人社会工作服务社", Organization.Kind.AGENCY),
    ("大庆市志愿者协会", Organization.Kind.SOCIAL_ORGANIZATION),
    ("黑龙江八一农垦大学", Organization.Kind.SCHOOL),
    ("东北石油大学", Organization.Kind.SCHOOL),
    ("大庆油田有限责任公司", Organization.Kind.ENTERPRISE),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国晓东海燕志强丹宇欣怡子涵浩然梓轩"


class Command(BaseCommand):
    help = "Create the demo bases, organizations, practitioners and one login per role (once)."

    def handle(self, *args, **options):
        if User.objects.filter(email=DEMO_LOGINS[0][1]).exists():
            self.stdout.write("Demo data is already there; nothing to do.")
        else:
            with transaction.atomic():
                self.seed()
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, _name in DEMO_LOGINS:
            self.stdout.write(f"  {Role(role).label:<14} {email}")

    def seed_training(self, rng, training_bases, users):
        now = timezone.now()
        today = timezone.localdate()
        courses = [
            Course.objects.create(
                base=training_bases[base],
                code=code,
                title=title,
                topic=topic,
                hours=hours,
                pass_mark=pass_mark,
                minimum_qualification_level=level,
                description=f"{title}：面向一线社会工作者和社会工作专业学生的培训课程。",
            )
            for base, code, title, topic, hours, pass_mark, level in COURSES
        ]
        courses[1].prerequisites.add(courses[0])
        demo_trainee = users[Role.TRAINEE].practitioner
        trainees = list(Practitioner.objects.exclude(pk=demo_trainee.pk).order_by("pk")[:60])
        for index, course in enumerate(courses):
            # One finished session with results, one open for enrolment.
            finished = CourseSession.objects.create(
                course=course,
                start_date=today - datetime.timedelta(days=60 - index),
                end_date=today - datetime.timedelta(days=58 - index),
                capacity=20,
                enrollment_opens=now - datetime.timedelta(days=90),
                # Still open at this instant so the demo enrolments go through the service.
                enrollment_closes=now + datetime.timedelta(minutes=5),
                location=f"{course.base.short_name}教学楼",
                instructors="王老师、李老师",
                schedule="09:00–16:30",
                status=CourseSession.Status.OPEN,
            )
            # The demo trainee has completed the first course.
            for trainee in rng.sample(trainees, 12) + ([demo_trainee] if index == 0 else []):
                try:
                    training_services.enroll(trainee=trainee, session=finished)
                except training_services.EnrollmentRefused:
                    continue  # lacks a prerequisite or the level: as in real life
            training_services.record_results(
                session=finished,
                results={
                    e.pk: training_services.Result(
                        attended_hours=(
                            course.hours if e.trainee_id == demo_trainee.pk or rng.random() < 0.85 else course.hours / 2
                        ),
                        score=rng.randrange(50, 100) if course.pass_mark else None,
                    )
                    for e in finished.enrollments.all()
                },
                by=users[Role.ADMINISTRATOR],
            )
            training_services.finish_session(session=finished, by=users[Role.ADMINISTRATOR])
            certificate_services.issue_in_chunks(certificate_services.session_sources(finished))
            CourseSession.objects.create(
                course=course,
                start_date=today + datetime.timedelta(days=14 + 7 * index),
                end_date=today + datetime.timedelta(days=16 + 7 * index),
                capacity=rng.choice([3, 20, 30]),
                enrollment_opens=now - datetime.timedelta(days=7),
                enrollment_closes=now + datetime.timedelta(days=10),
                location=f"{course.base.short_name}教学楼",
                instructors="张老师",
                schedule="09:00–16:30",
                status=CourseSession.Status.OPEN,
            )

    def seed_placements(self, rng, practice_bases, users):
        now = timezone.now()
        round = PlacementRound.objects.create(
            name="2027年春季社会工作实习",
            internship_start=datetime.date(2027, 3, 1),
            internship_end=datetime.date(2027, 6, 30),
            preference_deadline=now + datetime.timedelta(days=14),
            status=PlacementRound.Status.COLLECTING,
            required_hours=120,
        )
        # The demo coordinator runs one base's positions; the round is the administrator's.
        round.organisers.add(users[Role.ADMINISTRATOR])
        supervisors = list(Practitioner.objects.filter(qualification_level__in=["intermediate", "senior"])[:12])
        positions = []
        for index, base in enumerate(practice_bases):
            for offset, (title, specialty) in enumerate(rng.sample(POSITION_TITLES, 2)):
                positions.append(
                    Position.objects.create(
                        round=round,
                        base=base,
                        code=f"P{index + 1}{offset + 1}",
                        title=title,
                        specialty=specialty,
                        capacity=rng.randint(2, 6),
                        supervisor=supervisors[(2 * index + offset) % len(supervisors)],
                        description=f"在{base.name}开展{title.removesuffix('岗')}相关服务，双导师指导。",
                    )
                )
        demo_trainee = users[Role.TRAINEE].practitioner
        students = list(Practitioner.objects.filter(kind=Practitioner.Kind.STUDENT).exclude(pk=demo_trainee.pk)[:40])
        for student in students:
            placement_services.submit_preferences(
                trainee=student, round=round, positions=rng.sample(positions, rng.randint(3, 5))
            )
        placement_services.submit_preferences(trainee=demo_trainee, round=round, positions=positions[:3])

    def seed(self):
        rng = random.Random(2026)
        training_bases = [
            TrainingBase.objects.get_or_create(
                name=name, defaults={"short_name": short, "kind": kind, "address": address}
            )[0]
            for name, short, kind, address in TRAINING_BASES
        ]
        sub_districts = []
        practice_bases = []
        for code, name, district, _area in SUB_DISTRICTS:
            sub_district, _created = SubDistrict.objects.get_or_create(
                code=code, defaults={"name": name, "district": district}
            )
            sub_districts.append(sub_district)
            practice_bases.append(
                PracticeBase.objects.get_or_create(
                    sub_district=sub_district, defaults={"address": f"大庆市{district}{name}办事处"}
                )[0]
            )
        organizations = [
            Organization.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in ORGANIZATIONS
        ]

        users = {}
        for role, email, name in DEMO_LOGINS:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                is_staff=role == Role.ADMINISTRATOR,
            )
            user.groups.add(Group.objects.get(name=role))
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            users[role] = user
        training_bases[0].coordinators.add(users[Role.COORDINATOR])
        practice_bases[0].coordinators.add(users[Role.COORDINATOR])

        specialties = list(Specialty.objects.all())
        seen_ids = set()
        practitioners = []
        while len(practitioners) < 200:
            sub_district_index = rng.randrange(len(SUB_DISTRICTS))
            number = demo_resident_id(rng, SUB_DISTRICTS[sub_district_index][3])
            if number in seen_ids:
                continue
            seen_ids.add(number)
            level = rng.choices(Practitioner.QualificationLevel.values, weights=[40, 30, 25, 5])[0]
            kind = rng.choice(Practitioner.Kind.values)
            qualified = level != Practitioner.QualificationLevel.NONE
            practitioners.append(
                Practitioner(
                    name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
                    resident_id=number,
                    mobile="1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)),
                    organization=rng.choice(organizations),
                    kind=kind,
                    education=rng.choice(Practitioner.Education.values),
                    school="东北石油大学" if kind == Practitioner.Kind.STUDENT else "",
                    major="社会工作" if kind == Practitioner.Kind.STUDENT else "",
                    political_status=rng.choice(Practitioner.PoliticalStatus.values),
                    qualification_level=level,
                    qualification_certificate_number=f"ZG{rng.randrange(10**8):08d}" if qualified else "",
                    qualification_year=rng.randrange(2012, 2026) if qualified else None,
                    registration_date=(
                        datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(900)) if qualified else None
                    ),
                    sub_district=sub_districts[sub_district_index],
                )
            )
        practitioners[0].name = "演示学员"
        practitioners[0].user = users[Role.TRAINEE]
        practitioners[0].email = users[Role.TRAINEE].email
        Practitioner.objects.bulk_create(practitioners)
        self.seed_training(rng, training_bases, users)
        self.seed_placements(rng, practice_bases, users)
        through = Practitioner.specialties.through
        through.objects.bulk_create(
            through(practitioner=practitioner, specialty=specialty)
            for practitioner in Practitioner.objects.all()
            for specialty in rng.sample(specialties, rng.choice([1, 1, 2, 3]))
        )


COURSES = [
    # (base index, code, title, topic, hours, pass mark, minimum level)
    (0, "SW101", "社会工作实务基础", Course.Topic.METHODS, 24, None, "none"),
    (0, "SW205", "老年社会工作", Course.Topic.ELDERLY, 16, 60, "none"),
    (1, "SW110", "社区治理与社区工作", Course.Topic.COMMUNITY, 20, None, "none"),
    (1, "SW230", "青少年与家庭社会工作", Course.Topic.YOUTH, 16, 60, "none"),
    (2, "DX01", "社会工作政策法规", Course.Topic.POLICY, 12, 60, "none"),
    (2, "DX02", "社会工作督导与管理", Course.Topic.MANAGEMENT, 16, None, "intermediate"),
]


POSITION_TITLES = [
    ("社区矛盾调解岗", "disputes"),
    ("居家养老服务岗", "elderly"),
    ("青少年成长服务岗", "youth"),
    ("社区治理服务岗", "community"),
    ("残障康复服务岗", "disability"),
    ("家庭关系服务岗", "family"),
]


def demo_resident_id(rng: random.Random, area_code: str) -> str:
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 40))
    first_17 = f"{area_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first_17 + resident_id.check_character(first_17)
