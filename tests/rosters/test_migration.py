"""Moving ImportRecord from talent to rosters kept its table and every record
in it, with each row's outcome carried into ImportRow."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("talent", "0006_practitioner_name_validated"), ("rosters", None)]
AFTER = [("talent", "0007_importrecord_moves_to_rosters"), ("rosters", "0003_import_progress")]


@pytest.mark.django_db(transaction=True)
def test_records_made_before_the_move_survive_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE[:1]).apps
    OldRecord = old_apps.get_model("talent", "ImportRecord")
    record = OldRecord.objects.create(
        kind="practitioners",
        file_name="old.csv",
        file_sha256="0" * 64,
        file_size=10,
        dry_run=False,
        status="imported",
        new=2,
        row_outcomes=[[1, "new", 7], [2, "new", 8]],
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    Record = new_apps.get_model("rosters", "ImportRecord")
    moved = Record.objects.get(pk=record.pk)
    assert (moved.file_name, moved.new, moved.status) == ("old.csv", 2, "imported")
    rows = new_apps.get_model("rosters", "ImportRow").objects.filter(record_id=record.pk).order_by("line")
    assert [(row.line, row.outcome, row.object_id) for row in rows] == [(2, "new", 7), (3, "new", 8)]
    ContentType = new_apps.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="rosters", model="importrecord").exists()
    assert not ContentType.objects.filter(app_label="talent", model="importrecord").exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
