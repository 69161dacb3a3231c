"""Enrolments and results: people already in the registry, into one session
chosen with the file, row by row through `training.services`, so an imported
enrolment meets exactly the capacity, waitlist and eligibility rules of the web
enrolment, and the preview (a rolled-back run) shows what they decided."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields
from import_export.instance_loaders import BaseInstanceLoader

from rosters.resources import DecimalWidget, RosterResource, text_field
from rosters.seen import FirstSeen
from talent import names, resident_id
from talent.importing import (
    CHECK_ALIASES,
    RESIDENT_ID_ALIASES,
    ResidentIDWidget,
    check_against_resident_id,
    check_fields,
    check_labels,
    chunks,
    practitioners_by_resident_id,
)
from talent.models import Practitioner
from training import services
from training.models import Enrollment

# Refusals about the session as a whole, not about the person in the row: the
# import reports them once for the file.
SESSION_REFUSALS = {"not_open", "not_yet_open", "closed", "finished", "cannot_finish", "before_end", "not_allowed"}
RESULT_REFUSAL_COLUMNS = {
    "hours_out_of_range": "attended_hours",
    "score_out_of_range": "score",
    "override_reason_required": "attended_hours",
}


# --- People in a roster: by resident ID, with the name as a cross-check --------


class TraineeWidget(ResidentIDWidget):
    """A practitioner by resident ID, from the people the resource loaded for the file."""

    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value)
        if not value:
            return None
        try:
            resident_id.validate(value)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        practitioner = self.resource.trainees.get(value)
        if practitioner is None:
            raise ValueError(
                _("Nobody in the talent registry has the resident ID %(id)s; import them as practitioners first.")
                % {"id": value}
            )
        return practitioner


class TraineeRowResource(RosterResource):
    """Rows about people already in the registry: the resident ID finds them,
    the name (when given) must agree, and each person appears once per file."""

    resident_id = fields.Field(attribute="trainee", column_name="resident_id")
    name = fields.Field(column_name="name")
    sex = check_fields()["sex"]
    birth_date = check_fields()["birth_date"]

    header_aliases = {"resident_id": RESIDENT_ID_ALIASES, "name": ["名字", "学员姓名"], **CHECK_ALIASES}
    check_columns = ("sex", "birth_date")
    required_columns = ("resident_id",)
    #: Columns that exports write and imports accept but ignore: left out of the blank template.
    info_columns = ("status",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["resident_id"].widget = TraineeWidget(self)
        self.trainees: dict[str, Practitioner] = {}
        self.first_row = FirstSeen()

    def column_labels(self):
        return {
            "resident_id": Practitioner._meta.get_field("resident_id").verbose_name,
            "name": Practitioner._meta.get_field("name").verbose_name,
            **check_labels(),
        }

    def template(self):
        data = super().template()
        for field in self.import_fields():
            if field.column_name in self.info_columns:
                del data[self.column_label(field)]
        return data

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.trainees = practitioners_by_resident_id(dataset["resident_id"])

    def trainee_for(self, row) -> Practitioner | None:
        return self.trainees.get(resident_id.normalize(str(row.get("resident_id") or "")))

    def check_row(self, instance, row, errors, *, line):
        trainee = instance.trainee if instance.trainee_id else None
        if trainee is None and "trainee" not in errors:
            errors["trainee"] = [_("Give the resident ID.")]
        if trainee is not None:
            first = self.first_row.first_line(trainee.pk, line)
            if first != line:
                errors.setdefault("trainee", []).append(
                    _("This resident ID is already on line %(line)s of the file.") % {"line": first}
                )
            check_against_resident_id(self, trainee.resident_id, row, errors)
            name = names.normalize_name(str(row.get("name") or ""))
            if name and name != trainee.name:
                errors.setdefault("name", []).append(
                    _("The name “%(name)s” does not match the registry, where this resident ID is %(registered)s.")
                    % {"name": name, "registered": trainee.name}
                )

    def refusal_error(self, refusal, column="trainee") -> ValidationError:
        """A service's refusal as a row error, under the column it is about."""
        key = NON_FIELD_ERRORS if refusal.code in SESSION_REFUSALS else column
        return ValidationError({key: [ValidationError(refusal.message, code=refusal.code)]})

    def dehydrate_resident_id(self, row):
        if self.user is not None and not self.user.has_perm("talent.view_full_resident_id"):
            return row.trainee.masked_resident_id
        return row.trainee.resident_id

    def dehydrate_name(self, row):
        return row.trainee.name

    def dehydrate_status(self, row):
        return row.get_status_display()


