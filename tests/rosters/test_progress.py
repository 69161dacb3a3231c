"""A running import's progress is seen by other requests while its
transaction is still open (PostgreSQL; SQLite lets one writer at a time)."""

import threading

import pytest
from django.db import connection, connections

import rosters
from rosters import runner
from rosters.models import ImportRecord
from tests.factories import valid_resident_id
from tests.importing import csv_file


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_runs(administrator, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer at a time, so progress shows when the import ends")
    monkeypatch.setattr(runner, "CHUNK_ROWS", 2)
    content = csv_file(
        ["姓名", "身份证号", "资格等级"],
        [[f"张{'甲乙丙丁戊己'[n]}", valid_resident_id(n), "社会工作师"] for n in range(6)],
    )
    reported, checked = threading.Event(), threading.Event()
    outcome = {}

    def pause_after_the_first_chunk(done, total):
        if done == 2:
            reported.set()
            checked.wait(10)

    def run():
        try:
            outcome["value"] = runner.run_import(
                kind=rosters.get("practitioners"),
                content=content,
                file_name="p.csv",
                user=administrator,
                dry_run=False,
                progress=pause_after_the_first_chunk,
            )
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert reported.wait(10)
        record = ImportRecord.objects.get()
        assert record.status == ImportRecord.Status.RUNNING
        assert (record.rows_done, record.rows_total) == (2, 6)
    finally:
        checked.set()
        worker.join(20)
    assert outcome["value"].ok
    assert ImportRecord.objects.get().rows_done == 6
