import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talent.models import LearningRecord
from tests.factories import PractitionerFactory


def registered(name, sub_district, *, years_ago=2, hours=0):
    practitioner = PractitionerFactory(
        name=name,
        sub_district=sub_district,
        qualification_level="intermediate",
        qualification_certificate_number="ZG1",
        registration_date=timezone.localdate() - datetime.timedelta(days=365 * years_ago),
    )
    if hours:
        LearningRecord.objects.create(
            practitioner=practitioner, date=timezone.localdate(), hours=hours, title="课程", source="course"
        )
    return practitioner


def test_report_lists_people_behind_in_the_coordinators_scope(client, coordinator_a, base_a, base_b):
    registered("落后者", base_a.sub_district, hours=10)
    registered("达标者", base_a.sub_district, hours=90)
    registered("别处落后者", base_b.sub_district, hours=0)
    client.force_login(coordinator_a)
    names = [s.practitioner.name for s in client.get("/talent/continuing-education/").context["page"]]
    assert names == ["落后者"]
    everyone = client.get("/talent/continuing-education/", {"show": "all"}).context["page"]
    assert sorted(s.practitioner.name for s in everyone) == ["落后者", "达标者"]


def test_report_export_masks_ids(client, coordinator_a, base_a):
    behind = registered("落后者", base_a.sub_district, hours=10)
    client.force_login(coordinator_a)
    content = client.get("/talent/continuing-education.csv").content.decode("utf-8-sig")
    assert behind.masked_resident_id in content
    assert behind.resident_id not in content


def test_trainees_cannot_see_the_report(client, trainee):
    client.force_login(trainee)
    assert client.get("/talent/continuing-education/").status_code == 403


def test_report_query_count_does_not_grow(client, administrator, base_a):
    client.force_login(administrator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/talent/continuing-education/", {"show": "all"})
        return len(queries)

    registered("一", base_a.sub_district, hours=5)
    few = count()
    for n in range(30):
        registered(f"人{n}", base_a.sub_district, hours=5)
    assert count() == few


def test_profile_shows_the_cycle(client, trainee):
    practitioner = trainee.practitioner
    practitioner.qualification_level = "assistant"
    practitioner.qualification_certificate_number = "ZG2"
    practitioner.registration_date = datetime.date(2025, 1, 1)
    practitioner.save()
    client.force_login(trainee)
    response = client.get("/talent/me/")
    assert response.context["cycle"].required == 72
    assert "2028-01-01" in response.content.decode()
