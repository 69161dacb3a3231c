"""The import pages in the admin, the blank templates, export, and the
`import_roster` command."""

import io
from pathlib import Path

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.urls import reverse

from rosters.models import ImportRecord
from talent.models import Practitioner
from talent.roles import Role
from tests.factories import SubDistrictFactory, UserFactory

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def sub_districts(db):
    return [SubDistrictFactory(name="东风街道", code="dongfeng"), SubDistrictFactory(name="会战街道", code="huizhan")]


def upload(client, name, **extra):
    with open(DATA / name, "rb") as handle:
        return client.post(
            reverse("admin:rosters_importrecord_new", args=["practitioners"]), {"file": handle, **extra}, follow=True
        )


def test_preview_shows_counts_and_confirm_writes_them(client, administrator, sub_districts):
    client.force_login(administrator)
    response = client.get(reverse("admin:rosters_importrecord_new", args=["practitioners"]))
    assert response.status_code == 200
    assert "身份证号" in response.content.decode()

    response = upload(client, "practitioners_zh.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认导入" in page
    assert Practitioner.objects.count() == 0
    preview = ImportRecord.objects.get(dry_run=True)
    assert preview.new == 3 and preview.stored_file

    response = client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]))
    record = ImportRecord.objects.get(dry_run=False)
    assert response.status_code == 302 and response.url == reverse(
        "admin:rosters_importrecord_change", args=[record.pk]
    )
    assert record.status == ImportRecord.Status.IMPORTED, record.problems
    assert record.preview == preview and record.new == 3
    assert Practitioner.objects.count() == 3

    detail = client.get(response.url)
    assert detail.status_code == 200 and "import-totals" in detail.content.decode()
    # The same preview cannot be confirmed twice.
    client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]))
    assert ImportRecord.objects.filter(dry_run=False).count() == 1


def test_preview_with_problems_lists_them_and_offers_no_confirmation(client, administrator, sub_districts):
    client.force_login(administrator)
    page = upload(client, "broken_check_digit.csv").content.decode()
    assert "import-problems" in page and "确认导入" not in page
    assert "校验码" in page
    preview = ImportRecord.objects.get()
    assert preview.status == ImportRecord.Status.REFUSED and not preview.stored_file
    client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]))
    assert not ImportRecord.objects.filter(dry_run=False).exists()
    assert Practitioner.objects.count() == 0


def test_file_over_the_size_limit_is_refused_before_it_is_read(client, administrator, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    client.force_login(administrator)
    response = upload(client, "practitioners_zh.xlsx")
    assert response.status_code == 200
    assert "最大可导入" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_large_import_runs_as_a_background_task_with_progress(
    client, administrator, sub_districts, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 1  # the tests' task backend runs the task at once, on commit
    client.force_login(administrator)
    upload(client, "practitioners_utf8_bom.csv")
    preview = ImportRecord.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]), follow=True)
    assert "后台" in response.content.decode()
    record = ImportRecord.objects.get(dry_run=False)
    assert record.task_id
    progress = client.get(reverse("admin:rosters_importrecord_progress", args=[record.pk])).json()
    assert progress == {
        "status": "imported",
        "status_display": "已导入",
        "rows_done": 3,
        "rows_total": 3,
        "finished": True,
        "waiting": False,
    }


def test_running_import_page_shows_a_progress_bar(client, administrator):
    record = ImportRecord.objects.create(
        kind="practitioners", user=administrator, file_name="big.csv", file_sha256="0" * 64, file_size=1, dry_run=False
    )
    client.force_login(administrator)
    page = client.get(reverse("admin:rosters_importrecord_change", args=[record.pk])).content.decode()
    assert 'id="import-progress"' in page and "<progress" in page and "import_progress.js" in page


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_blank_template_has_the_headers_and_one_example_row(client, administrator, file_format):
    client.force_login(administrator)
    response = client.get(reverse("admin:rosters_importrecord_template", args=["practitioners", file_format]))
    assert response.status_code == 200
    data = tablib.Dataset().load(
        response.content if file_format == "xlsx" else response.content.decode("utf-8-sig"), format=file_format
    )
    assert data.headers[:3] == ["姓名", "身份证号", "手机号码"]
    assert len(data) == 1 and data[0][0] == "张三"


def test_blank_template_imports_cleanly(administrator, sub_districts):
    import rosters
    from rosters.runner import run_import
    from talent.resources import PractitionerResource

    data = PractitionerResource(user=administrator).template()
    outcome = run_import(
        kind=rosters.get("practitioners"),
        content=data.export("xlsx"),
        file_name="t.xlsx",
        user=administrator,
        dry_run=True,
    )
    assert outcome.ok, outcome.problems


