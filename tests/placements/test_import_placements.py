import pytest
from django.utils import translation

from placements import services
from placements.models import Placement, PlacementRound
from placements.resources import PlacementResource
from tests.factories import CourseFactory, PractitionerFactory
from tests.importing import csv_file, problems_of, run

pytestmark = pytest.mark.django_db


def import_placements(content, *, round, user, dry_run=False):
    return run("placements", content, user=user, dry_run=dry_run, round=round)


@pytest.fixture
def matching_round(make_round):
    return make_round(status=PlacementRound.Status.MATCHING)


def test_preview_counts_then_the_import_places(matching_round, base_a, make_position, administrator):
    position = make_position(matching_round, base_a, capacity=2)
    people = PractitionerFactory.create_batch(2)
    content = csv_file(["姓名", "身份证号", "岗位代码"], [[p.name, p.resident_id, position.code] for p in people])

    preview = import_placements(content, round=matching_round, user=administrator, dry_run=True)

    assert preview.ok
    assert preview.totals["new"] == 2
    assert not Placement.objects.exists()

    outcome = import_placements(content, round=matching_round, user=administrator)

    assert outcome.ok
    placed = Placement.objects.filter(round=matching_round, position=position)
    assert sorted(placed.values_list("trainee", flat=True)) == sorted(p.pk for p in people)
    assert set(placed.values_list("status", "assigned_by")) == {(Placement.Status.PROPOSED, administrator.pk)}


def test_capacity_and_eligibility_are_the_services_and_nothing_is_written(
    matching_round, base_a, make_position, administrator
):
    small = make_position(matching_round, base_a, capacity=1)
    needs_course = make_position(matching_round, base_a, capacity=5)
    needs_course.required_courses.add(CourseFactory(title="个案工作"))
    first, second, third = PractitionerFactory.create_batch(3)
    content = csv_file(
        ["resident ID", "position code"],
        [
            [first.resident_id, small.code],
            [second.resident_id, small.code],
            [third.resident_id, needs_course.code],
            [third.resident_id + "0", "NOPE"],
        ],
    )

    outcome = import_placements(content, round=matching_round, user=administrator)

    assert problems_of(outcome) == [
        (2, "position code"),
        (3, "position code"),
        (4, "position code"),
        (4, "resident ID"),
    ]
    assert "full" in outcome.problems[0].message
    assert "个案工作" in outcome.problems[1].message
    assert not Placement.objects.exists()


def test_someone_placed_elsewhere_in_the_round_is_moved(matching_round, base_a, make_position, administrator):
    old, new = make_position(matching_round, base_a), make_position(matching_round, base_a)
    trainee, staying = PractitionerFactory.create_batch(2)
    moving = services.add_placement(trainee=trainee, position=old, by=administrator)
    staying_placement = services.add_placement(trainee=staying, position=new, by=administrator)
    new.capacity = 2
    new.save()
    content = csv_file(
        ["resident ID", "position code"], [[trainee.resident_id, new.code], [staying.resident_id, new.code]]
    )

    outcome = import_placements(content, round=matching_round, user=administrator)

    assert outcome.ok
    assert outcome.totals == {"new": 0, "update": 1, "skip": 1, "invalid": 0, "error": 0}
    moving.refresh_from_db()
    assert moving.position == new
    assert Placement.objects.get(pk=staying_placement.pk).position == new


def test_a_round_not_yet_matching_refuses_placements(make_round, base_a, make_position, administrator):
    collecting = make_round()
    position = make_position(collecting, base_a)
    content = csv_file(["resident ID", "position code"], [[PractitionerFactory().resident_id, position.code]])

    outcome = import_placements(content, round=collecting, user=administrator)

    assert problems_of(outcome) == [(1, "")]


def test_export_then_import_changes_nothing(matching_round, base_a, make_position, administrator):
    position = make_position(matching_round, base_a, capacity=3)
    for person in PractitionerFactory.create_batch(3):
        services.add_placement(trainee=person, position=position, by=administrator)
    services.withdraw_placement(placement=Placement.objects.first(), by=administrator)

    with translation.override("zh-hans"):
        resource = PlacementResource(user=administrator, round=matching_round)
        dataset = resource.export(resource.get_export_queryset())
    assert dataset.headers == ["姓名", "身份证号", "岗位代码", "状态"]
    content = ("\ufeff" + dataset.export("csv")).encode()

    outcome = import_placements(content, round=matching_round, user=administrator)

    assert outcome.ok, outcome.problems
    assert outcome.totals == {"new": 0, "update": 0, "skip": 2, "invalid": 0, "error": 0}


def test_export_masks_resident_ids_for_non_administrators(matching_round, base_a, make_position, coordinator_a):
    position = make_position(matching_round, base_a)
    placement = services.add_placement(trainee=PractitionerFactory(), position=position, by=coordinator_a)
    resource = PlacementResource(user=coordinator_a, round=matching_round)

    dataset = resource.export(resource.get_export_queryset())

    assert dataset[0][1] == placement.trainee.masked_resident_id
