"""A filled sign-in sheet (签到表) read back: one meeting chosen with the file,
each row a person found by the sheet's 序号 (No.) or their 身份证号 (in full,
or masked as the sheet prints it), and a 签到 (signed) column saying how they
attended. Each row goes through `training.attendance.mark`, acting as the
importing user, so the register's rules (seats, reasons, times) hold."""

import datetime
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from rosters.resources import RosterResource
from rosters.seen import FirstSeen
from rosters.tabular import UnreadableFile
from talent import names, resident_id
from training import attendance
from training.models import Attendance, Meeting
from training.register import seated

S = Attendance.Status
#: What people write in the 签到 column, as compared (lower case, no spaces).
SIGNED_WORDS = {
    S.ABSENT: {"", "缺", "缺勤", "缺席", "未到", "旷课", "×", "x", "✗", "✘", "0", "否", "no", "n", "absent"},
    S.EXCUSED: {"请假", "假", "事假", "病假", "excused", "leave"},
    S.LATE: {"迟到", "迟", "late"},
    S.LEFT_EARLY: {"早退", "leftearly", "left early"},
}
MASKED = re.compile(r"^(\d{6})\*+(\d{3}[\dX])$")


def signed_status(value: str) -> str:
    """Anything else written in the column (✓, √, 到, a signature) is present."""
    word = "".join(str(value or "").split()).lower()
    for status, words in SIGNED_WORDS.items():
        if word in words:
            return status
    return S.PRESENT


def _time(value) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    text = str(value).strip().replace("：", ":")
    for pattern in ("%H:%M", "%H:%M:%S", "%H.%M"):
        try:
            return datetime.datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a time of day such as 09:05.") % {"value": value})


