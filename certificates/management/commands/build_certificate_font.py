from django.core.management.base import BaseCommand, CommandError

from certificates import fonts


class Command(BaseCommand):
    help = "Build the certificate font (a GB 2312 subset of Noto Serif CJK SC) unless it is already there."
    # The checks would warn that the font is missing: it is what this builds.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild even if the font exists")

    def handle(self, *args, force=False, **options):
        destination = fonts.font_path()
        if destination.exists() and not force:
            self.stdout.write(f"Certificate font already built: {destination}")
            return
        source = fonts.source_font()
        if source is None:
            raise CommandError(f"{fonts.SOURCE_FAMILY} not found; install Debian's fonts-noto-cjk.")
        self.stdout.write(f"Building {destination.name} from {source} (about half a minute)...")
        fonts.build(source, destination)
        self.stdout.write(self.style.SUCCESS(f"Built {destination} ({destination.stat().st_size // 1024} KB)."))
