"""Continuing-education standings (talent/standings.py) are the ledger's
verdict, kept up to date by every save of a record or a registration and
recomputed for everyone by `refresh_standings`."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from talent import ledger, standings
from talent.models import CycleStanding, LearningRecord, Practitioner
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def ledger_states():
    return {
        s.practitioner.pk: (s.state, s.earned, s.reregistration_date)
        for s in ledger.report(Practitioner.objects.all())
        if s.state != ledger.NOT_APPLICABLE
    }


def kept_states():
    return {s.practitioner_id: (s.state, s.earned, s.reregistration_date) for s in CycleStanding.objects.all()}


def test_standings_follow_every_change_of_records_and_registration():
    today = timezone.localdate()
    ahead = PractitionerFactory(qualification_level="intermediate", registration_date=today - datetime.timedelta(400))
    PractitionerFactory(qualification_level="assistant", registration_date=today - datetime.timedelta(1000))
    PractitionerFactory(qualification_level="none")
    assert kept_states() == ledger_states()
    record = LearningRecord.objects.create(
        practitioner=ahead, date=today, hours=Decimal(90), title="课", source="course"
    )
    assert CycleStanding.objects.get(practitioner=ahead).state == ledger.ON_PACE
    assert kept_states() == ledger_states()
    record.delete()
    assert CycleStanding.objects.get(practitioner=ahead).state != ledger.ON_PACE
    assert kept_states() == ledger_states()
    # No longer qualified: no standing.
    ahead.qualification_level = "none"
    ahead.save()
    assert not CycleStanding.objects.filter(practitioner=ahead).exists()
    assert kept_states() == ledger_states()


def test_refresh_recomputes_everyone_after_writes_without_signals(settings):
    today = timezone.localdate()
    people = Practitioner.objects.bulk_create(
        [
            PractitionerFactory.build(
                qualification_level="senior", registration_date=today - datetime.timedelta(n * 90)
            )
            for n in range(1, 8)
        ]
    )
    LearningRecord.objects.bulk_create(
        [
            LearningRecord(practitioner=p, date=today, hours=Decimal(30), title="课", source="course")
            for p in people[::2]
        ]
    )
    assert kept_states() != ledger_states()
    call_command("refresh_standings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept_states() == ledger_states()


def test_refresh_in_chunks(monkeypatch):
    monkeypatch.setattr(standings, "CHUNK", 2)
    today = timezone.localdate()
    for n in range(5):
        PractitionerFactory(qualification_level="assistant", registration_date=today - datetime.timedelta(n * 200 + 1))
    CycleStanding.objects.all().delete()
    assert standings.refresh() == 5
    assert kept_states() == ledger_states()
