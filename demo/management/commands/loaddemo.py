from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.ceilings import ceilings_demo_2021
from demo.library import library_demo_2021
from demo.loader import DEMO_PASSWORD, DEMO_USERS, demo_is_loaded, demo_load
from reminders.services import reminders_scan


class Command(BaseCommand):
    help = "Load the bureau's published 2020 budget and the demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a budget (keeps edits made since).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "loaddemo refuses to run under production settings: it creates demo accounts with a "
                "published password. Load the codes only: manage.py loaddata classification_codes."
            )
        if if_empty and demo_is_loaded():
            self.stdout.write("Demo data already present; nothing loaded.")
            return
        today = timezone.localdate()
        result = demo_load(today=today)
        library_demo_2021(result=result)
        ceilings_demo_2021(result=result)
        self.stdout.write(self.style.SUCCESS(f"Demo budget 2020 loaded: {result.summary()}."))
        self.stdout.write(f"Demo users ({len(DEMO_USERS)}), password '{DEMO_PASSWORD}' for all.")
        # The deadlines are set relative to today: what the daily scan would find now is
        # recorded and queued at once, so the reminders are there on the first visit.
        scan = reminders_scan(today=today)
        self.stdout.write(
            f"Deadline reminders due today: {scan['recorded']} recorded, {scan['composed']} emails queued."
        )
