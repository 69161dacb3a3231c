import datetime

import pytest
from django.utils import translation

import rosters
from rosters.runner import run_import
from tests.factories import CourseSessionFactory, EnrollmentFactory, PractitionerFactory, UserFactory
from tests.importing import csv_file, problems_of, run
from training import services
from training.models import Enrollment
from training.resources import EnrollmentResource

pytestmark = pytest.mark.django_db


def import_enrollments(content, *, session, user, dry_run=False):
    return run("enrollments", content, user=user, dry_run=dry_run, session=session)


def roster(*people) -> bytes:
    return csv_file(["姓名", "身份证号"], [[p.name, p.resident_id] for p in people])


def test_preview_counts_the_rows_and_writes_nothing_then_the_import_enrols(administrator):
    session = CourseSessionFactory(capacity=10)
    people = PractitionerFactory.create_batch(3)

    preview = import_enrollments(roster(*people), session=session, user=administrator, dry_run=True)

    assert preview.ok
    assert preview.totals["new"] == 3
    assert not Enrollment.objects.exists()

    outcome = import_enrollments(roster(*people), session=session, user=administrator)

    assert outcome.ok
    assert outcome.totals["new"] == 3
    assert sorted(session.enrollments.values_list("trainee", flat=True)) == sorted(p.pk for p in people)
    assert set(session.enrollments.values_list("status", flat=True)) == {Enrollment.Status.ENROLLED}


def test_imported_enrolments_fill_seats_then_the_waitlist_in_file_order_like_the_web(administrator):
    imported = CourseSessionFactory(capacity=2)
    by_hand = CourseSessionFactory(capacity=2, start_date=imported.start_date + datetime.timedelta(days=30))
    people = PractitionerFactory.create_batch(4)

    outcome = import_enrollments(roster(*people), session=imported, user=administrator)

    assert outcome.ok
    assert outcome.totals["new"] == 4
    web = [services.enroll(trainee=person, session=by_hand) for person in people]
    rows = {e.trainee_id: e for e in imported.enrollments.all()}
    assert [rows[p.pk].status for p in people] == [e.status for e in web]
    assert [rows[p.pk].status for p in people] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert [rows[p.pk].waitlist_position() for p in people[2:]] == [1, 2]
    assert len(outcome.notices) == 2
    assert outcome.notices[0].startswith("Line 4:") and "(position 1)" in outcome.notices[0]


def test_the_preview_shows_who_would_be_waitlisted(administrator):
    session = CourseSessionFactory(capacity=1)
    people = PractitionerFactory.create_batch(2)

    preview = import_enrollments(roster(*people), session=session, user=administrator, dry_run=True)

    assert preview.ok
    assert preview.notices == [f"Line 3: {people[1].name} goes on the waitlist (position 1)."]
    assert not session.enrollments.exists()


def test_a_failing_last_row_writes_nothing_and_leaves_the_seats(administrator):
    session = CourseSessionFactory(capacity=2)
    already = EnrollmentFactory(session=session)
    people = PractitionerFactory.create_batch(4)
    content = csv_file(
        ["name", "resident ID"],
        [[p.name, p.resident_id] for p in people] + [["无名氏", "110101199003074514"]],
    )

    outcome = import_enrollments(content, session=session, user=administrator)

    assert problems_of(outcome) == [(5, "resident ID")]
    assert "Nobody in the talent registry" in outcome.problems[0].message
    assert list(session.enrollments.all()) == [already]
    assert outcome.totals["new"] == 4
    assert outcome.totals["invalid"] == 1


def test_bad_rows_are_reported_with_row_and_column(administrator):
    session = CourseSessionFactory(capacity=10)
    first, second = PractitionerFactory.create_batch(2)
    wrong_check_digit = first.resident_id[:17] + ("0" if first.resident_id[17] != "0" else "1")
    content = csv_file(
        ["姓名", "身份证号码"],
        [
            [first.name, first.resident_id],
            ["别人", second.resident_id],
            [first.name, first.resident_id],
            ["", wrong_check_digit],
            ["没有证号", ""],
        ],
    )

    outcome = import_enrollments(content, session=session, user=administrator)

    assert problems_of(outcome) == [(2, "name"), (3, "resident ID"), (4, "resident ID"), (5, "resident ID")]
    messages = [p.message for p in outcome.problems]
    assert "别人" in messages[0] and second.name in messages[0]
    assert "line 2" in messages[1]
    assert "check digit" in messages[2]
    assert not Enrollment.objects.exists()


def test_a_refusal_of_the_service_is_the_rows_error(administrator):
    session = CourseSessionFactory(capacity=10, course__minimum_qualification_level="intermediate")
    person = PractitionerFactory(qualification_level="none")

    outcome = import_enrollments(roster(person), session=session, user=administrator)

    assert problems_of(outcome) == [(1, "resident ID")]
    assert "qualified as" in outcome.problems[0].message
    assert not Enrollment.objects.exists()


def test_a_closed_session_is_reported_once_not_once_per_row(administrator):
    session = CourseSessionFactory(status="closed")
    people = PractitionerFactory.create_batch(3)

    outcome = import_enrollments(roster(*people), session=session, user=administrator)

    assert problems_of(outcome) == [(1, "")]
    assert "not open" in outcome.problems[0].message
    assert "2 more rows" in outcome.problems[0].message
    assert outcome.totals["invalid"] == 3