class TraineeRecordLoader(BaseInstanceLoader):
    """The file's people's records (their enrolments in the session, their
    placements in the round), as they were before the import: the resource's
    `existing_records` says which, and they are loaded in chunks."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        trainee_ids = sorted(p.pk for p in resource.trainees.values())
        self.by_trainee = {}
        for chunk in chunks(trainee_ids):
            self.by_trainee.update((record.trainee_id, record) for record in resource.existing_records(chunk))

    def get_instance(self, row):
        trainee = self.resource.trainee_for(row)
        return self.by_trainee.get(trainee.pk) if trainee else None


class SessionRowResource(TraineeRowResource):
    """Rows about the people of the session chosen with the file."""

    def __init__(self, *, session=None, **kwargs):
        super().__init__(**kwargs)
        self.session = session

    def existing_records(self, trainee_ids):
        return (
            self.session.enrollments.filter(trainee__in=trainee_ids)
            .exclude(status=Enrollment.Status.CANCELLED)
            .select_related("trainee", "session__course")
            .order_by("pk")
        )

    def get_queryset(self):
        enrollments = Enrollment.objects.select_related("trainee")
        return enrollments.filter(session=self.session) if self.session else enrollments


# --- Enrolments ----------------------------------------------------------------


class EnrollmentResource(SessionRowResource):
    """People into one session, in file order, each through `services.enroll`:
    seats while they last, then the waitlist. Someone already in the session
    is an unchanged row. The status column is written by exports and ignored
    by imports."""

    status = fields.Field(column_name="status")

    example_row = {"name": "张三", "resident_id": "230602199001011238"}

    class Meta(RosterResource.Meta):
        model = Enrollment
        import_id_fields = ["resident_id"]
        instance_loader_class = TraineeRecordLoader
        skip_diff = True
        fields = ["name", "resident_id", "status", "sex", "birth_date"]
        name = gettext_lazy("Enrolments into a session")

    def filter_export(self, queryset, **kwargs):
        # Cancelled enrolments stay out on every export path (the admin's too):
        # read back, they would enrol those people again.
        return queryset.live().select_related("trainee").order_by("status", "waitlist_order", "created_at", "pk")

    def get_export_queryset(self, request=None):
        return self.filter_export(self.get_queryset())

    def init_instance(self, row=None):
        return Enrollment(session=self.session)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The service decides whether and how the person is enrolled.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance, is_create):
        try:
            enrollment = services.enroll(trainee=instance.trainee, session=self.session)
        except services.EnrollmentRefused as refusal:
            raise self.refusal_error(refusal) from None
        instance.pk = enrollment.pk
        instance.status = enrollment.status
        instance.waitlist_order = enrollment.waitlist_order
        instance._state.adding = False

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if instance.status == Enrollment.Status.WAITLISTED:
            self.notices.append(
                _("Line %(line)s: %(name)s goes on the waitlist (position %(position)s).")
                % {
                    "line": self.line(kwargs.get("row_number", 0)),
                    "name": instance.trainee.name,
                    "position": instance.waitlist_position(),
                }
            )


# --- Results -------------------------------------------------------------------


class ResultResource(SessionRowResource):
    """Attended hours and scores of one session's enrolled people, each row
    through `services.record_results`; then the session is finished through
    `services.finish_session` (in the preview too, rolled back, to count who
    would complete). Unchanged rows are skipped. Both services act as the
    importing user, so a file for a session that has not reached its end date,
    or of another base, is refused as a whole."""

    attended_hours = fields.Field(attribute="attended_hours", column_name="attended_hours", widget=DecimalWidget())
    score = fields.Field(attribute="score", column_name="score", widget=DecimalWidget())
    result_note = text_field("result_note")
    status = fields.Field(column_name="status")

    required_columns = ("resident_id", "attended_hours")
    header_aliases = {
        **TraineeRowResource.header_aliases,
        "attended_hours": ["出勤学时", "学时", "hours"],
        "score": ["成绩", "考核成绩", "分数"],
        "result_note": ["备注", "note"],
    }
    example_row = {"name": "张三", "resident_id": "230602199001011238", "attended_hours": "16", "score": "85"}

    class Meta(RosterResource.Meta):
        model = Enrollment
        import_id_fields = ["resident_id"]
        instance_loader_class = TraineeRecordLoader
        skip_diff = True
        fields = ["name", "resident_id", "attended_hours", "score", "result_note", "status", "sex", "birth_date"]
        name = gettext_lazy("Results of a session")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.in_file: set[int] = set()

    def filter_export(self, queryset, **kwargs):
        with_results = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED, Enrollment.Status.FAILED)
        return queryset.filter(status__in=with_results).select_related("trainee").order_by("trainee__name", "pk")

    def get_export_queryset(self, request=None):
        return self.filter_export(self.get_queryset())

    def init_instance(self, row=None):
        return Enrollment(session=self.session)

    def check_row(self, instance, row, errors, *, line):
        super().check_row(instance, row, errors, line=line)
        if instance.trainee_id and "trainee" not in errors:
            if instance.pk is None:
                errors["trainee"] = [_("%(name)s is not enrolled in this session.") % {"name": instance.trainee.name}]
            elif instance.status == Enrollment.Status.WAITLISTED:
                errors["trainee"] = [
                    _("%(name)s is on the waitlist of this session, not enrolled.") % {"name": instance.trainee.name}
                ]
            else:
                self.in_file.add(instance.pk)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        checked = {"attended_hours", "score", "result_note"} - set(errors)
        try:
            instance.clean_fields(exclude=[f.name for f in Enrollment._meta.fields if f.name not in checked])
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        # Where the session's register is kept, hours that differ from it need
        # a reason: the row's note gives it.
        result = services.Result(
            attended_hours=instance.attended_hours,
            score=instance.score,
            note=instance.result_note,
            override_reason=instance.result_note,
        )
        try:
            services.record_results(session=self.session, results={instance.pk: result}, by=self.user)
        except services.EnrollmentRefused as refusal:
            column = RESULT_REFUSAL_COLUMNS.get(refusal.code, "trainee")
            raise self.refusal_error(refusal, column) from None

    def after_file(self):
        missing = list(
            self.session.enrollments.filter(status=Enrollment.Status.ENROLLED)
            .exclude(pk__in=self.in_file)
            .values_list("trainee__name", flat=True)
        )
        if missing:
            self.notices.append(
                _("Not in the file, so they will not pass: %(names)s.") % {"names": "、".join(sorted(missing))}
            )
        try:
            summary = services.finish_session(session=self.session, by=self.user)
        except services.EnrollmentRefused as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from None
        if summary.already_finished:
            self.notices.append(_("The session was already finished."))
        elif self.dry_run:
            self.notices.append(
                _("The session will be finished: %(completed)d complete the course, %(failed)d do not pass.")
                % {"completed": summary.completed, "failed": summary.failed}
            )
        else:
            self.notices.append(
                _("The session is finished: %(completed)d completed the course, %(failed)d did not pass.")
                % {"completed": summary.completed, "failed": summary.failed}
            )
