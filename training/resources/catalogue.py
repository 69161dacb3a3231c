"""Courses and sessions: plain create-or-update imports keyed on what a
coordinator's spreadsheet has: a course by training base and course code, a
session by its course and start date."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from rosters.resources import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    LookupWidget,
    RosterResource,
    text_field,
)
from talent.models import Practitioner
from training import services
from training.models import Course, CourseSession, TrainingBase

# --- Courses and sessions ------------------------------------------------------


class TrainingBaseWidget(LookupWidget):
    def __init__(self):
        super().__init__(TrainingBase, ("name", "short_name"), display="name")

    def load(self):
        super().load()
        self.cache.pop("", None)  # bases without a short name


class CourseResource(RosterResource):
    """Courses keyed on training base (by name or short name) and course code."""

    base = fields.Field(attribute="base", column_name="base", widget=TrainingBaseWidget())
    code = text_field("code")
    title = text_field("title")
    topic = fields.Field(
        attribute="topic", column_name="topic", widget=ChoiceWidget(Course.Topic, blank=Course.Topic.OTHER)
    )
    hours = fields.Field(attribute="hours", column_name="hours", widget=DecimalWidget())
    pass_mark = fields.Field(attribute="pass_mark", column_name="pass_mark", widget=DecimalWidget())
    minimum_qualification_level = fields.Field(
        attribute="minimum_qualification_level",
        column_name="minimum_qualification_level",
        widget=ChoiceWidget(Practitioner.QualificationLevel, blank=Practitioner.QualificationLevel.NONE),
    )
    description = text_field("description")

    header_aliases = {
        "base": ["培训基地", "基地", "training base"],
        "code": ["课程编号", "课程代码", "code"],
        "title": ["课程名称", "课程", "title"],
        "hours": ["学时", "课时"],
        "pass_mark": ["及格分", "合格分数"],
        "minimum_qualification_level": ["资格要求", "最低资格"],
    }
    required_columns = ("base", "code", "title", "hours")
    example_row = {
        "base": "黑龙江八一农垦大学",
        "code": "SW101",
        "title": "社会工作实务",
        "topic": "社区工作",
        "hours": "16",
        "pass_mark": "60",
        "minimum_qualification_level": "无",
    }

    class Meta(RosterResource.Meta):
        model = Course
        import_id_fields = ["base", "code"]
        skip_diff = True
        fields = ["base", "code", "title", "topic", "hours", "pass_mark", "minimum_qualification_level", "description"]
        name = gettext_lazy("Courses")

    def get_queryset(self):
        return Course.objects.select_related("base")

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # import_instance reports the cell


class SessionDateTimeWidget(widgets.Widget):
    """A local date and time, 2026-09-01 09:00; a date alone means the start
    of that day (or its end, for a deadline)."""

    def __init__(self, *, end_of_day=False):
        super().__init__()
        self.end_of_day = end_of_day
        self.dates = DateWidget()

    def clean(self, value, row=None, **kwargs):
        value = " ".join(str(value or "").replace("T", " ").split())
        if not value:
            return None
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
            try:
                return timezone.make_aware(datetime.datetime.strptime(value, pattern))
            except ValueError:
                continue
        try:
            day = self.dates.clean(value)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date and time; write it as 2026-09-01 09:00.") % {"value": value}
            ) from None
        moment = datetime.time(23, 59, 59) if self.end_of_day else datetime.time(0, 0)
        return timezone.make_aware(datetime.datetime.combine(day, moment))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        local = timezone.localtime(value)
        return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


class CourseWidget(widgets.Widget):
    """A course by its code, within the training base given in the same row
    (a code alone is enough while no other base uses it)."""

    def __init__(self):
        super().__init__()
        self.bases = TrainingBaseWidget()
        self.by_code: dict[str, list[Course]] | None = None

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            return None
        if self.by_code is None:
            self.by_code = {}
            for course in Course.objects.select_related("base"):
                self.by_code.setdefault(course.code.lower(), []).append(course)
        courses = self.by_code.get(code.lower(), [])
        try:
            base = self.bases.clean((row or {}).get("base"))
        except ValueError:
            base = None  # the base column reports its own error
        if base is not None:
            courses = [course for course in courses if course.base_id == base.pk]
        if not courses:
            raise ValueError(_("There is no course with the code “%(code)s”.") % {"code": code})
        if len(courses) > 1:
            raise ValueError(
                _("Several training bases have a course “%(code)s”; give the training base.") % {"code": code}
            )
        return courses[0]

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class CourseSessionResource(RosterResource):
    """Sessions keyed on course (training base and course code) and start
    date. A changed capacity goes through `services.change_capacity`, which
    fills freed seats from the waitlist; finishing is left to the results import."""

    base = fields.Field(column_name="base")
    course = fields.Field(attribute="course", column_name="course", widget=CourseWidget())
    start_date = fields.Field(attribute="start_date", column_name="start_date", widget=DateWidget())
    end_date = fields.Field(attribute="end_date", column_name="end_date", widget=DateWidget())
    capacity = fields.Field(attribute="capacity", column_name="capacity", widget=IntegerWidget())
    enrollment_opens = fields.Field(
        attribute="enrollment_opens", column_name="enrollment_opens", widget=SessionDateTimeWidget()
    )
    enrollment_closes = fields.Field(
        attribute="enrollment_closes", column_name="enrollment_closes", widget=SessionDateTimeWidget(end_of_day=True)
    )
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(CourseSession.Status, blank=CourseSession.Status.DRAFT),
    )
    schedule = text_field("schedule")
    location = text_field("location")
    instructors = text_field("instructors")

    header_aliases = {
        "base": ["培训基地", "基地", "training base"],
        "course": ["课程编号", "课程代码", "course code"],
        "start_date": ["开班日期", "开始日期"],
        "end_date": ["结束日期", "结业日期"],
        "capacity": ["名额", "人数上限"],
        "enrollment_opens": ["报名开始", "报名开始时间"],
        "enrollment_closes": ["报名截止", "报名截止时间"],
        "location": ["地点", "上课地点"],
        "instructors": ["授课教师", "讲师"],
    }
    required_columns = ("course", "start_date", "end_date", "capacity", "enrollment_opens", "enrollment_closes")
    example_row = {
        "base": "黑龙江八一农垦大学",
        "course": "SW101",
        "start_date": "2026-09-01",
        "end_date": "2026-09-03",
        "capacity": "40",
        "enrollment_opens": "2026-08-01 09:00",
        "enrollment_closes": "2026-08-25 17:00",
        "status": "开放报名",
        "schedule": "每天 9:00–16:30",
        "location": "大庆市萨尔图区",
        "instructors": "王老师",
    }

    class Meta(RosterResource.Meta):
        model = CourseSession
        import_id_fields = ["course", "start_date"]
        skip_diff = True
        fields = [
            "base",
            "course",
            "start_date",
            "end_date",
            "capacity",
            "enrollment_opens",
            "enrollment_closes",
            "status",
            "schedule",
            "location",
            "instructors",
        ]
        name = gettext_lazy("Course sessions")

    def column_labels(self):
        return {"base": TrainingBase._meta.verbose_name, "course": Course._meta.get_field("code").verbose_name}

    def get_queryset(self):
        return CourseSession.objects.select_related("course__base")

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, CourseSession.MultipleObjectsReturned):
            return None  # import_instance reports the cell, or two sessions share a start: a new one

    def check_row(self, instance, row, errors, *, line):
        before = getattr(instance, "_import_snapshot", {}).get("status")
        if instance.status == CourseSession.Status.FINISHED and before != CourseSession.Status.FINISHED:
            errors.setdefault("status", []).append(
                _("A session is finished by importing its results or from its roster, not here.")
            )

    def do_instance_save(self, instance, is_create):
        capacity = instance.capacity
        before = getattr(instance, "_import_snapshot", {}).get("capacity", capacity)
        if is_create or capacity == before:
            instance.save(force_insert=is_create)
            return
        instance.capacity = before
        instance.save()
        try:
            services.change_capacity(session=instance, capacity=capacity, by=self.user)
        except services.EnrollmentRefused as refusal:
            raise ValidationError({"capacity": [ValidationError(refusal.message, code=refusal.code)]}) from None
        instance.capacity = capacity

    def dehydrate_base(self, session):
        return session.course.base.name
