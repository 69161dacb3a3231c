from io import StringIO

from django.core.management import call_command

from placements.models import PracticeBase
from talent import resident_id
from talent.models import Practitioner, User
from training.models import TrainingBase


def test_seed_demo_creates_the_demo_once(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Practitioner.objects.count(), User.objects.count(), TrainingBase.objects.count())
    assert counts == (200, 3, 3)
    assert PracticeBase.objects.count() == 6
    assert PracticeBase.objects.filter(sub_district__name="东风街道").exists()
    assert "coordinator@demo.example.com" in out.getvalue()

    call_command("seed_demo", stdout=StringIO())
    assert (Practitioner.objects.count(), User.objects.count(), TrainingBase.objects.count()) == counts


def test_seeded_ids_are_valid_and_each_role_can_sign_in(db, client, settings):
    # As in `make run`, whose demo administrator has no authenticator app.
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    call_command("seed_demo", stdout=StringIO())
    for number in Practitioner.objects.values_list("resident_id", flat=True):
        resident_id.validate(number)
    for email in ["admin@demo.example.com", "coordinator@demo.example.com", "trainee@demo.example.com"]:
        response = client.post("/accounts/login/", {"login": email, "password": "demo-pass-2026"})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200
        client.logout()
