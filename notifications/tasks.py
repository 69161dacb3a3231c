"""Tasks of the notifications app, for schedulers that enqueue tasks (the
systemd timers and cron run the management commands instead)."""

from django_tasks import task

from notifications import delivery, reminders


@task()
def send_reminders() -> dict[str, int]:
    """Every registered reminder for today; idempotent."""
    return reminders.run()


@task()
def retry_deliveries() -> int:
    """Send every due delivery: retries whose back-off has passed, and any whose first task was lost."""
    return delivery.send_due()
