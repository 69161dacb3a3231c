"""Certificate batches on the task queue.

A coordinator starts the batch of a finished session, or of the completed
internships of a round's positions (`start`); a task (`issue_batch`) issues
them chunk by chunk, each chunk in its own transaction (a certificate's
number, row and PDF commit together or not at all), and moves the batch's
progress on after each chunk, where the progress bar reads it (`progress`).
The coordinator may close the page meanwhile.

Starting a batch whose scope has an unfinished one carries that one on: a
batch whose worker died, or that stopped on an error, is queued again and the
task skips what is already certified, so serials stay gap-free and nothing is
issued twice. A batch still in hand (waiting for a worker, or making progress)
is left alone.
"""

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task

from certificates import services
from certificates.models import CertificateBatch
from placements.models import Position

logger = logging.getLogger(__name__)


def session_scope(session) -> str:
    return f"session:{session.pk}"


def round_scope(round, position_ids: list[int]) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(position_ids))).encode()).hexdigest()[:16]
    return f"round:{round.pk}:{digest}"


def current(scope: str) -> CertificateBatch | None:
    """The scope's latest batch."""
    return CertificateBatch.objects.filter(scope=scope).order_by("-created_at", "-pk").first()


def start(*, user, session=None, round=None, positions=None) -> CertificateBatch:
    """Start (or carry on) the batch of `session`, or of `round` at `positions`.
    The task is queued once the caller's transaction commits."""
    if (session is None) == (round is None):
        raise ValueError("A batch is for a session or for a round.")
    if session is not None:
        scope, target = session_scope(session), {"session": session}
    else:
        position_ids = sorted(positions.values_list("pk", flat=True))
        scope, target = round_scope(round, position_ids), {"round": round, "positions": position_ids}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _start(scope=scope, target=target, user=user)
        except IntegrityError:  # someone started the same batch at the same moment: carry theirs on
            continue
    raise RuntimeError(f"Could not start the certificate batch {scope}")


def _start(*, scope: str, target: dict, user) -> CertificateBatch:
    batch = (
        CertificateBatch.objects.select_for_update()
        .filter(scope=scope, status__in=CertificateBatch.UNFINISHED)
        .order_by("-pk")
        .first()
    )
    if batch is not None and is_in_hand(batch):
        return batch
    if batch is None:
        batch = CertificateBatch.objects.create(scope=scope, started_by=user, **target)
    else:
        batch.status = CertificateBatch.Status.QUEUED
        batch.error = ""
        batch.heartbeat = None
        batch.save(update_fields=["status", "error", "heartbeat"])
    transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_pk: int) -> None:
    result = issue_batch.enqueue(batch_pk)
    # Kept unless the task, run at once by an immediate backend, has already finished the batch.
    CertificateBatch.objects.filter(pk=batch_pk).update(task_id=str(result.id))


def task_result(batch: CertificateBatch):
    """The batch's task as the task backend knows it, when it can tell."""
    if not batch.task_id:
        return None
    try:
        return default_task_backend.get_result(batch.task_id)
    except Exception:  # unknown to the backend, or a backend that keeps no results
        return None


def is_in_hand(batch: CertificateBatch, now=None) -> bool:
    """Whether the batch will go on by itself: waiting for a worker, or making
    progress. Otherwise (it failed, or its worker went away) it waits for
    someone to carry it on."""
    if batch.status not in (CertificateBatch.Status.QUEUED, CertificateBatch.Status.RUNNING):
        return False
    now = now or timezone.now()
    result = task_result(batch)
    status = result.status if result is not None else None
    if status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        return False
    if batch.status == CertificateBatch.Status.QUEUED and status != TaskResultStatus.RUNNING:
        return True  # waiting for a worker, however long that takes
    # Running: as long as it moves. A worker killed before its first chunk
    # leaves the batch queued and its task running: timed from the task's start.
    last_sign = batch.heartbeat or (result.started_at if result is not None else None)
    return last_sign is not None and now - last_sign < settings.CERTIFICATE_BATCH_STALLED_AFTER


def progress(batch: CertificateBatch) -> dict:
    """What the progress bar shows."""
    in_hand = is_in_hand(batch)
    return {
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "done": batch.done,
        "total": batch.total,
        "refused": batch.refused,
        "finished": batch.status == CertificateBatch.Status.FINISHED,
        "in_hand": in_hand,
        "stopped": batch.status != CertificateBatch.Status.FINISHED and not in_hand,
    }


def sources(batch: CertificateBatch) -> list[services.Source]:
    if batch.session is not None:
        return services.session_sources(batch.session)
    return services.round_sources(batch.round, positions=Position.objects.filter(pk__in=batch.positions))


@task
def issue_batch(batch_pk: int) -> dict:
    """Issue a batch's certificates, chunk by chunk; safe to run again."""
    return run(batch_pk)


def run(batch_pk: int) -> dict:
    batch = CertificateBatch.objects.select_related("session__course__base", "round").get(pk=batch_pk)
    if batch.status == CertificateBatch.Status.FINISHED:
        return {"done": batch.done, "total": batch.total}
    _update(batch, status=CertificateBatch.Status.RUNNING, error="")
    try:
        all_sources = sources(batch)
        live = services.live_certificates(all_sources)
        pending = [source for source in all_sources if id(source) not in live]
        done, refused = len(live), 0
        _update(batch, total=len(all_sources), done=done, refused=0)
        size = settings.CERTIFICATE_BATCH_CHUNK
        for start_at in range(0, len(pending), size):
            in_place, refusals = services.issue_chunk(pending[start_at : start_at + size])
            done += in_place
            refused += len(refusals)
            for source, refusal in refusals:
                logger.warning("Certificate not issued for %s (%s): %s", source.holder.name, source.title, refusal)
            _update(batch, done=done, refused=refused)
    except Exception as error:
        _update(batch, status=CertificateBatch.Status.FAILED, error=str(error) or type(error).__name__)
        raise
    _update(batch, status=CertificateBatch.Status.FINISHED, finished_at=timezone.now())
    return {"done": done, "total": len(all_sources), "refused": refused}


def _update(batch: CertificateBatch, **fields) -> None:
    """Write progress at once, in its own transaction, where the page reads it."""
    fields["heartbeat"] = timezone.now()
    CertificateBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)
