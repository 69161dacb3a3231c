"""notify(): who is told, on which channels, once per occasion, in few queries."""

import pytest
from django.db import connection

from notifications import services
from notifications.models import ChannelPreference, Delivery, Notification
from notifications.services import notify
from tests.factories import PractitionerFactory, UserFactory

pytestmark = pytest.mark.django_db


def channels(notification):
    return sorted(notification.deliveries.values_list("channel", "address"))


def test_one_notification_per_person_and_occasion_whatever_the_calls(trainee, test_kind, on_commit, mailoutbox):
    practitioner = trainee.practitioner
    with on_commit():
        assert notify(kind="tests.hello", recipients=[trainee], context={"what": "A"}, occasion="o1") == 1
        # The same person named by their registry record, twice in one call: nothing new.
        assert notify(kind="tests.hello", recipients=[practitioner, practitioner], occasion="o1") == 0
    with on_commit():
        assert notify(kind="tests.hello", recipients=[trainee], context={"what": "A"}, occasion="o1") == 0
        assert notify(kind="tests.hello", recipients=[trainee], context={"what": "B"}, occasion="o2") == 1

    assert Notification.objects.filter(kind="tests.hello", user=trainee).count() == 2
    assert len(mailoutbox) == 2


def test_a_practitioner_without_an_account_is_reached_by_email_and_sms(test_kind, on_commit, mailoutbox, sms_outbox):
    person = PractitionerFactory(mobile="13812345678", email="nobody@example.com", user=None)
    with on_commit():
        notify(kind="tests.hello", recipients=[person], context={"what": "X"}, link="/x/", occasion="o")

    notification = Notification.objects.get(practitioner=person)
    assert notification.user is None
    assert channels(notification) == [("email", "nobody@example.com"), ("sms", "13812345678")]
    assert [m.to for m in mailoutbox] == [["nobody@example.com"]]
    assert [m.number for m in sms_outbox] == ["13812345678"]
    assert "SMS X" in sms_outbox[0].text
    assert set(notification.deliveries.values_list("status", flat=True)) == {"sent"}


def test_no_mobile_means_no_sms_and_no_email_means_no_email(test_kind, on_commit, sms_outbox, mailoutbox):
    only_mobile = PractitionerFactory(mobile="13812345678", email="", user=None)
    only_email = PractitionerFactory(mobile="", email="e@example.com", user=None)
    with on_commit():
        notify(kind="tests.hello", recipients=[only_mobile, only_email], context={"what": "X"}, occasion="o")

    assert channels(Notification.objects.get(practitioner=only_mobile)) == [("sms", "13812345678")]
    assert channels(Notification.objects.get(practitioner=only_email)) == [("email", "e@example.com")]


def test_an_account_without_a_registry_record_is_reached_by_its_email(test_kind, on_commit, mailoutbox):
    coordinator = UserFactory(email="coord@example.com")
    with on_commit():
        notify(kind="tests.hello", recipients=[coordinator], context={"what": "X"}, occasion="o")
    notification = Notification.objects.get(user=coordinator)
    assert notification.practitioner is None
    assert channels(notification) == [("email", "coord@example.com")]


def test_the_registry_email_wins_over_the_account_email(trainee, test_kind, on_commit):
    trainee.practitioner.email = "registry@example.com"
    trainee.practitioner.save()
    with on_commit():
        notify(kind="tests.hello", recipients=[trainee], context={"what": "X"}, occasion="o")
    assert ("email", "registry@example.com") in channels(Notification.objects.get(user=trainee))


def test_a_person_who_switched_a_channel_off_is_not_reached_by_it(trainee, test_kind, on_commit, sms_outbox):
    ChannelPreference.objects.create(user=trainee, kind="tests.hello", email=True, sms=False)
    with on_commit():
        notify(kind="tests.hello", recipients=[trainee], context={"what": "X"}, occasion="o")
    assert [c for c, _a in channels(Notification.objects.get(user=trainee))] == ["email"]
    assert sms_outbox == []


