"""Practitioner rosters in and out (django-import-export).

An import creates or updates people keyed on the resident ID. Organizations
come by name and are created when new (the preview says which); choices,
specialties and sub-districts by their Chinese or English labels or codes.
Rows are written in bulk: every row is checked first, so errors still name
their row, and the specialties and the audit entries that bulk writes skip
are written per batch.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields
from import_export.instance_loaders import BaseInstanceLoader

from rosters import Kind, bulk
from rosters.resources import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    LookupWidget,
    RosterResource,
    text_field,
)
from rosters.seen import FirstSeen
from talent import resident_id
from talent.importing import (
    CHECK_ALIASES,
    RESIDENT_ID_ALIASES,
    MobileWidget,
    NameWidget,
    ResidentIDWidget,
    check_against_resident_id,
    check_fields,
    check_labels,
    chunks,
    practitioners_by_resident_id,
)
from talent.models import Organization, Practitioner, Specialty, SubDistrict

SPECIALTY_SEPARATORS = re.compile(r"[、，,;；/\s]+")


class ResidentIDLoader(BaseInstanceLoader):
    """Loads the file's existing practitioners (and their specialties) in a
    few queries, in chunks that SQLite's parameter limit allows."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.by_id = practitioners_by_resident_id(dataset["resident_id"], related=("organization", "sub_district"))
        through = Practitioner.specialties.through
        pks = sorted(p.pk for p in self.by_id.values())
        specialties: dict[int, set[str]] = {pk: set() for pk in pks}
        for chunk in chunks(pks):
            rows = through.objects.filter(practitioner_id__in=chunk)
            for practitioner_id, code in rows.values_list("practitioner_id", "specialty_id"):
                specialties[practitioner_id].add(code)
        for practitioner in self.by_id.values():
            practitioner._import_specialties = frozenset(specialties[practitioner.pk])

    def get_instance(self, row):
        return self.by_id.get(resident_id.normalize(row.get("resident_id") or ""))


class OrganizationWidget(LookupWidget):
    """An organization by name; a new name creates it, of the kind given in
    the row's organization-kind column (or "other")."""

    def __init__(self, resource):
        super().__init__(Organization, ("name",), display="name")
        self.resource = resource
        self.kinds = ChoiceWidget(Organization.Kind, blank=Organization.Kind.OTHER)

    def clean(self, value, row=None, **kwargs):
        name = " ".join((value or "").split())
        if not name:
            return None
        if self.cache is None:
            self.load()
        organization = self.cache.get(name.lower())
        if organization is None:
            try:
                kind = self.kinds.clean((row or {}).get("organization_kind"))
            except ValueError:
                kind = Organization.Kind.OTHER  # the kind column reports its own error
            organization = Organization.objects.create(name=name, kind=kind)
            self.cache[name.lower()] = organization
            self.resource.created_organizations.append(name)
        return organization


class SpecialtiesWidget(ChoiceWidget):
    """Several specialties in one cell: 社区、老年 or community,elderly."""

    def __init__(self):
        super().__init__(Specialty.Code)

    def clean(self, value, row=None, **kwargs):
        parts = [part for part in SPECIALTY_SEPARATORS.split((value or "").strip()) if part]
        return frozenset(super(SpecialtiesWidget, self).clean(part) for part in parts)

    def render(self, value, obj=None, **kwargs):
        return "、".join(str(Specialty.Code(code).label) for code in sorted(value or ()))