def test_people_already_in_the_session_are_unchanged_rows(administrator):
    session = CourseSessionFactory(capacity=1)
    seated = EnrollmentFactory(session=session).trainee
    waiting = EnrollmentFactory(session=session, status="waitlisted", waitlist_order=1).trainee
    newcomer = PractitionerFactory()

    outcome = import_enrollments(roster(seated, waiting, newcomer), session=session, user=administrator)

    assert outcome.ok
    assert outcome.totals == {"new": 1, "update": 0, "skip": 2, "invalid": 0, "error": 0}
    assert session.enrollments.get(trainee=newcomer).waitlist_position() == 2


def test_export_then_import_changes_nothing(administrator):
    session = CourseSessionFactory(capacity=2)
    for _n in range(2):
        EnrollmentFactory(session=session)
    EnrollmentFactory(session=session, status="waitlisted", waitlist_order=1)
    EnrollmentFactory(session=session, status="cancelled")

    with translation.override("zh-hans"):
        resource = EnrollmentResource(user=administrator, session=session)
        dataset = resource.export(resource.get_export_queryset())
    assert dataset.headers == ["姓名", "身份证号", "状态"]
    content = ("\ufeff" + dataset.export("csv")).encode()

    outcome = import_enrollments(content, session=session, user=administrator)

    assert outcome.ok
    assert outcome.totals == {"new": 0, "update": 0, "skip": 3, "invalid": 0, "error": 0}
    assert session.enrollments.count() == 4


def test_export_masks_resident_ids_for_non_administrators(coordinator_a):
    enrollment = EnrollmentFactory()
    resource = EnrollmentResource(user=coordinator_a, session=enrollment.session)

    dataset = resource.export(resource.get_export_queryset())

    assert dataset.dict[0][dataset.headers[1]] == enrollment.trainee.masked_resident_id


def test_export_escapes_formulae(administrator):
    enrollment = EnrollmentFactory(trainee__name="=HYPERLINK()")
    resource = EnrollmentResource(user=administrator, session=enrollment.session)

    dataset = resource.export(resource.get_export_queryset())

    assert dataset[0][0] == "'=HYPERLINK()"


def test_the_template_has_the_headers_and_an_example(administrator):
    with translation.override("en"):
        template = EnrollmentResource(user=administrator).template()

    assert template.headers == ["name", "resident ID"]
    assert template[0] == ("张三", "230602199001011238")


def test_unknown_columns_are_ignored_and_listed(administrator):
    session = CourseSessionFactory()
    content = csv_file(["序号", "身份证号", "shoe size"], [["1", PractitionerFactory().resident_id, "42"]])

    outcome = import_enrollments(content, session=session, user=administrator)

    assert outcome.ok, outcome.problems
    assert outcome.ignored_columns == ["序号", "shoe size"]
    assert session.enrollments.count() == 1


def test_administrators_may_import_and_export_enrolments():
    user = UserFactory(role="administrator")
    assert user.has_perm("training.import_enrollment") and user.has_perm("training.export_enrollment")


def test_an_xlsx_export_reads_back_unchanged(administrator):
    session = CourseSessionFactory(capacity=1)
    EnrollmentFactory(session=session)
    resource = EnrollmentResource(user=administrator, session=session)
    content = resource.export(resource.get_export_queryset()).export("xlsx")

    with translation.override("en"):
        outcome = run_import(
            kind=rosters.get("enrollments"),
            content=content,
            file_name="enrolments.xlsx",
            user=administrator,
            dry_run=True,
            options={"session": session},
        )

    assert outcome.ok
    assert outcome.totals["skip"] == 1


def test_admin_enrolment_import_asks_for_the_session_and_confirms_what_it_previewed(client, administrator):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from rosters.models import ImportRecord

    session = CourseSessionFactory(capacity=1)
    people = PractitionerFactory.create_batch(2)
    client.force_login(administrator)
    url = reverse("admin:rosters_importrecord_new", args=["enrollments"])
    assert 'name="session"' in client.get(url).content.decode()

    page = client.post(url, {"session": session.pk, "file": SimpleUploadedFile("e.csv", roster(*people))}, follow=True)
    assert page.status_code == 200
    preview = ImportRecord.objects.get(dry_run=True)
    assert preview.options == {"session": session.pk} and preview.new == 2
    assert any(people[1].name in notice for notice in preview.notices)  # goes on the waitlist
    assert not Enrollment.objects.exists()

    client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]))
    assert list(session.enrollments.order_by("pk").values_list("status", flat=True)) == [
        Enrollment.Status.ENROLLED,
        Enrollment.Status.WAITLISTED,
    ]
    assert ImportRecord.objects.get(dry_run=False).status == ImportRecord.Status.IMPORTED


def test_admin_export_leaves_out_cancelled_enrolments(client, administrator):
    from django.urls import reverse

    session = CourseSessionFactory(capacity=5)
    kept, cancelled = PractitionerFactory.create_batch(2)
    services.enroll(trainee=kept, session=session)
    services.cancel(enrollment=services.enroll(trainee=cancelled, session=session), by=administrator)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:training_enrollment_export"),
        {"format": "1", "resource": "0", "enrollmentresource_name": "on", "enrollmentresource_resident_id": "on"},
    )
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and kept.name in text
    assert cancelled.name not in text
