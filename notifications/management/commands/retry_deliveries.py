from django.core.management.base import BaseCommand

from notifications import delivery


class Command(BaseCommand):
    help = (
        "Send every due email and SMS delivery: retries whose back-off has passed and any whose task was lost. "
        "With --enqueue, queue the work for the task workers instead of sending here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue a task instead of sending in this process.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            delivery.enqueue_batch(None)
            self.stdout.write("queued")
            return
        sent = delivery.send_due()
        self.stdout.write(self.style.SUCCESS(f"{sent} sent"))