class PractitionerResource(RosterResource):
    name = fields.Field(attribute="name", column_name="name", widget=NameWidget())
    resident_id = fields.Field(attribute="resident_id", column_name="resident_id", widget=ResidentIDWidget())
    mobile = fields.Field(attribute="mobile", column_name="mobile", widget=MobileWidget())
    email = text_field("email")
    organization_kind = fields.Field(
        attribute="organization_kind",
        column_name="organization_kind",
        widget=ChoiceWidget(Organization.Kind, blank=None),
    )
    organization = fields.Field(attribute="organization", column_name="organization")
    job_title = text_field("job_title")
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(Practitioner.Kind))
    education = fields.Field(
        attribute="education", column_name="education", widget=ChoiceWidget(Practitioner.Education)
    )
    school = text_field("school")
    major = text_field("major")
    political_status = fields.Field(
        attribute="political_status", column_name="political_status", widget=ChoiceWidget(Practitioner.PoliticalStatus)
    )
    qualification_level = fields.Field(
        attribute="qualification_level",
        column_name="qualification_level",
        widget=ChoiceWidget(Practitioner.QualificationLevel, blank=Practitioner.QualificationLevel.NONE),
    )
    qualification_certificate_number = text_field("qualification_certificate_number")
    qualification_year = fields.Field(
        attribute="qualification_year", column_name="qualification_year", widget=IntegerWidget()
    )
    registration_date = fields.Field(
        attribute="registration_date", column_name="registration_date", widget=DateWidget()
    )
    specialties = fields.Field(attribute="_import_specialties", column_name="specialties", widget=SpecialtiesWidget())
    sub_district = fields.Field(
        attribute="sub_district",
        column_name="sub_district",
        widget=LookupWidget(SubDistrict, ("name", "code"), display="name"),
    )
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(Practitioner.Status, blank=Practitioner.Status.ACTIVE),
    )
    sex = check_fields()["sex"]
    birth_date = check_fields()["birth_date"]

    header_aliases = {
        "resident_id": RESIDENT_ID_ALIASES,
        "name": ["名字"],
        "mobile": ["手机", "手机号", "联系电话", "mobile", "phone"],
        "email": ["电子邮箱", "邮箱"],
        "organization": ["工作单位", "单位", "单位名称"],
        "organization_kind": ["单位性质"],
        "kind": ["类别"],
        "qualification_level": ["职业资格", "资格等级"],
        "sub_district": ["所属街道", "街道"],
        "specialties": ["专业领域", "服务领域"],
        "political_status": ["政治面貌"],
        "education": ["学历", "文化程度"],
        **CHECK_ALIASES,
    }
    required_columns = ("name", "resident_id")
    check_columns = ("sex", "birth_date")
    snapshot_exclude = ("organization_kind",)
    example_row = {
        "name": "张三",
        "resident_id": "230602199001011238",
        "mobile": "13912345678",
        "organization": "大庆市东风街道社会工作服务站",
        "organization_kind": "社会工作服务机构",
        "kind": "持证社会工作者",
        "qualification_level": "社会工作师",
        "registration_date": "2025-03-01",
        "specialties": "社区、老年",
        "sub_district": "东风街道",
    }

    class Meta(RosterResource.Meta):
        model = Practitioner
        import_id_fields = ["resident_id"]
        instance_loader_class = ResidentIDLoader
        use_bulk = True
        batch_size = 2000
        skip_diff = True
        fields = [
            "name",
            "resident_id",
            "mobile",
            "email",
            "organization_kind",
            "organization",
            "job_title",
            "kind",
            "education",
            "school",
            "major",
            "political_status",
            "qualification_level",
            "qualification_certificate_number",
            "qualification_year",
            "registration_date",
            "specialties",
            "sub_district",
            "status",
            "sex",
            "birth_date",
        ]
        name = gettext_lazy("Practitioners")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.created_organizations: list[str] = []
        self.fields["organization"].widget = OrganizationWidget(self)
        self.seen_ids = FirstSeen()

    def column_labels(self):
        return {"organization_kind": gettext_lazy("organization kind"), **check_labels()}

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization", "sub_district").prefetch_related("specialties")

    def get_queryset(self):
        return Practitioner.objects.select_related("organization", "sub_district")

    # Import ----------------------------------------------------------------

    def check_row(self, instance, row, errors, *, line):
        first = self.seen_ids.first_line(instance.resident_id, line) if instance.resident_id else line
        if first != line:
            errors.setdefault("resident_id", []).append(
                _("This resident ID is already on line %(line)s of the file.") % {"line": first}
            )
        check_against_resident_id(self, instance.resident_id, row, errors)
        self.check_kind(instance, row, errors)

    def check_kind(self, instance, row, errors) -> None:
        """人员类别 never defaults to something another column contradicts: a
        certified social worker (持证社会工作者) holds a qualification, so a new
        person without one is left with no kind rather than that one."""
        given = str(row.get("kind") or "").strip()
        unqualified = instance.qualification_level == Practitioner.QualificationLevel.NONE
        if not given and instance.pk is not None:
            instance.kind = instance._import_before.kind  # an empty cell changes nothing
        elif not given:
            instance.kind = "" if unqualified else Practitioner.Kind.SOCIAL_WORKER
        elif "kind" not in errors and instance.kind == Practitioner.Kind.SOCIAL_WORKER and unqualified:
            before = getattr(instance, "_import_before", None)
            if before is not None and (before.kind, before.qualification_level) == (instance.kind, "none"):
                return  # a record kept as it was (an export read back) is not refused here
            message = _(
                "A certified social worker holds a qualification, but the qualification level is “none”. "
                "Give the level, or the person's kind (community worker, student, volunteer)."
            )
            errors.setdefault("kind", []).append(ValidationError(message, code="kind_contradicts_level"))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Related rows were found by the widgets, uniqueness within the file is
        # checked above and against the database by the loader: skip the
        # per-row queries full_clean() would make for each. Fields the file
        # has no column for keep their values, valid already.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, *self.unchecked_fields()],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def unchecked_fields(self) -> list[str]:
        if not hasattr(self, "_unchecked"):
            written = {self.fields[column].attribute for column in self.columns_in_file} | {"kind"}
            self._unchecked = [
                field.name
                for field in Practitioner._meta.fields
                if field.name not in written or field.name in ("organization", "sub_district", "user")
            ]
        return self._unchecked

    def after_bulk_write(self, instances, *, created):
        through = Practitioner.specialties.through
        changed = [
            p
            for p in instances
            if hasattr(p, "_import_specialties")
            and (created or p._import_specialties != getattr(p, "_import_snapshot", {}).get("specialties"))
        ]
        if changed:
            if not created:
                through.objects.filter(practitioner_id__in=[p.pk for p in changed]).delete()
            bulk.insert(
                through,
                ((p.pk, code) for p in changed for code in p._import_specialties),
                columns=("practitioner_id", "specialty_id"),
                row=lambda link: link,
                instance=lambda link: through(practitioner_id=link[0], specialty_id=link[1]),
            )
        super().after_bulk_write(instances, created=created)

    def after_file(self):
        if self.created_organizations:
            names = "、".join(self.created_organizations)
            self.notices.append(
                _("Organizations new to the registry, created with this import: %(names)s.") % {"names": names}
            )

    # Export ----------------------------------------------------------------

    def dehydrate_resident_id(self, practitioner):
        # Without a user the export is the admin's own (administrators only).
        if self.user is None:
            return practitioner.resident_id
        return practitioner.exported_resident_id_for(self.user)

    def dehydrate_organization_kind(self, practitioner):
        organization = practitioner.organization
        return organization.get_kind_display() if organization else ""

    def dehydrate_specialties(self, practitioner):
        return "、".join(str(s) for s in practitioner.specialties.all())


KINDS = [
    Kind("practitioners", gettext_lazy("Practitioners"), PractitionerResource, "talent.import_practitioner"),
]
