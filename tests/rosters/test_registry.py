"""Adding an import kind touches only the app it belongs to: a kind
registered from outside `rosters/` (here, by a test) appears in the admin,
gets its template, and imports."""

import io

import pytest
from django.urls import reverse

import rosters
from rosters.resources import RosterResource, text_field
from talent.models import Organization


class OrganizationNameResource(RosterResource):
    name = text_field("name")

    required_columns = ("name",)
    header_aliases = {"name": ["单位"]}

    class Meta(RosterResource.Meta):
        model = Organization
        import_id_fields = ["name"]
        skip_diff = True
        fields = ["name"]
        name = "Organizations (test)"


KIND = rosters.Kind(
    "test-organizations", "Organizations by name (test)", OrganizationNameResource, "talent.add_organization"
)


@pytest.fixture
def registered():
    rosters.register(KIND)
    yield KIND
    rosters.unregister(KIND.key)


def test_a_registered_kind_is_listed_and_imports_through_the_admin(client, administrator, registered):
    client.force_login(administrator)
    changelist = client.get(reverse("admin:rosters_importrecord_changelist")).content.decode()
    new_url = reverse("admin:rosters_importrecord_new", args=[KIND.key])
    assert new_url in changelist and KIND.label in changelist
    # The model's own admin list links to it too: the admin takes kinds by model.
    assert rosters.kinds_for_model(Organization) == [KIND]

    assert client.get(new_url).status_code == 200
    template = client.get(reverse("admin:rosters_importrecord_template", args=[KIND.key, "csv"]))
    assert template.status_code == 200

    upload = io.BytesIO("\ufeff单位,序号\n阳光社会工作服务中心,1\n".encode())
    upload.name = "orgs.csv"
    page = client.post(new_url, {"file": upload}, follow=True)
    record = page.context["record"]
    assert record.new == 1 and record.ignored_columns == ["序号"]
    client.post(reverse("admin:rosters_importrecord_confirm", args=[record.pk]))
    assert Organization.objects.filter(name="阳光社会工作服务中心").exists()


def test_an_unregistered_kind_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:rosters_importrecord_new", args=[KIND.key])).status_code == 404


def test_the_apps_register_their_kinds():
    assert {kind.key for kind in rosters.all_kinds()} >= {
        "practitioners",
        "courses",
        "sessions",
        "enrollments",
        "results",
        "positions",
        "placements",
    }


def test_another_kind_under_a_taken_key_is_refused():
    with pytest.raises(ValueError, match="practitioners"):
        rosters.register(rosters.Kind("practitioners", "x", OrganizationNameResource, "talent.add_organization"))