def test_only_holders_of_the_import_permission_may_import(client, db, sub_districts):
    staff = UserFactory(is_staff=True, role=Role.COORDINATOR)
    client.force_login(staff)
    assert client.get(reverse("admin:rosters_importrecord_new", args=["practitioners"])).status_code == 403
    assert upload(client, "practitioners_zh.xlsx").status_code == 403
    assert Practitioner.objects.count() == 0


def test_admin_export_masks_nothing_for_administrators_and_adds_a_bom_to_csv(client, administrator, sub_districts):
    import rosters
    from rosters.runner import run_import

    run_import(
        kind=rosters.get("practitioners"),
        content=(DATA / "practitioners_utf8_bom.csv").read_bytes(),
        file_name="p.csv",
        user=administrator,
        dry_run=False,
    )
    client.force_login(administrator)
    changelist = client.get(reverse("admin:talent_practitioner_changelist")).content.decode()
    assert reverse("admin:rosters_importrecord_new", args=["practitioners"]) in changelist
    response = client.post(
        reverse("admin:talent_practitioner_export"),
        {
            "format": "1",
            "resource": "0",
            "practitionerresource_name": "on",
            "practitionerresource_resident_id": "on",
        },
    )
    assert response.status_code == 200, response.content[:500]
    assert response.content.startswith("\ufeff".encode())
    assert Practitioner.objects.get(name="张伟").resident_id in response.content.decode("utf-8-sig")


def test_command_previews_and_imports_with_progress(administrator, sub_districts, monkeypatch):
    from rosters import runner

    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_roster", str(DATA / "practitioners_gb18030.csv"), kind="practitioners", dry_run=True, stdout=out
    )
    assert "3" in out.getvalue() and Practitioner.objects.count() == 0
    monkeypatch.setattr(runner, "CHUNK_ROWS", 1)
    call_command(
        "import_roster",
        str(DATA / "practitioners_gb18030.csv"),
        kind="practitioners",
        user=administrator.email,
        stdout=out,
        stderr=err,
    )
    assert Practitioner.objects.count() == 3
    # Not a terminal: one progress line per report, here one per row.
    assert [line.split(",")[0] for line in err.getvalue().splitlines()] == ["1 rows", "2 rows", "3 rows"]
    assert ImportRecord.objects.filter(dry_run=False, user=administrator).exists()


def test_command_fails_and_writes_nothing_on_a_bad_file(administrator, sub_districts):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(DATA / "broken_duplicate_id.csv"), kind="practitioners", stderr=err)
    # The line Excel shows: data row 4 is line 5, the header being line 1.
    assert "line 5:" in err.getvalue() or "第 5 行" in err.getvalue()
    assert Practitioner.objects.count() == 0


def test_coordinator_exports_only_their_bases_people_with_ids_masked(client, coordinator_a, trainee, other_trainee):
    from talent.models import Practitioner

    client.force_login(coordinator_a)
    response = client.get(reverse("talent:practitioner-export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    mine, theirs = trainee.practitioner, other_trainee.practitioner
    assert mine.name in text and mine.masked_resident_id in text and mine.resident_id not in text
    assert theirs.name not in text
    assert Practitioner.objects.count() == 2
    xlsx = client.get(reverse("talent:practitioner-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get(reverse("talent:practitioner-export", args=["pdf"])).status_code == 404


def test_trainees_cannot_export_the_registry(client, trainee):
    client.force_login(trainee)
    assert client.get(reverse("talent:practitioner-export", args=["csv"])).status_code == 403


@pytest.mark.parametrize(
    "kind", ["practitioners", "courses", "sessions", "enrollments", "results", "positions", "placements"]
)
def test_every_blank_template_example_has_a_valid_resident_id(kind):
    import rosters
    from talent import resident_id

    resource = rosters.get(kind).resource()
    example = resource.example_row.get("resident_id")
    if example:
        resident_id.validate(example)
    assert set(resource.example_row) <= {field.column_name for field in resource.import_fields()}


def test_an_import_cut_off_by_a_restart_is_marked_failed_instead_of_running_forever(client, administrator):
    import datetime

    record = ImportRecord.objects.create(
        kind="practitioners", user=administrator, file_name="big.csv", file_sha256="0" * 64, file_size=1, dry_run=False
    )
    client.force_login(administrator)
    url = reverse("admin:rosters_importrecord_progress", args=[record.pk])
    assert client.get(url).json()["finished"] is False
    ImportRecord.objects.filter(pk=record.pk).update(started_at=record.started_at - datetime.timedelta(hours=2))
    state = client.get(url).json()
    assert state["finished"] is True and state["status"] == "failed"
    page = client.get(reverse("admin:rosters_importrecord_change", args=[record.pk])).content.decode()
    assert "import-problems" in page
