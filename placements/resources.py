"""Internship positions and placements in and out (django-import-export).

Positions are a plain create-or-update import keyed on round and position
code. Placements go into one round chosen with the file, row by row through
`placements.services` (`add_placement`, or `move_placement` for someone
placed elsewhere in the round), so capacity, eligibility and "one placement
per trainee and round" hold exactly as when a coordinator places by hand.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from placements import services
from placements.models import Placement, PlacementRound, Position, PracticeBase
from rosters import Kind
from rosters.resources import ChoiceWidget, IntegerWidget, LookupWidget, RosterResource, text_field
from talent.models import Specialty
from training.resources.people import TraineeRecordLoader, TraineeRowResource

# Where a refusal of the placements service belongs: the round as a whole, the
# person, or (everything else) the position.
REFUSAL_COLUMNS = {"status": NON_FIELD_ERRORS, "already_placed": "trainee"}


class PracticeBaseWidget(LookupWidget):
    """A practice base by the name or code of its sub-district."""

    def __init__(self):
        super().__init__(PracticeBase, ("name",), display="name")

    def load(self):
        self.cache = {}
        for base in PracticeBase.objects.select_related("sub_district"):
            for key in (base.sub_district.name, base.sub_district.code):
                self.cache[key.strip().lower()] = base


class PositionResource(RosterResource):
    """Positions keyed on round (by name) and position code."""

    round = fields.Field(
        attribute="round",
        column_name="round",
        widget=LookupWidget(PlacementRound, ("name",), display="name"),
    )
    base = fields.Field(attribute="base", column_name="base", widget=PracticeBaseWidget())
    code = text_field("code")
    title = text_field("title")
    capacity = fields.Field(attribute="capacity", column_name="capacity", widget=IntegerWidget())
    specialty = fields.Field(attribute="specialty", column_name="specialty", widget=ChoiceWidget(Specialty.Code))
    description = text_field("description")

    header_aliases = {
        "round": ["实习轮次", "轮次"],
        "base": ["实践基地", "实习基地", "街道", "practice base"],
        "code": ["岗位编号", "岗位代码", "code"],
        "title": ["岗位名称", "岗位", "title"],
        "capacity": ["名额", "人数"],
        "specialty": ["专业领域", "服务领域"],
    }
    required_columns = ("round", "base", "code", "title", "capacity")
    example_row = {
        "round": "2026年春季实习",
        "base": "东风街道",
        "code": "DF-01",
        "title": "社区矛盾调解岗",
        "capacity": "3",
        "specialty": "矛盾调解",
    }

    class Meta(RosterResource.Meta):
        model = Position
        import_id_fields = ["round", "code"]
        skip_diff = True
        fields = ["round", "base", "code", "title", "capacity", "specialty", "description"]
        name = gettext_lazy("Internship positions")

    def get_queryset(self):
        return Position.objects.select_related("round", "base__sub_district")

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # import_instance reports the cell

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {}
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.pk and "capacity" not in errors and instance.capacity is not None:
            taken = instance.placements.filter(status__in=Placement.LIVE_STATUSES).count()
            if instance.capacity < taken:
                errors["capacity"] = [
                    _("%(taken)d people are placed here; the capacity cannot be lower.") % {"taken": taken}
                ]
        if errors:
            raise ValidationError(errors)


class RoundPositionWidget(widgets.Widget):
    """A position of the chosen round by its code."""

    def __init__(self, resource):
        super().__init__()
        self.resource = resource
        self.by_code: dict[str, Position] | None = None

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            return None
        if self.by_code is None:
            positions = self.resource.round.positions.select_related("round", "base__sub_district")
            self.by_code = {position.code.lower(): position for position in positions}
        try:
            return self.by_code[code.lower()]
        except KeyError:
            raise ValueError(
                _("%(round)s has no position with the code “%(code)s”.") % {"round": self.resource.round, "code": code}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class PlacementResource(TraineeRowResource):
    """People into positions of one round. Someone placed elsewhere in the
    round is moved; someone already in that position is an unchanged row. The
    status column is written by exports and ignored by imports."""

    position = fields.Field(attribute="position", column_name="position")
    status = fields.Field(column_name="status")

    header_aliases = {**TraineeRowResource.header_aliases, "position": ["岗位编号", "岗位代码", "position code"]}
    required_columns = ("resident_id", "position")
    example_row = {"name": "张三", "resident_id": "230602199001011238", "position": "DF-01"}

    class Meta(RosterResource.Meta):
        model = Placement
        import_id_fields = ["resident_id"]
        instance_loader_class = TraineeRecordLoader
        skip_diff = True
        fields = ["name", "resident_id", "position", "status", "sex", "birth_date"]
        name = gettext_lazy("Placements into a round")

    def __init__(self, *, round=None, **kwargs):
        super().__init__(**kwargs)
        self.round = round
        self.fields["position"].widget = RoundPositionWidget(self)

    def existing_records(self, trainee_ids):
        return (
            self.round.placements.filter(trainee__in=trainee_ids)
            .exclude(status=Placement.Status.WITHDRAWN)
            .select_related("trainee", "position")
        )

    def column_labels(self):
        return {**super().column_labels(), "position": Position._meta.get_field("code").verbose_name}

    def get_queryset(self):
        placements = Placement.objects.select_related("trainee", "position")
        return placements.filter(round=self.round) if self.round else placements

    def filter_export(self, queryset, **kwargs):
        # Withdrawn placements stay out: read back, they would place those people again.
        placements = queryset.exclude(status=Placement.Status.WITHDRAWN).select_related("trainee", "position")
        return placements.order_by("position__code", "trainee__name")

    def get_export_queryset(self, request=None):
        return self.filter_export(self.get_queryset())

    def init_instance(self, row=None):
        return Placement(round=self.round)

    def check_row(self, instance, row, errors, *, line):
        super().check_row(instance, row, errors, line=line)
        if instance.position_id is None and "position" not in errors:
            errors["position"] = [_("Give the position code.")]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The service decides whether the person can take the position.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance, is_create):
        try:
            if is_create:
                placement = services.add_placement(trainee=instance.trainee, position=instance.position, by=self.user)
            else:
                # The placement as stored: the service locks its old position too.
                stored = Placement.objects.select_related("position").get(pk=instance.pk)
                placement = services.move_placement(placement=stored, position=instance.position, by=self.user)
        except services.PlacementRefused as refusal:
            column = REFUSAL_COLUMNS.get(refusal.code, "position")
            raise ValidationError({column: [ValidationError(refusal.message, code=refusal.code)]}) from None
        instance.pk = placement.pk
        instance.status = placement.status
        instance._state.adding = False

    def dehydrate_position(self, placement):
        return placement.position.code


KINDS = [
    Kind("positions", gettext_lazy("Internship positions"), PositionResource, "placements.import_position"),
    Kind(
        "placements",
        gettext_lazy("Placements into a round"),
        PlacementResource,
        "placements.import_placement",
        option="round",
        option_model="placements.PlacementRound",
    ),
]
