"""The inbox: one's own notifications only, paginated, with an empty state,
read one by one or all at once, and the unread count in the user menu."""

import pytest
from django.urls import reverse

from notifications.models import ChannelPreference, Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def make(user, n=1, *, kind="tests.hello"):
    for i in range(n):
        notify(kind=kind, recipients=[user], context={"what": f"#{i}"}, link="/training/mine/", occasion=f"o{i}")
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_empty_inbox_says_so(client, trainee):
    client.force_login(trainee)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-testid="empty-inbox"' in page
    assert 'data-testid="unread-count"' not in page


def test_the_inbox_lists_ones_own_notifications_with_the_unread_count(client, trainee, other_trainee, test_kind):
    make(trainee, 2)
    make(other_trainee, 1)
    Notification.objects.filter(user=other_trainee).update(subject="别人的通知")
    client.force_login(trainee)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.count('data-testid="notification"') == 2
    assert "别人的通知" not in page
    assert 'data-testid="unread-count"' in page
    assert reverse("notifications:inbox") in page


def test_the_inbox_is_paginated(client, trainee, test_kind, settings):
    settings.NOTIFICATIONS_PAGE_SIZE = 5
    make(trainee, 7)
    client.force_login(trainee)
    first = client.get(reverse("notifications:inbox")).content.decode()
    second = client.get(reverse("notifications:inbox"), {"page": 2}).content.decode()
    assert first.count('data-testid="notification"') == 5
    assert second.count('data-testid="notification"') == 2


def test_opening_a_notification_marks_it_read(client, trainee, test_kind):
    (notification,) = make(trainee)
    client.force_login(trainee)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 200
    assert "Hello #0" in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_and_all_read(client, trainee, test_kind):
    first, *_rest = make(trainee, 3)
    client.force_login(trainee)
    client.post(reverse("notifications:mark-read", args=[first.pk]))
    assert Notification.objects.filter(user=trainee, read_at__isnull=True).count() == 2
    response = client.post(reverse("notifications:mark-all-read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=trainee, read_at__isnull=True).exists()
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-testid="unread-count"' not in page


def test_nobody_reads_or_marks_anothers_notifications(client, trainee, other_trainee, administrator, test_kind):
    (theirs,) = make(other_trainee)
    for user in (trainee, administrator):
        client.force_login(user)
        assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 404
        client.post(reverse("notifications:mark-all-read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_a_post(client, trainee, test_kind):
    (notification,) = make(trainee)
    client.force_login(trainee)
    assert client.get(reverse("notifications:mark-read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:mark-all-read")).status_code == 405


def test_an_outside_next_address_is_not_followed(client, trainee, test_kind):
    (notification,) = make(trainee)
    client.force_login(trainee)
    response = client.post(
        reverse("notifications:mark-read", args=[notification.pk]), {"next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("notifications:inbox")


def test_the_unread_count_costs_one_query(rf, trainee, test_kind, django_assert_num_queries):
    from notifications.context_processors import unread

    make(trainee, 3)
    request = rf.get("/")
    request.user = trainee
    with django_assert_num_queries(1):
        assert int(unread(request)["unread_notifications"]) == 3


def test_the_profile_links_to_the_channel_settings(client, trainee):
    client.force_login(trainee)
    assert reverse("notifications:channels") in client.get(reverse("talent:my-profile")).content.decode()


def test_people_choose_their_channels_but_not_for_mandatory_kinds(client, trainee, test_kind):
    client.force_login(trainee)
    page = client.get(reverse("notifications:channels"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="tests.must:email"' in html
    # Switch off SMS for tests.hello, and try to switch tests.must off altogether.
    response = client.post(reverse("notifications:channels"), {"tests.hello:email": "on"})
    assert response.status_code == 302
    choice = ChannelPreference.objects.get(user=trainee, kind="tests.hello")
    assert (choice.email, choice.sms) == (True, False)
    assert not ChannelPreference.objects.filter(user=trainee, kind="tests.must").exists()


def test_the_channel_page_in_chinese_and_on_a_phone(client, trainee, test_kind):
    client.force_login(trainee)
    html = client.get(reverse("notifications:channels"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "table-responsive" in html


def test_what_a_record_received_before_its_account_was_linked_is_in_the_inbox(client, test_kind, on_commit):
    from tests.factories import PractitionerFactory, UserFactory

    person = PractitionerFactory(user=None)
    notify(kind="tests.hello", recipients=[person], context={"what": "早"}, occasion="before")
    user = UserFactory()
    person.user = user
    person.save()
    # Told again of the same occasion through the account: still one notification.
    assert notify(kind="tests.hello", recipients=[user], context={"what": "早"}, occasion="before") == 0
    client.force_login(user)
    assert client.get(reverse("notifications:inbox")).content.decode().count('data-testid="notification"') == 1
    client.post(reverse("notifications:mark-all-read"))
    assert not Notification.objects.filter(practitioner=person, read_at__isnull=True).exists()
