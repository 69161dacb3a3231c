from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus, default_task_backend


class ImportRecord(models.Model):
    """One run of a roster import, previews included, kept for audit: who,
    when, which file (by name and hash), and what happened to each row
    (`ImportRow`)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind of import"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size"))
    dry_run = models.BooleanField(_("preview only"))
    options = models.JSONField(_("options"), default=dict, blank=True)
    # Between a preview and its confirmation the file waits in temporary storage.
    stored_file = models.CharField(_("stored file"), max_length=255, blank=True)
    preview = models.ForeignKey(
        "self", verbose_name=_("preview"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # Rows read so far while the import runs (rosters.progress).
    progress = models.PositiveIntegerField(_("rows read"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid = models.PositiveIntegerField(_("with errors"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    notices = models.JSONField(_("notices"), default=list, blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    # The background task that writes a large confirmed import (rosters.tasks).
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        # The table the record had when it lived in the talent app: moving the
        # model kept it, and every record in it.
        db_table = "talent_importrecord"
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import record")
        verbose_name_plural = _("import records")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def totals(self) -> dict[str, int]:
        """As `runner.Outcome.totals`: what a confirmation must reproduce."""
        return {"new": self.new, "update": self.updated, "skip": self.unchanged, "invalid": self.invalid, "error": 0}

    @property
    def rows_done(self) -> int:
        """Rows read: with an outcome once the run has finished, as far as it has got while it runs."""
        return self.new + self.updated + self.unchanged + self.invalid if self.is_finished else self.progress

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.RUNNING

    def give_up_if_interrupted(self, now) -> None:
        """A run still "running" long after any import could take was cut off
        (a restart, a killed worker): its transaction never committed, so
        nothing was written. Say so instead of showing a progress bar forever.
        A background run still waiting in the queue for a worker is not cut
        off; its clock starts when a worker picks it up (rosters.tasks). One
        whose task has ended without finishing the record is over at once."""
        if self.status != self.Status.RUNNING:
            return
        task_status = self.task_status()
        if task_status == TaskResultStatus.READY:
            return
        task_ended = task_status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
        if task_ended or now - self.started_at > settings.IMPORT_INTERRUPTED_AFTER:
            updated = ImportRecord.objects.filter(pk=self.pk, status=self.Status.RUNNING).update(
                status=self.Status.FAILED,
                finished_at=now,
                problems=[
                    {"row": 0, "column": "", "message": str(_("The import was interrupted; nothing was written."))}
                ],
            )
            if updated:
                self.refresh_from_db()

    @property
    def is_waiting_for_a_worker(self) -> bool:
        return self.status == self.Status.RUNNING and self.task_status() == TaskResultStatus.READY

    def task_status(self) -> str | None:
        """The status of the background task of this run, when the task backend can tell."""
        if not self.task_id:
            return None
        try:
            return default_task_backend.get_result(self.task_id).status
        except Exception:  # unknown to the backend, or a backend that keeps no results
            return None


class ImportRow(models.Model):
    """What happened to one row of an imported (or previewed) file, and what
    the preview shows of it: a new row's cells, an updated row's changes."""

    class Outcome(models.TextChoices):
        NEW = "new", _("New")
        UPDATE = "update", _("Updated")
        SKIP = "skip", _("Unchanged")
        INVALID = "invalid", _("With errors")
        ERROR = "error", _("Failed")

    record = models.ForeignKey(
        ImportRecord, verbose_name=_("import record"), on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField(_("line"), help_text=_("The line in the spreadsheet; the header is line 1."))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    object_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    # New: {column: value}; updated: {column: [old, new]}.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["record", "line"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        indexes = [models.Index(fields=["record", "outcome", "line"], name="import_row_outcome_idx")]
        constraints = [models.UniqueConstraint(fields=["record", "line"], name="import_row_line_unique")]

    def __str__(self):
        return f"{self.record_id}:{self.line} {self.outcome}"

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """An updated row's changes as (column, old, new)."""
        return [(column, *values) for column, values in self.details.items() if isinstance(values, list)]
