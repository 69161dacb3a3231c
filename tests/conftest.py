"""The fixed cast of every test: two trainees, a coordinator of base A, one of
base B, and an administrator. Base A is a practice base (a sub-district) plus a
training base; base B the same."""

import datetime

import pytest
from django.utils import timezone

from talent.models import Practitioner
from talent.roles import Role
from tests.factories import (
    TEST_PASSWORD,
    PracticeBaseFactory,
    PractitionerFactory,
    TrainingBaseFactory,
    UserFactory,
    activate_totp,
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests sign in many times from one address; allauth's limits would refuse them.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def sms_outbox():
    """The messages the locmem SMS backend (the tests' SMS_BACKEND) "sent", emptied before each test."""
    from notifications.sms import outbox

    outbox.clear()
    return outbox


@pytest.fixture
def sms_gateway(settings):
    """A real HTTP SMS gateway on a free local port (tests/notifications/fake_sms_gateway.py),
    with the http SMS backend pointed at it."""
    from tests.notifications.fake_sms_gateway import start_fake_gateway

    url, gateway = start_fake_gateway(key="test-gateway-key")
    settings.SMS_BACKEND = "notifications.sms.backends.http.SMSBackend"
    settings.SMS_GATEWAY_URL = url
    settings.SMS_GATEWAY_KEY = "test-gateway-key"
    settings.SMS_RATE_PER_SECOND = 0
    yield gateway
    gateway.stop()


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def base_a(db):
    return PracticeBaseFactory(sub_district__name="东风街道")


@pytest.fixture
def base_b(db):
    return PracticeBaseFactory(sub_district__name="会战街道")


@pytest.fixture
def training_base_a(db):
    return TrainingBaseFactory(name="黑龙江八一农垦大学")


@pytest.fixture
def trainee(db, base_a):
    user = UserFactory(email="trainee@example.com", role=Role.TRAINEE)
    PractitionerFactory(user=user, name="李学员", sub_district=base_a.sub_district)
    return user


@pytest.fixture
def qualified(trainee):
    """The trainee as a registered social worker (90 hours a cycle), registered
    in March of last year: today is always inside the current cycle."""
    practitioner = trainee.practitioner
    practitioner.qualification_level = Practitioner.QualificationLevel.INTERMEDIATE
    practitioner.registration_date = datetime.date(timezone.localdate().year - 1, 3, 1)
    practitioner.save()
    return practitioner


@pytest.fixture
def other_trainee(db, base_b):
    user = UserFactory(email="other@example.com", role=Role.TRAINEE)
    PractitionerFactory(user=user, name="王学员", sub_district=base_b.sub_district)
    return user


@pytest.fixture
def coordinator_a(db, base_a, training_base_a):
    user = UserFactory(email="coord-a@example.com", role=Role.COORDINATOR)
    base_a.coordinators.add(user)
    training_base_a.coordinators.add(user)
    return user


@pytest.fixture
def coordinator_b(db, base_b):
    user = UserFactory(email="coord-b@example.com", role=Role.COORDINATOR)
    base_b.coordinators.add(user)
    return user


@pytest.fixture
def administrator(db):
    """With an authenticator app, which administrators must have (talent/mfa.py)."""
    user = UserFactory(email="admin@example.com", role=Role.ADMINISTRATOR, is_staff=True)
    activate_totp(user)
    return user
