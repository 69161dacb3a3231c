import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.views import PAGE_SIZE
from certificates.models import Certificate
from tests.factories import CourseSessionFactory, EnrollmentFactory, OrganizationFactory, PractitionerFactory
from tests.reports.conftest import certificate
from training import services as training_services
from training.models import Enrollment

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def entry_ids(response) -> list[int]:
    return [row.entry.pk for row in response.context["rows"]]


def get_log(client, **params):
    response = client.get("/audit/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("who", ["trainee", "coordinator_a"])
def test_only_administrators_see_the_log(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/audit/").status_code == 403
    assert (
        client.get("/audit/", {"practitioner": request.getfixturevalue("trainee").practitioner.pk}).status_code == 403
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_log_shows_when_who_what_and_the_changed_fields(client, administrator, trainee):
    practitioner = trainee.practitioner
    organization = OrganizationFactory(name="阳光社工服务中心")
    with set_actor(administrator):
        practitioner.organization = organization
        practitioner.qualification_level = "assistant"
        practitioner.save()
    client.force_login(administrator)

    response = get_log(client)

    newest = response.context["rows"][0]
    assert newest.entry.actor == administrator
    assert newest.action == "Changed"
    assert newest.record_url == f"/talent/{practitioner.pk}/"
    changes = {change.field: (change.old, change.new) for change in newest.changes}
    assert changes["Organization"] == ("—", "阳光社工服务中心")
    assert changes["Qualification level"] == ("None", "Assistant social worker")
    content = response.content.decode()
    assert "Qualification level</span>: None → Assistant social worker" in content
    assert f'href="/talent/{practitioner.pk}/"' in content
    # The practitioner's creation by the fixture had no signed-in user.
    assert response.context["rows"][-1].actor == "System"


def test_entries_are_newest_first_and_paginated(client, administrator):
    PractitionerFactory.create_batch(PAGE_SIZE + 1)
    client.force_login(administrator)

    first_page = entry_ids(get_log(client))
    second_page = entry_ids(get_log(client, page=2))

    assert len(first_page) == PAGE_SIZE
    assert len(second_page) == 1
    assert first_page == sorted(first_page, reverse=True)
    assert second_page[0] < first_page[-1]


def test_filter_by_user_and_system(client, administrator, coordinator_a, trainee, training_base_a):
    enrollment = EnrollmentFactory(trainee=trainee.practitioner, session__course__base=training_base_a)
    with set_actor(coordinator_a):
        training_services.cancel(enrollment=enrollment, by=coordinator_a)
    by_coordinator = LogEntry.objects.get(actor=coordinator_a)
    client.force_login(administrator)

    assert entry_ids(get_log(client, user="coord-a@")) == [by_coordinator.pk]
    assert entry_ids(get_log(client, user=coordinator_a.display_name)) == [by_coordinator.pk]
    system = entry_ids(get_log(client, user="system"))
    assert by_coordinator.pk not in system
    assert set(system) == set(LogEntry.objects.filter(actor=None).values_list("pk", flat=True))


def test_filter_by_record_type_and_action(client, administrator, trainee):
    enrollment = EnrollmentFactory(trainee=trainee.practitioner)
    client.force_login(administrator)

    enrollments = entry_ids(get_log(client, record_type="training.enrollment"))
    assert enrollments == list(LogEntry.objects.get_for_object(enrollment).values_list("pk", flat=True))
    created = get_log(client, record_type="talent.practitioner", action=LogEntry.Action.CREATE)
    assert [row.entry.object_repr for row in created.context["rows"]] == [trainee.practitioner.name]
    assert get_log(client, record_type="talent.practitioner", action=LogEntry.Action.DELETE).context["rows"] == []


def test_date_range_is_in_shanghai_time(client, administrator, db):
    late_evening = PractitionerFactory(name="晚上")
    just_after_midnight = PractitionerFactory(name="午夜后")
    # 2026-03-01 23:30 and 2026-03-02 00:30 in Shanghai; both are 2026-03-01 in UTC.
    for practitioner, moment in [
        (late_evening, datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)),
        (just_after_midnight, datetime.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI)),
    ]:
        LogEntry.objects.get_for_object(practitioner).update(timestamp=moment)
    client.force_login(administrator)

    def names(**params):
        return [row.entry.object_repr for row in get_log(client, **params).context["rows"]]

    assert names(date_from="2026-03-02", date_to="2026-03-02") == ["午夜后"]
    assert names(date_to="2026-03-01") == ["晚上"]
    assert names(date_from="2026-03-01", date_to="2026-03-02") == ["午夜后", "晚上"]


def test_a_reversed_date_range_is_an_error_beside_the_field(client, administrator, db):
    PractitionerFactory()
    client.force_login(administrator)

    response = get_log(client, date_from="2026-03-02", date_to="2026-03-01")

    assert response.context["form"].errors.as_data()["date_to"][0].code == "date_order"
    assert response.context["rows"] == []


def test_empty_state(client, administrator):
    client.force_login(administrator)

    response = get_log(client, user="nobody@example.com")

    assert response.context["page"].paginator.count == 0
    assert "No changes match these filters." in response.content.decode()


def test_the_log_of_one_practitioner_includes_their_enrolments_only(client, administrator, trainee, other_trainee):
    mine = EnrollmentFactory(trainee=trainee.practitioner)
    EnrollmentFactory(trainee=other_trainee.practitioner)
    client.force_login(administrator)

    response = get_log(client, practitioner=trainee.practitioner.pk)

    expected = [*LogEntry.objects.get_for_object(mine), *LogEntry.objects.get_for_object(trainee.practitioner)]
    assert set(entry_ids(response)) == {entry.pk for entry in expected}
    assert client.get("/audit/", {"practitioner": 999999}).status_code == 404


def test_the_log_takes_a_fixed_number_of_queries(client, administrator, trainee):
    organization = OrganizationFactory()

    def make_changes(count):
        for _ in range(count):
            practitioner = PractitionerFactory()
            with set_actor(administrator):
                practitioner.organization = organization  # a foreign key to show by name
                practitioner.save()
            training_services.enroll(trainee=practitioner, session=CourseSessionFactory())

    client.force_login(administrator)
    make_changes(1)
    with CaptureQueriesContext(connection) as few:
        get_log(client)
    make_changes(10)
    with CaptureQueriesContext(connection) as many:
        get_log(client)

    # Session, user, the administrator's authenticator app (talent/mfa.py),
    # permissions (own and groups'), count, page, the navigation's two; then one
    # per model that changed foreign keys point to (course session,
    # practitioner, organization, sub-district, user); the unread notifications
    # of the user menu.
    assert len(many) == len(few) <= 15


def test_administrators_see_the_history_on_the_practitioner_page(client, administrator, trainee):
    enrollment = EnrollmentFactory(trainee=trainee.practitioner)
    client.force_login(administrator)

    response = client.get(f"/talent/{trainee.practitioner.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert 'data-testid="history"' in content
    assert f'href="/audit/?practitioner={trainee.practitioner.pk}"' in content
    shown = {row.entry.pk for row in response.context["history"]}
    assert LogEntry.objects.get_for_object(enrollment).get().pk in shown
    assert LogEntry.objects.get_for_object(trainee.practitioner).get().pk in shown


@pytest.mark.parametrize("who", ["trainee", "coordinator_a"])
def test_others_do_not_see_the_history(client, request, trainee, who):
    EnrollmentFactory(trainee=trainee.practitioner)
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/talent/{trainee.practitioner.pk}/")

    assert response.status_code == 200
    assert response.context.get("history") is None
    assert 'data-testid="history"' not in response.content.decode()
    assert 'href="/audit/' not in response.content.decode()


def test_the_navigation_links_the_log_for_administrators_only(client, administrator, coordinator_a):
    client.force_login(coordinator_a)
    assert 'href="/audit/"' not in client.get("/").content.decode()
    client.force_login(administrator)
    assert 'href="/audit/"' in client.get("/").content.decode()


def test_a_chinese_reader_finds_automatic_changes_by_the_word_the_page_shows(client, administrator, trainee):
    client.force_login(administrator)

    response = client.get("/audit/", {"user": "系统"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert 'placeholder="邮箱或姓名；输入“系统”查看系统自动变更"' in response.content.decode()
    automatic = set(LogEntry.objects.filter(actor=None).values_list("pk", flat=True))
    assert automatic and set(entry_ids(response)) == automatic


def test_a_certificates_language_and_file_read_as_a_person_would(client, administrator, trainee):
    certificate(
        holder=trainee.practitioner,
        kind=Certificate.Kind.COURSE,
        issued=timezone.now(),
        enrollment=EnrollmentFactory(trainee=trainee.practitioner, status=Enrollment.Status.COMPLETED),
    )
    client.force_login(administrator)

    response = client.get("/audit/", {"record_type": "certificates.certificate"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    changes = {change.field: change.new for change in response.context["rows"][0].changes}
    assert changes["语言"] == "简体中文"
    assert changes["PDF"] == "1.pdf"
