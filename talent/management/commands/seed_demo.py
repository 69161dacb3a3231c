"""Demo data for a first run: the bases, organizations, ~200 practitioners and
one login per role. Running it again changes nothing."""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from placements.models import PracticeBase
from talent import resident_id
from talent.models import Organization, Practitioner, Specialty, SubDistrict, User
from talent.roles import Role
from training.models import TrainingBase

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
        through = Practitioner.specialties.through
        through.objects.bulk_create(
            through(practitioner=practitioner, specialty=specialty)
            for practitioner in Practitioner.objects.all()
            for specialty in rng.sample(specialties, rng.choice([1, 1, 2, 3]))
        )


def demo_resident_id(rng: random.Random, area_code: str) -> str:
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 40))
    first_17 = f"{area_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first_17 + resident_id.check_character(first_17)
