from django.core.management.base import BaseCommand

from placements import offers


class Command(BaseCommand):
    help = (
        "Free the confirmed placements not accepted by their deadline and close the overdue seat offers, "
        "offering each seat to the next trainee who ranked it. Safe to run any number of times (e.g. hourly)."
    )

    def handle(self, *args, **options):
        expired = offers.expire_overdue()
        self.stdout.write(f"{expired} overdue answers settled")
