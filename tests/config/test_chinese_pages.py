"""Every page in Chinese.

Each route of the project (the Django admin's and allauth's included) is
fetched in zh-hans by an anonymous visitor, a trainee, a coordinator and an
administrator, over a small world in which every route with parameters
resolves. The text a reader sees or hears (text, and the attributes title,
aria-label, placeholder, alt and the value of submit buttons) must have no
English word (two or more ASCII letters) outside ALLOWED.

A failure lists, per role and URL, the English words found. Either the string
is not marked for translation (`{% translate %}`, `gettext_lazy`), or
locale/zh_Hans/LC_MESSAGES/django.po has no translation for it, or only a fuzzy
one: run `make messages`, translate, and rerun this file:

    .venv/bin/pytest tests/config/test_chinese_pages.py -q -p no:randomly
"""

import datetime
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from certificates.models import Certificate
from placements.models import Appeal, Evaluation, HourLog, Placement, PlacementRound, Position, Preference, SeatOffer
from research.models import ContinuingEducationProof
from talent.models import LearningRecord
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PractitionerFactory,
    meet_internship_requirements,
)
from tests.reports.conftest import certificate
from tests.research.world import ARGUMENTS as RESEARCH_ARGUMENTS
from tests.research.world import research_world
from training import checkin
from training.models import CourseSession, Enrollment, Meeting

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# Words a Chinese reader expects in Latin letters. Keep this short: each entry
# says why it is not a missing translation.
ALLOWED = {
    # File formats, units and codes that Chinese software and forms write this
    # way; file names end in the lower-case ones.
    *("XLSX", "CSV", "PDF", "PNG", "ZIP", "QR", "ID", "SHA", "GBK", "UTF", "BOM", "KB", "MB"),
    *("xlsx", "csv", "pdf"),
    # Names printed on the product or the key: "用 Excel 另存为", "按住 Ctrl 键".
    "Excel",
    "Ctrl",
    # Uploads are "PDF 或 Word（DOCX）文件": the program's name and its format.
    *("Word", "DOCX"),
    # The language menu names each language in its own name.
    "English",
    # Demo data made by tests/factories.py: sub-district codes "sd-0".
    "sd",
}

# English that Django itself puts on a page where no translation can reach it.
# Each is a Django limitation, not a missing message of ours.
UNTRANSLATABLE = re.compile(
    # AdminPasswordChangeForm appends this warning to a translated help text as
    # a plain string (django/contrib/auth/forms.py).
    r"If disabled, the current password for this user will be lost\."
    # A delete page counts and lists the rows of a many-to-many table by names
    # Django makes from the models' class names: "User-group关系: User_groups object (1)".
    r"|[A-Za-z]+-[a-z]+(?=关系)|[A-Za-z]+(_[a-z]+)+ object"
)

# Routes ending in a file name are downloads, not pages (the sheets' names are
# checked in test_export_sheets.py); unnamed routes are the admin's redirects
# (an object's old address, the catch-all).
DOWNLOAD = re.compile(r"\.(<[^>]+>|[a-z]+)$")

# The attributes a reader sees (tooltips, placeholders) or hears (screen readers).
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
BUTTON_INPUTS = ("submit", "button", "reset")
ADMIN_BOOLEAN_ICON = re.compile(r"/admin/img/icon-(yes|no|unknown)\.svg$")

# What is not a word of the interface: addresses, stored names and codes.
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"  # email addresses
    r"|https?://\S+"  # URLs
    r"|[\w/-]+/[\w.-]+\.(pdf|png|csv|xlsx)\b"  # a stored file: certificates/2026/DQ-2026-T-000001.pdf
    r"|(?<![A-Za-z])(zh-hans|en)(?![A-Za-z])"  # language codes, as a certificate records its language
    r"|[A-Za-z0-9+/=]+\*{3,}"  # a masked secret: a password's salt and hash "Ab3xQz******"
    r"|(?<![A-Za-z0-9])[A-Z]+-\d{4}(-[A-Z])?-\d+(?![0-9])"  # serials: DQ-2026-T-000123
    r"|(?<![0-9a-f])[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}(?![0-9a-f])"  # a UUID: a notification's batch
)
# An English word is a run of two or more ASCII letters; a token that mixes
# letters and digits (7KQ4, C001, A1) is a code, not a word. Phrases are kept
# whole for the report, to find the message they come from.
TOKEN = re.compile(r"[A-Za-z0-9]+")
PHRASE = re.compile(r"[A-Za-z0-9]+(?:[ ,.;:!?'’()/-]+[A-Za-z0-9]+)*[.!?]?")


