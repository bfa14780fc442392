from django.core.management.base import BaseCommand

from demo.library import library_demo_2021
from demo.loader import DEMO_PASSWORD, DEMO_USERS, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the bureau's published 2020 budget and the demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a budget (keeps edits made since).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and demo_is_loaded():
            self.stdout.write("Demo data already present; nothing loaded.")
            return
        result = demo_load()
        library_demo_2021(result=result)
        self.stdout.write(self.style.SUCCESS(f"Demo budget 2020 loaded: {result.summary()}."))
        self.stdout.write(f"Demo users ({len(DEMO_USERS)}), password '{DEMO_PASSWORD}' for all.")
