from django.core.management.base import BaseCommand

from talent import standings


class Command(BaseCommand):
    help = "Recompute everyone's continuing-education standing (daily: being behind pace depends on the date)."

    def handle(self, *args, **options):
        seen = standings.refresh()
        self.stdout.write(f"{seen} practitioners looked at")