class VisibleText(HTMLParser):
    """The text of a page as a reader meets it: no script, style or comment,
    no tag names, and only the attribute values that are shown or read aloud."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._attributes(tag, dict(attrs))
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    def _attributes(self, tag, attrs):
        if tag == "img" and ADMIN_BOOLEAN_ICON.search(attrs.get("src", "")):
            # The admin's yes/no icons say alt="True"/"False" (admin_list._boolean_icon
            # formats the Python value): a Django limitation.
            return
        self.parts.extend(attrs[name] for name in VISIBLE_ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in BUTTON_INPUTS and attrs.get("value"):
            self.parts.append(attrs["value"])


def english(html: str, *, codes: tuple[str, ...] = ()) -> list[str]:
    """The English phrases of a page: each run of Latin text, in the page's
    visible text, that has a word not in ALLOWED. `codes` are random strings
    shown on the page (a verification code, whole or in groups)."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    # A phrase does not run across elements: "|" is not one of its characters.
    text = NOT_WORDS.sub(" ", " | ".join(" ".join(part.split()) for part in parser.parts))
    text = UNTRANSLATABLE.sub(" ", text)
    found = []
    for phrase in PHRASE.findall(text):
        if phrase not in found and any(_is_english_word(token, codes) for token in TOKEN.findall(phrase)):
            found.append(phrase)
    return found


def _is_english_word(token: str, codes: tuple[str, ...]) -> bool:
    return (
        len(token) >= 2
        and token.isalpha()
        and token not in ALLOWED
        and not any(token.upper() in code.upper() for code in codes)
    )


def test_english_is_found_only_where_a_reader_meets_it():
    html = """<html><head><title>名册 Roster</title><style>.x{color:red}</style></head><body>
      <!-- a comment --><script src="/static/js/site.js"></script>
      <script type="application/json">{"a": "Hidden"}</script>
      <nav aria-label="breadcrumb"><a href="/training/" class="nav-link" data-x="Data">课程</a></nav>
      <input type="submit" value="Save"><input type="hidden" name="next" value="Next">
      <input placeholder="Search"><img src="a.png" alt="Chart"><span title="Tooltip">提示</span>
      <p>导出 XLSX · 联系 admin@example.com · https://example.com/verify/ · DQ-2026-T-000123</p>
      <p>岗位 A1 · 码 ZQXC 7KQ4</p><img src="/static/admin/img/icon-yes.svg" alt="True">
      <p>盐: Ab3xQz****** · certificates/2026/DQ-2026-T-000001.pdf · 语言: zh-hans</p>
      <p>批次 12b7a57e-1e76-4170-beda-554646481b90</p>
      <p>验证您的Email地址 No certificate matches, sorry.</p>
    </body></html>"""
    assert english(html, codes=("7KQ4ZQXC",)) == [
        "Roster",
        "breadcrumb",
        "Save",
        "Search",
        "Chart",
        "Tooltip",
        "Email",
        "No certificate matches, sorry.",
    ]


