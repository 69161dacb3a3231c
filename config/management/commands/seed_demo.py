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
from config.demo_research import seed_research
from placements import services as placement_services
from placements.models import (
    Competency,
    Evaluation,
    JournalEntry,
    LearningAgreement,
    Placement,
    PlacementRound,
    Position,
    PracticeBase,
    RubricRating,
    SiteFeedback,
    SiteVisit,
)
from talent import resident_id
from talent.models import Organization, Practitioner, Specialty, SubDistrict, User
from talent.roles import Role
from training import attendance as training_attendance
from training import services as training_services
from training.models import Course, CourseSession, TrainingBase

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 -- printed for the demo on purpose
DEMO_LOGINS = [
    (Role.ADMINISTRATOR, "admin@demo.example.com", "演示管理员"),
    (Role.COORDINATOR, "coordinator@demo.example.com", "演示协调员"),
    (Role.TRAINEE, "trainee@demo.example.com", "演示学员"),
]
# The demo trainee also signs in with this mobile number and a texted code
# (with the default console SMS backend the text is printed by the server).
DEMO_TRAINEE_PHONE = "13800000003"

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
        self.stdout.write(
            f"  {Role(Role.TRAINEE).label:<14} or mobile {DEMO_TRAINEE_PHONE} with a code (the server prints the SMS)"
        )

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
            # Attended hours come from the register of its class meetings.
            self.seed_register(rng, finished, users[Role.ADMINISTRATOR], always_there=demo_trainee)
            training_services.record_results(
                session=finished,
                results={
                    e.pk: training_services.Result(
                        attended_hours=None, score=rng.randrange(50, 100) if course.pass_mark else None
                    )
                    for e in finished.enrollments.all()
                },
                by=users[Role.ADMINISTRATOR],
            )
            training_services.finish_session(session=finished, by=users[Role.ADMINISTRATOR])
            certificate_services.issue_in_chunks(certificate_services.session_sources(finished))
            upcoming = CourseSession.objects.create(
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
            self.seed_meetings(upcoming, users[Role.ADMINISTRATOR])
        self.seed_running_session(rng, courses[0], trainees, users[Role.ADMINISTRATOR])

    def seed_meetings(self, session, by):
        """The meetings proposed from the session's dates, with a topic each."""
        proposed = training_attendance.propose_meetings(session)
        rows = [
            training_attendance.MeetingRow(
                pk=None,
                date=m.date,
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                hours=m.hours,
                place=m.place,
                topic=f"第{number}讲",
            )
            for number, m in enumerate(proposed, start=1)
        ]
        return training_attendance.save_meetings(session=session, rows=rows, by=by)

    def seed_register(self, rng, session, by, *, always_there=None, until=None):
        """Attendance at the session's meetings (up to `until`): most present,
        some late, a few excused or absent."""
        S = training_attendance.Attendance.Status
        for meeting in self.seed_meetings(session, by):
            if until is not None and meeting.date >= until:
                continue
            marks = {}
            for enrollment in session.enrollments.filter(status="enrolled"):
                draw = rng.random()
                if enrollment.trainee_id == (always_there.pk if always_there else None) or draw < 0.8:
                    marks[enrollment.trainee_id] = training_attendance.Mark(S.PRESENT)
                elif draw < 0.9:
                    start = datetime.datetime.combine(meeting.date, meeting.starts_at)
                    arrived = (start + datetime.timedelta(minutes=40)).time()
                    marks[enrollment.trainee_id] = training_attendance.Mark(S.LATE, arrived=arrived)
                elif draw < 0.95:
                    marks[enrollment.trainee_id] = training_attendance.Mark(S.EXCUSED, reason="单位工作安排")
                else:
                    marks[enrollment.trainee_id] = training_attendance.Mark(S.ABSENT)
            training_attendance.mark(meeting=meeting, marks=marks, by=by)

    def seed_running_session(self, rng, course, trainees, by):
        """A session running now (yesterday to tomorrow): yesterday's register
        kept, today's meeting ready for QR check-in."""
        now, today = timezone.now(), timezone.localdate()
        running = CourseSession.objects.create(
            course=course,
            start_date=today - datetime.timedelta(days=1),
            end_date=today + datetime.timedelta(days=1),
            capacity=30,
            enrollment_opens=now - datetime.timedelta(days=30),
            enrollment_closes=now + datetime.timedelta(minutes=5),
            location=f"{course.base.short_name}教学楼",
            instructors="王老师",
            schedule="09:00–16:30",
            status=CourseSession.Status.OPEN,
        )
        for trainee in rng.sample(trainees, 15):
            try:
                training_services.enroll(trainee=trainee, session=running)
            except training_services.EnrollmentRefused:
                continue
        self.seed_register(rng, running, by, until=today)
        CourseSession.objects.filter(pk=running.pk).update(
            status=CourseSession.Status.CLOSED, enrollment_closes=now - datetime.timedelta(days=2)
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
        placement_services.submit_preferences(
            trainee=demo_trainee,
            round=round,
            positions=positions[:3],
            statements=["我在社区做过两年志愿者，想系统学习调解。", "", ""],
        )

    def seed_internship_lifecycle(self, rng, practice_bases, users):
        """The rubric; an internship under way for the demo trainee at the demo
        coordinator's base (agreement confirmed, journals with a tutor's
        comment and a missing week, a site visit, a midterm evaluation); last
        year's round with the trainees' site feedback (five answers: shown)."""
        levels = ["尚未达到要求", "需要较多指导", "基本达到要求", "良好，能独立完成", "优秀，能指导他人"]
        for order, (name, weight) in enumerate(
            [("专业价值与伦理", 1), ("个案与小组工作实务", 2), ("社区资源链接", 1), ("专业反思与成长", 1)]
        ):
            Competency.objects.create(
                name=name, weight=weight, order=order, **{f"level_{n}": text for n, text in enumerate(levels, 1)}
            )
        today = timezone.localdate()
        now = timezone.now()
        base = practice_bases[0]
        supervisor = Practitioner.objects.filter(qualification_level="senior").first()
        tutor = Practitioner.objects.filter(organization__name__contains="大学").exclude(pk=supervisor.pk).first()
        tutor = tutor or Practitioner.objects.exclude(pk=supervisor.pk).first()
        running = PlacementRound.objects.create(
            name="2026年秋季社会工作实习",
            internship_start=today - datetime.timedelta(days=35),
            internship_end=today + datetime.timedelta(days=50),
            preference_deadline=now - datetime.timedelta(days=60),
            status=PlacementRound.Status.CONFIRMED,
            required_hours=120,
            published_at=now - datetime.timedelta(days=50),
            explained_at=now - datetime.timedelta(days=50),
        )
        running.organisers.add(users[Role.ADMINISTRATOR])
        position = Position.objects.create(
            round=running, base=base, code="Q11", title="社区矛盾调解岗", capacity=3, supervisor=supervisor
        )
        demo_trainee = users[Role.TRAINEE].practitioner
        placement = Placement.objects.create(
            trainee=demo_trainee,
            round=running,
            position=position,
            tutor=tutor,
            status=Placement.Status.CONFIRMED,
            preference_rank=1,
            confirmed_at=now - datetime.timedelta(days=45),
            accepted_at=now - datetime.timedelta(days=44),
        )
        LearningAgreement.objects.create(
            placement=placement,
            goals="掌握社区矛盾调解的基本流程；能独立完成一次调解记录。",
            tasks="参与每周调解接待；跟进两户邻里纠纷个案；协助组织一次法律宣传活动。",
            schedule="每周一、三、五在社区服务站，周二参加督导。",
            supervision="站内督导每周面谈一小时；高校导师每两周线上督导一次。",
            trainee_confirmed_at=now - datetime.timedelta(days=40),
            supervisor_confirmed_at=now - datetime.timedelta(days=39),
            tutor_confirmed_at=now - datetime.timedelta(days=38),
        )
        weeks = [w for w in running.internship_weeks() if w < today - datetime.timedelta(days=7)]
        for number, week in enumerate(weeks):
            if number == 2:
                continue  # a missing week, visible to the tutor and the coordinator
            JournalEntry.objects.create(
                placement=placement,
                week_start=week,
                activities=f"第{number + 1}周：参与调解接待{rng.randint(2, 5)}次，整理个案记录。",
                reflection="学会先倾听双方诉求，再梳理共同利益。",
                tutor_comment="记录详实，下周尝试独立主持一次接待。" if number == 0 else "",
                commented_at=now - datetime.timedelta(days=28) if number == 0 else None,
            )
        SiteVisit.objects.create(
            placement=placement,
            tutor=tutor,
            date=today - datetime.timedelta(days=10),
            people_met="服务站站长、站内督导",
            notes="学员融入良好，已能独立完成接待记录。",
            follow_up="下月安排一次小组活动的策划。",
        )
        midterm = Evaluation.objects.create(
            placement=placement, mentor=tutor, role=Evaluation.Role.TUTOR, stage=Evaluation.Stage.MIDTERM, score=76
        )
        for competency in Competency.objects.all():
            RubricRating.objects.create(evaluation=midterm, competency=competency, level=4, evidence="周志与走访记录")
        last_year = PlacementRound.objects.create(
            name="2025年秋季社会工作实习",
            internship_start=datetime.date(today.year - 1, 9, 1),
            internship_end=datetime.date(today.year - 1, 12, 31),
            preference_deadline=now - datetime.timedelta(days=500),
            status=PlacementRound.Status.FINISHED,
            required_hours=120,
        )
        for n, answer in enumerate([(4, 5, 4, 4), (5, 4, 4, 5), (3, 4, 5, 4), (4, 4, 4, 4), (5, 5, 4, 5)]):
            SiteFeedback.objects.create(
                base=base,
                year=last_year.internship_start.year,
                comment=["督导很用心", "任务安排合理", "", "希望多一些小组工作机会", ""][n],
                **dict(zip(SiteFeedback.QUESTIONS, answer, strict=True)),
            )

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
        practitioners[0].mobile = users[Role.TRAINEE].phone = DEMO_TRAINEE_PHONE
        users[Role.TRAINEE].phone_verified = True
        users[Role.TRAINEE].save(update_fields=["phone", "phone_verified"])
        Practitioner.objects.bulk_create(practitioners)
        self.seed_training(rng, training_bases, users)
        self.seed_placements(rng, practice_bases, users)
        self.seed_internship_lifecycle(rng, practice_bases, users)
        seed_research(rng, training_bases, practice_bases, users)
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
