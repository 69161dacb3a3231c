"""Issue the certificates of a finished session or of a round's completed
internships from the shell, with a progress bar. Safe to run again: what is
already issued is skipped, so an interrupted run carries on."""

import sys

from django.core.management.base import BaseCommand, CommandError

from certificates import services
from placements.models import PlacementRound
from training.models import CourseSession


class Command(BaseCommand):
    help = "Issue certificates for a finished course session or a placement round."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--session", type=int, help="course session id")
        target.add_argument("--round", type=int, help="placement round id")

    def handle(self, *args, session=None, round=None, **options):
        if session is not None:
            try:
                target = CourseSession.objects.get(pk=session, status=CourseSession.Status.FINISHED)
            except CourseSession.DoesNotExist:
                raise CommandError(f"No finished course session with id {session}.") from None
            sources = services.session_sources(target)
        else:
            try:
                target = PlacementRound.objects.get(pk=round)
            except PlacementRound.DoesNotExist:
                raise CommandError(f"No placement round with id {round}.") from None
            sources = services.round_sources(target)
        self.stdout.write(f"{target}: {len(sources)} completions")
        refused = []
        issued = services.issue_in_chunks(
            sources, progress=self.show_progress, on_refused=lambda source, refusal: refused.append((source, refusal))
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{issued} certificates in place."))
        for source, refusal in refused:
            self.stderr.write(f"Not issued: {source.holder.name} · {source.title}: {refusal.message}")
        if refused:
            raise CommandError(f"{len(refused)} certificates could not be issued; see above.")

    def show_progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // total if total else width
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        sys.stdout.flush()