# The world: one of everything a route with parameters needs, at the bases of
# coordinator A (practice base A, training base A).


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def world(db, trainee, other_trainee, coordinator_a, administrator, base_a, base_b, training_base_a):
    today = timezone.localdate()
    me, other = trainee.practitioner, other_trainee.practitioner
    course = CourseFactory(base=training_base_a, title="社会工作实务基础", pass_mark=Decimal(60))

    open_session = CourseSessionFactory(course=course, capacity=1)
    EnrollmentFactory(session=open_session, trainee=me)
    waiting = EnrollmentFactory(
        session=open_session, trainee=other, status=Enrollment.Status.WAITLISTED, waitlist_order=1
    )
    ended = CourseSessionFactory(
        course=course,
        status=CourseSession.Status.CLOSED,
        start_date=today - datetime.timedelta(days=5),
        end_date=today - datetime.timedelta(days=3),
    )
    EnrollmentFactory(session=ended, trainee=other)
    meeting = Meeting.objects.create(
        session=ended,
        date=ended.start_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(12),
        hours=Decimal(3),
        place="逸夫楼 305",
        topic="开班",
    )
    finished = CourseSessionFactory(
        course=course,
        status=CourseSession.Status.FINISHED,
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=38),
    )
    completed = EnrollmentFactory(
        session=finished, trainee=me, status=Enrollment.Status.COMPLETED, attended_hours=10, score=Decimal(85)
    )
    EnrollmentFactory(session=finished, trainee=other, status=Enrollment.Status.FAILED, attended_hours=4)
    course_certificate = certificate(
        holder=me, kind=Certificate.Kind.COURSE, issued=_at(finished.end_date), enrollment=completed
    )
    LearningRecord.objects.create(
        practitioner=me, date=finished.end_date, hours=Decimal(6), title="社区治理讲座", note="区民政局主办"
    )

    supervisor = PractitionerFactory(
        user=coordinator_a, name="赵督导", qualification_level="intermediate", qualification_certificate_number="Z1"
    )
    collecting = PlacementRound.objects.create(
        name="明年春季实习",
        internship_start=today + datetime.timedelta(days=90),
        internship_end=today + datetime.timedelta(days=180),
        preference_deadline=timezone.now() + datetime.timedelta(days=30),
        status=PlacementRound.Status.COLLECTING,
        required_hours=Decimal(40),
    )
    spring_a = Position.objects.create(
        round=collecting, base=base_a, code="A1", title="社区调解岗", capacity=2, supervisor=supervisor
    )
    Position.objects.create(round=collecting, base=base_b, code="B1", title="养老服务岗", capacity=2)
    Preference.objects.create(trainee=me, round=collecting, position=spring_a, rank=1)

    running = PlacementRound.objects.create(
        name="本年实习",
        internship_start=today - datetime.timedelta(days=60),
        internship_end=today - datetime.timedelta(days=1),
        preference_deadline=_at(today - datetime.timedelta(days=90)),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=Decimal(40),
    )
    position = Position.objects.create(
        round=running, base=base_a, code="A2", title="儿童服务岗", capacity=2, supervisor=supervisor
    )
    placement = Placement.objects.create(
        trainee=me, round=running, position=position, preference_rank=1, status=Placement.Status.CONFIRMED
    )
    HourLog.objects.create(
        placement=placement,
        date=running.internship_start,
        hours=Decimal(8),
        activity="入户走访",
        status=HourLog.Status.APPROVED,
    )
    submitted = HourLog.objects.create(
        placement=placement,
        date=running.internship_start + datetime.timedelta(days=1),
        hours=Decimal(6),
        activity="小组活动",
    )
    Evaluation.objects.create(placement=placement, mentor=supervisor, role="tutor", score=Decimal(88), comment="认真")
    meet_internship_requirements(placement)
    journal_entry = placement.journal_entries.first()
    offer = SeatOffer.objects.create(
        round=running, position=position, trainee=other, respond_by=timezone.now() + datetime.timedelta(days=3)
    )
    appeal = Appeal.objects.create(placement=placement, round=running, trainee=me, reason="离家太远")

    import_record = _import_record(administrator)
    email = EmailAddress.objects.create(user=trainee, email=trainee.email, verified=False, primary=True)
    research = research_world(
        {"trainee": me},
        trainee=trainee,
        coordinator=coordinator_a,
        administrator=administrator,
        training_base=training_base_a,
        practice_base=base_a,
    )
    return {
        **research,
        "trainee": me,
        "journal_entry": journal_entry,
        "offer": offer,
        "appeal": appeal,
        "open_session": open_session,
        "waiting": waiting,
        "ended_session": ended,
        "meeting": meeting,
        "finished_session": finished,
        "certificate": course_certificate,
        "collecting_round": collecting,
        "running_round": running,
        "placement": placement,
        "hour_log": submitted,
        "import_record": import_record,
        "email_key": EmailConfirmationHMAC(email).key,
        "reset": (user_pk_to_url_str(trainee), default_token_generator.make_token(trainee)),
    }


