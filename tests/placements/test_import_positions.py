import pytest
from django.utils import translation

from placements import services
from placements.models import PlacementRound, Position
from placements.resources import PositionResource
from tests.factories import PractitionerFactory
from tests.importing import csv_file, problems_of, run

pytestmark = pytest.mark.django_db


def import_positions(content, user, dry_run=False):
    return run("positions", content, user=user, dry_run=dry_run)


def test_positions_preview_then_import_creates_and_updates(round_a, base_a, make_position, administrator):
    existing = make_position(round_a, base_a, capacity=1)
    content = csv_file(
        ["实习轮次", "实践基地", "岗位代码", "岗位名称", "名额", "specialty"],
        [
            [round_a.name, "东风街道", existing.code, "社区矛盾调解岗", "3", "Disputes and mediation"],
            [round_a.name, base_a.sub_district.code, "NEW-1", "为老服务岗", "2", ""],
        ],
    )

    preview = import_positions(content, administrator, dry_run=True)

    assert preview.ok, preview.problems
    assert (preview.totals["new"], preview.totals["update"]) == (1, 1)
    assert Position.objects.count() == 1

    outcome = import_positions(content, administrator)

    assert outcome.ok
    existing.refresh_from_db()
    assert (existing.title, existing.capacity, existing.specialty) == ("社区矛盾调解岗", 3, "disputes")
    assert Position.objects.get(code="NEW-1").base == base_a


def test_bad_position_rows_are_reported_and_nothing_is_written(
    make_round, round_a, base_a, make_position, administrator
):
    matching = make_round(status=PlacementRound.Status.MATCHING)
    taken = make_position(matching, base_a, capacity=2)
    for person in PractitionerFactory.create_batch(2):
        services.add_placement(trainee=person, position=taken, by=administrator)
    content = csv_file(
        ["placement round", "practice base", "position code", "position title", "capacity"],
        [
            [round_a.name, "东风街道", "A1", "岗位一", "2"],
            ["没有这个轮次", "东风街道", "A2", "岗位二", "2"],
            [round_a.name, "月球街道", "A3", "", "x"],
            [matching.name, "东风街道", taken.code, taken.title, "1"],
        ],
    )

    outcome = import_positions(content, administrator)

    assert problems_of(outcome) == [
        (2, "placement round"),
        (3, "capacity"),
        (3, "position title"),
        (3, "practice base"),
        (4, "capacity"),
    ]
    assert not Position.objects.filter(code="A1").exists()
    assert Position.objects.get(pk=taken.pk).capacity == 2


def test_positions_export_then_import_changes_nothing(round_a, base_a, base_b, make_position, administrator):
    make_position(round_a, base_a, capacity=2, specialty="elderly", description="-每周三天")
    make_position(round_a, base_b, capacity=0)

    with translation.override("zh-hans"):
        dataset = PositionResource(user=administrator).export(Position.objects.all())
    outcome = import_positions(("\ufeff" + dataset.export("csv")).encode(), administrator)

    assert outcome.ok, outcome.problems
    assert outcome.totals == {"new": 0, "update": 0, "skip": 2, "invalid": 0, "error": 0}
