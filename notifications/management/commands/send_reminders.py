import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications import reminders


class Command(BaseCommand):
    help = (
        "Run every registered reminder (sessions tomorrow, preference deadlines, hours awaiting approval, "
        "evaluations due, continuing education, re-registration). Safe to run any number of times a day: "
        "a person gets each reminder once per occasion."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this day (YYYY-MM-DD).")
        parser.add_argument("--kind", action="append", dest="kinds", help="Only this kind (repeatable).")

    def handle(self, *args, date=None, kinds=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from None
        sent = reminders.run(today, kinds_only=kinds)
        for kind, count in sent.items():
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{sum(sent.values())} new notifications"))