def _import_record(user):
    """A previewed import with a problem, made directly: the admin pages only
    read it. Looked up through the admin, wherever the model lives."""
    model = next(model for model in admin.site._registry if model.__name__ == "ImportRecord")
    return model.objects.create(
        kind="practitioners",
        user=user,
        file_name="人员名单.csv",
        file_sha256="0" * 64,
        file_size=2048,
        dry_run=True,
        status="previewed",
        rows_total=2,
        new=1,
        invalid=1,
    )


def _admin_app_labels():
    return sorted({model._meta.app_label for model in admin.site._registry})


def _session_pk(world):
    return [{"pk": world[key].pk} for key in ("open_session", "ended_session", "finished_session")]


def _round_pk(world):
    return [{"pk": world[key].pk} for key in ("collecting_round", "running_round")]


def _certificate_batch(w) -> int:
    """The finished session's certificate batch, waiting for a worker: its page
    (certificates:session-batch) then shows the batch's progress."""
    from certificates.models import CertificateBatch

    session = w["finished_session"]
    return CertificateBatch.objects.get_or_create(scope=f"session:{session.pk}", session=session)[0].pk


# The arguments of every route that has some, by URL name.
def _trainee_notification(w) -> int:
    """A notification of the trainee's, read by every role: the others get the 404 page."""
    from notifications.models import Notification
    from notifications.services import notify

    context = {"reregistration_date": timezone.localdate(), "days": 30, "required": 72}
    notify(kind="talent.reregistration_due", recipients=[w["trainee"]], context=context, occasion="pages")
    return Notification.objects.get(practitioner=w["trainee"], occasion="pages").pk