class SignInSheetResource(RosterResource):
    number = fields.Field(column_name="number")
    name = fields.Field(column_name="name")
    resident_id = fields.Field(column_name="resident_id")
    signed = fields.Field(column_name="signed")
    arrived = fields.Field(column_name="arrived")
    left = fields.Field(column_name="left")
    reason = fields.Field(column_name="reason")

    header_aliases = {
        "number": ["序号", "编号", "no", "no."],
        "name": ["姓名", "学员姓名", "名字"],
        "resident_id": ["身份证号", "身份证号码", "居民身份证号", "证件号码", "resident id"],
        "signed": ["签到", "签名", "出勤", "签到情况", "attendance"],
        "arrived": ["签到时间", "到达时间", "arrived at"],
        "left": ["签退时间", "离开时间", "left at"],
        "reason": ["备注", "请假原因", "原因", "note"],
    }
    required_columns = ("signed",)
    example_row = {"number": "1", "name": "张三", "resident_id": "230602********1238", "signed": "√"}

    class Meta(RosterResource.Meta):
        model = Attendance
        fields = ["number", "name", "resident_id", "signed", "arrived", "left", "reason"]
        skip_diff = True
        name = gettext_lazy("Sign-in sheet of a meeting")

    def __init__(self, *, meeting: Meeting | None = None, **kwargs):
        super().__init__(**kwargs)
        self.meeting = meeting
        self.first_row = FirstSeen()
        self.in_file: set[int] = set()
        self._people = None

    def column_labels(self):
        return {
            "number": _("No."),
            "name": _("name"),
            "resident_id": _("resident ID"),
            "signed": _("Signed"),
            "arrived": _("arrived at"),
            "left": _("left at"),
            "reason": _("reason"),
        }

    def match_headers(self, headers):
        columns, ignored = super().match_headers(headers)
        if "number" not in columns and "resident_id" not in columns:
            raise UnreadableFile(_("The file needs a No. (序号) or a resident ID (身份证号) column."))
        return columns, ignored

    # The people of the sheet, in its order --------------------------------------

    def people(self) -> list:
        if self._people is None:
            self._people = [e.trainee for e in seated(self.meeting.session).select_related("trainee")]
        return self._people

    def find(self, row) -> tuple:
        """(practitioner, None) or (None, (column, message))."""
        number = str(row.get("number") or "").strip()
        given_id = resident_id.normalize(str(row.get("resident_id") or "")).upper()
        people = self.people()
        if given_id:
            if masked := MASKED.match(given_id):
                found = [
                    p
                    for p in people
                    if p.resident_id.startswith(masked.group(1)) and p.resident_id.endswith(masked.group(2))
                ]
            else:
                found = [p for p in people if p.resident_id == given_id]
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                return None, ("resident_id", _("Several people of the session match this masked resident ID."))
            if not number:
                return None, ("resident_id", _("Nobody with a seat in the session has this resident ID."))
        if number:
            try:
                index = int(float(number))
            except ValueError:
                return None, ("number", _("“%(value)s” is not a number of the sheet.") % {"value": number})
            if not 1 <= index <= len(people):
                return None, (
                    "number",
                    _("The sheet has numbers 1 to %(count)d.") % {"count": len(people)},
                )
            return people[index - 1], None
        return None, ("number", _("Give the No. (序号) or the resident ID."))

    def get_or_init_instance(self, instance_loader, row):
        person, problem = self.find(row)
        existing = None
        if person is not None:
            existing = Attendance.objects.filter(meeting=self.meeting, trainee=person).first()
        instance = existing or Attendance(meeting=self.meeting, trainee=person)
        instance._sheet_problem = problem
        return instance, existing is None

    def check_row(self, instance, row, errors, *, line):
        if instance._sheet_problem:
            column, message = instance._sheet_problem
            errors[column] = [message]
            return
        person = instance.trainee
        first = self.first_row.first_line(person.pk, line)
        if first != line:
            errors.setdefault("number", []).append(
                _("%(name)s is already on line %(line)s of the file.") % {"name": person.name, "line": first}
            )
        name = names.normalize_name(str(row.get("name") or ""))
        if name and name != person.name:
            errors.setdefault("name", []).append(
                _("The name “%(name)s” does not match line %(number)s of the sheet, which is %(registered)s.")
                % {"name": name, "number": row.get("number") or "", "registered": person.name}
            )
        times = {}
        for column in ("arrived", "left"):
            try:
                times[column] = _time(row.get(column))
            except ValueError as error:
                errors.setdefault(column, []).append(str(error))
        status = signed_status(row.get("signed"))
        if status == S.PRESENT and times.get("arrived") and times["arrived"] > self.meeting.starts_at:
            status = S.LATE
        if status == S.PRESENT and times.get("left") and times["left"] < self.meeting.ends_at:
            status = S.LEFT_EARLY
        instance._mark = attendance.Mark(
            status=status,
            arrived=times.get("arrived"),
            left=times.get("left"),
            reason=str(row.get("reason") or "").strip(),
        )
        self.in_file.add(person.pk)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not any(str(value).strip() for value in row.values()):
            return True
        if import_validation_errors or instance.pk is None or not hasattr(instance, "_mark"):
            return False
        mark = instance._mark
        return instance.status == mark.status and (instance.reason or "") == (
            mark.reason if mark.status == S.EXCUSED else ""
        )

    def do_instance_save(self, instance, is_create):
        try:
            attendance.mark(
                meeting=self.meeting,
                marks={instance.trainee_id: instance._mark},
                by=self.user,
                method=Attendance.Method.IMPORT,
            )
        except attendance.AttendanceRefused as refusal:
            key = NON_FIELD_ERRORS if refusal.code in ("not_allowed", "finished", "not_started") else "signed"
            raise ValidationError({key: [ValidationError(refusal.message, code=refusal.code)]}) from None
        saved = Attendance.objects.get(meeting=self.meeting, trainee=instance.trainee)
        instance.pk = saved.pk
        instance._state.adding = False

    def describe(self, instance, row) -> dict:
        labels = self.labels()
        details = {labels["name"]: instance.trainee.name, labels["signed"]: S(instance._mark.status).label}
        if instance.pk and instance.status != instance._mark.status:
            details[labels["signed"]] = [S(instance.status).label, S(instance._mark.status).label]
        return {key: value if isinstance(value, list) else str(value) for key, value in details.items()}

    def after_file(self):
        missing = [p.name for p in self.people() if p.pk not in self.in_file]
        if missing:
            self.notices.append(
                _("Not on the sheet, so left as they are in the register: %(names)s.") % {"names": "、".join(missing)}
            )

    def get_queryset(self):
        rows = Attendance.objects.select_related("trainee")
        return rows.filter(meeting=self.meeting) if self.meeting else rows