def test_mandatory_kinds_ignore_the_choice(trainee, test_kind, on_commit, sms_outbox):
    ChannelPreference.objects.create(user=trainee, kind="tests.must", email=False, sms=False)
    with on_commit():
        notify(kind="tests.must", recipients=[trainee], context={"what": "X"}, occasion="o")
    assert [c for c, _a in channels(Notification.objects.get(user=trainee))] == ["email", "sms"]
    assert len(sms_outbox) == 1


def test_texts_name_the_site_from_settings_and_greet_the_person(trainee, test_kind, settings, on_commit, mailoutbox):
    settings.SITE_NAME = "测试市社会工作委员会"
    settings.SITE_BASE_URL = "https://social.example.cn"
    with on_commit():
        notify(kind="tests.hello", recipients=[trainee], context={"what": "X"}, link="/training/mine/", occasion="o")
    notification = Notification.objects.get(user=trainee)
    assert notification.body.startswith("Dear 李学员,") or notification.body.startswith("李学员")
    assert "测试市社会工作委员会" in notification.body
    assert "https://social.example.cn/training/mine/" in notification.body
    assert notification.absolute_link == "https://social.example.cn/training/mine/"
    assert "127.0.0.1" not in mailoutbox[0].body


def test_texts_are_in_the_recipients_language(test_kind, on_commit):
    chinese = PractitionerFactory(preferred_language="zh-hans", user=None)
    english = PractitionerFactory(preferred_language="en", user=None)
    with on_commit():
        notify(kind="tests.hello", recipients=[chinese, english], context={"what": "X"}, occasion="o")
    assert Notification.objects.get(practitioner=chinese).language == "zh-hans"
    assert Notification.objects.get(practitioner=english).language == "en"
    assert Notification.objects.get(practitioner=english).body.startswith(f"Dear {english.name},")


def test_an_unknown_kind_is_refused(trainee):
    with pytest.raises(LookupError):
        notify(kind="tests.nothing", recipients=[trainee], occasion="o")


def test_nothing_is_sent_when_the_transaction_rolls_back(
    trainee, test_kind, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(kind="tests.hello", recipients=[trainee], context={"what": "X"}, occasion="o")
    # The sending waits for the commit: until then nothing has left.
    assert len(callbacks) == 1
    assert mailoutbox == []
    assert Delivery.objects.filter(status="pending").count() == 2


def test_notify_is_set_based_its_queries_do_not_grow_with_the_recipients(
    test_kind, django_assert_num_queries, django_capture_on_commit_callbacks
):
    few = [PractitionerFactory(user=UserFactory()) for _ in range(3)]
    many = [PractitionerFactory(user=UserFactory()) for _ in range(30)]
    # 1 the accounts' emails, 2 who was told already, 3 insert the
    # notifications, (4 on SQLite: read back the new ones; PostgreSQL's INSERT
    # returns them), 5 the channel choices, 6 insert the deliveries. SQLite
    # splits the INSERTs of many more rows into batches; PostgreSQL never does.
    queries = 5 if connection.vendor == "postgresql" else 6
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(queries):
        notify(kind="tests.hello", recipients=few, context={"what": "X"}, occasion="few")
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(queries):
        notify(kind="tests.hello", recipients=many, context={"what": "X"}, occasion="many")
    assert Notification.objects.count() == 33


def test_choices_can_be_stored_and_mandatory_kinds_stay_on(trainee, test_kind):
    services.set_channels(user=trainee, choices={"tests.hello": (False, True), "tests.must": (False, False)})
    current = services.channels_for(trainee)
    assert (current["tests.hello"]["email"], current["tests.hello"]["sms"]) == (False, True)
    assert (current["tests.must"]["email"], current["tests.must"]["sms"]) == (True, True)
    services.set_channels(user=trainee, choices={"tests.hello": (True, True)})
    assert not ChannelPreference.objects.filter(user=trainee).exists()