ARGUMENTS = {
    "talent:practitioner-detail": lambda w: [{"pk": w["trainee"].pk}],
    "talent:practitioner-unmask": lambda w: [{"pk": w["trainee"].pk}],
    "training:session-detail": _session_pk,
    "training:session-enroll": lambda w: [{"pk": w["open_session"].pk}],
    "training:session-cancel": lambda w: [{"pk": w["open_session"].pk}],
    "training:session-roster": _session_pk,
    "training:session-capacity": lambda w: [{"pk": w["open_session"].pk}],
    "training:session-results": lambda w: [{"pk": w["ended_session"].pk}],
    "training:session-finish": lambda w: [{"pk": w["ended_session"].pk}],
    "training:cancel-session": lambda w: [{"pk": w["open_session"].pk}],
    "certificates:session-batch": lambda w: [{"pk": w["finished_session"].pk}],
    "training:session-meetings": _session_pk,
    "training:meeting-register": lambda w: [{"pk": w["meeting"].pk}],
    "training:meeting-rest-present": lambda w: [{"pk": w["meeting"].pk}],
    "training:meeting-checkin": lambda w: [{"pk": w["meeting"].pk}],
    "training:meeting-checkin-live": lambda w: [{"pk": w["meeting"].pk}],
    "training:checkin": lambda w: [
        {"token": checkin.make_token(w["meeting"].pk, "in", timezone.now())},
        {"token": "expired"},
    ],
    "training:roster-cancel": lambda w: [{"pk": w["open_session"].pk, "enrollment_pk": w["waiting"].pk}],
    "training:roster-move-up": lambda w: [{"pk": w["open_session"].pk, "enrollment_pk": w["waiting"].pk}],
    "placements:submit-preferences": lambda w: [{"round_pk": w["collecting_round"].pk}],
    "placements:log-hours": lambda w: [{"placement_pk": w["placement"].pk}],
    "placements:evaluate": lambda w: [{"pk": w["placement"].pk}],
    "placements:manage-round": _round_pk,
    "placements:run-matching": lambda w: [{"pk": w["collecting_round"].pk}],
    "placements:confirm-round": lambda w: [{"pk": w["collecting_round"].pk}],
    "placements:reopen-round": lambda w: [{"pk": w["running_round"].pk}],
    "placements:add-placement": lambda w: [{"pk": w["running_round"].pk}],
    "placements:move-placement": lambda w: [{"pk": w["placement"].pk}],
    "placements:withdraw-placement": lambda w: [{"pk": w["placement"].pk}],
    "placements:set-tutor": lambda w: [{"pk": w["placement"].pk}],
    "placements:appeal": lambda w: [{"pk": w["placement"].pk}],
    "placements:answer-placement": lambda w: [{"pk": w["placement"].pk}],
    "placements:agreement": lambda w: [{"pk": w["placement"].pk}],
    "placements:confirm-agreement": lambda w: [{"pk": w["placement"].pk}],
    "placements:journal": lambda w: [{"pk": w["placement"].pk}],
    "placements:record-visit": lambda w: [{"pk": w["placement"].pk}],
    "placements:give-feedback": lambda w: [{"pk": w["placement"].pk}],
    "placements:comment-journal": lambda w: [{"pk": w["journal_entry"].pk}],
    "placements:answer-offer": lambda w: [{"pk": w["offer"].pk}],
    "placements:applicants": _round_pk,
    "placements:publish": lambda w: [{"pk": w["collecting_round"].pk}],
    "placements:mark": lambda w: [{"pk": w["placement"].position_id, "trainee_pk": w["trainee"].pk}],
    "placements:resolve-appeal": lambda w: [{"pk": w["appeal"].pk}],
    "certificates:round-batch": lambda w: [{"pk": w["running_round"].pk}],
    "certificates:batch-progress": lambda w: [{"pk": _certificate_batch(w)}],
    "placements:review-hour-log": lambda w: [{"pk": w["hour_log"].pk}],
    "certificates:revoke": lambda w: [{"serial": w["certificate"].serial}],
    "notifications:open": lambda w: [{"pk": _trainee_notification(w)}],
    "notifications:mark-read": lambda w: [{"pk": _trainee_notification(w)}],
    "certificates:verify": lambda w: [{"code": w["certificate"].verification_code}, {"code": "no-such-code"}],
    "reports:assessment": lambda w: [
        {"kind": "training", "base_id": w["finished_session"].course.base_id, "year": timezone.localdate().year},
        {"kind": "practice", "base_id": w["placement"].position.base_id, "year": timezone.localdate().year},
    ],
    "admin:rosters_importrecord_new": lambda w: [{"kind": "practitioners"}],
    "admin:rosters_importrecord_confirm": lambda w: [{"pk": w["import_record"].pk}],
    "admin:rosters_importrecord_progress": lambda w: [{"pk": w["import_record"].pk}],
    "admin:app_list": lambda w: [
        {"app_label": label} for label in sorted({m._meta.app_label for m in admin.site._registry})
    ],
    "admin:view_on_site": lambda w: [],  # a redirect to the record's own page
    "admin:auth_user_password_change": lambda w: [{"id": w["trainee"].user_id}],
    "account_confirm_email": lambda w: [{"key": w["email_key"]}, {"key": "expired"}],
    # A good key is swapped for a token in the session, then the form shows.
    "account_reset_password_from_key": lambda w: [
        {"uidb36": w["reset"][0], "key": w["reset"][1]},
        {"uidb36": w["reset"][0], "key": "set-password"},
    ],
    **RESEARCH_ARGUMENTS,
}

ADMIN_OBJECT_VIEWS = ("change", "history", "delete")


def _routes(resolver, prefix="", namespace=""):
    """(route, URL name) of every pattern, the admin's and allauth's included."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else ""


def _admin_object_arguments(name: str):
    """For admin:<app>_<model>_change/history/delete: the first row of that model."""
    for model in admin.site._registry:
        for view in ADMIN_OBJECT_VIEWS:
            if name == f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}":
                row = model._default_manager.order_by("pk").first()
                return [{"object_id": row.pk}] if row else []
    return None


def pages(world) -> tuple[list[str], list[str]]:
    """The URLs to read, and the routes this file does not know how to fill."""
    urls, unknown = [], []
    for route, name in _routes(get_resolver()):
        if not name or DOWNLOAD.search(route):
            continue
        if "<" not in route:
            urls.append(reverse(name))
            continue
        arguments = ARGUMENTS[name](world) if name in ARGUMENTS else _admin_object_arguments(name)
        if arguments is None:
            unknown.append(f"{name} ({route})")
            continue
        urls.extend(reverse(name, kwargs=kwargs) for kwargs in arguments)
    return urls, unknown


ROLES = {
    "anonymous": None,
    "trainee": "trainee",
    "coordinator": "coordinator_a",
    "administrator": "administrator",
}
# How many pages each role must at least have read, so that a redirect in front
# of everything (a sign-in, a second factor) cannot make this test pass unread.
AT_LEAST = {"anonymous": 10, "trainee": 20, "coordinator": 30, "administrator": 100}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_in_chinese(client, request, world, role):
    urls, unknown = pages(world)
    assert not unknown, (
        "These routes take arguments this test cannot fill; add them to ARGUMENTS in "
        "tests/config/test_chinese_pages.py:\n  " + "\n  ".join(unknown)
    )
    user = request.getfixturevalue(ROLES[role]) if ROLES[role] else None
    codes = (
        world["certificate"].verification_code,
        *ContinuingEducationProof.objects.values_list("verification_code", flat=True),
    )
    found, read = {}, 0
    for url in urls:
        # Again before each page: some pages sign a visitor out (a password
        # reset link opened while signed in as someone else).
        if user:
            client.force_login(user)
        response = client.get(url, **ZH)
        if 300 <= response.status_code < 400 or not response["Content-Type"].startswith("text/html"):
            continue
        read += 1
        phrases = english(response.content.decode(), codes=codes)
        if phrases:
            found[url] = phrases
    assert read >= AT_LEAST[role], f"{role} read only {read} pages: is everything redirected?"
    report = "\n".join(f"  [{role}] {url}: " + " | ".join(phrases) for url, phrases in found.items())
    assert not found, f"English words on {len(found)} of {read} Chinese pages:\n{report}"


# The admin's JavaScript (the two-box selector, calendars, action prompts) takes
# its words from the catalogue at /admin/jsi18n/.

ADMIN_JS_MESSAGES = Path(django.__file__).parent / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"


def test_the_admins_javascript_has_every_message_in_chinese(client, administrator):
    client.force_login(administrator)
    script = client.get("/admin/jsi18n/", **ZH).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    # Every message the admin's scripts ask for (Django's English catalogue lists
    # them), plural ones by their singular.
    wanted = {message for message in _msgids(ADMIN_JS_MESSAGES.read_text()) if message}
    missing = sorted(message for message in wanted if not catalog.get(message))
    assert not missing, f"No Chinese for these messages of the admin's JavaScript: {missing}"
    assert catalog["Choose all %s"] == "选择全部%s"
    english = {
        message: translation
        for message, translation in catalog.items()
        for text in ([translation] if isinstance(translation, str) else translation)
        if any(_is_english_word(token, ()) for token in TOKEN.findall(re.sub(r"%\(\w+\)s|%s", "", text)))
    }
    assert not english, f"English left in the Chinese of the admin's JavaScript: {english}"


def _msgids(po: str):
    """The msgid of each entry of a .po file without a context, joined from its
    quoted lines."""
    for entry in po.split("\n\n"):
        if "\nmsgctxt" in "\n" + entry:
            continue
        lines = re.search(r"^msgid (\".*?)^msg(?:id_plural|str)", entry, re.S | re.M)
        if lines:
            yield "".join(json.loads(line) for line in lines[1].splitlines())


def test_roles_and_permissions_are_named_in_the_readers_language(db):
    trainees = Group.objects.get(name="trainee")
    add = Permission.objects.get(codename="add_practitioner")
    unmask = Permission.objects.get(codename="view_full_resident_id")
    with translation.override("zh-hans"):
        assert (str(trainees), str(add), str(unmask)) == (
            "学员",
            "人才库 | 社会工作人才 | 可添加",
            "人才库 | 社会工作人才 | 可查看完整身份证号",
        )
    with translation.override("en"):
        assert (str(trainees), str(add)) == ("Trainee", "Talent registry | practitioner | Can add")
