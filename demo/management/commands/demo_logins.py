from django.core.management.base import BaseCommand

from demo.loader import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print where to log in and the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url: str, **options):
        self.stdout.write(self.style.SUCCESS(f"\nBudget cycle is starting at {url}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, display_name, unit, role in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role.label:<22} {unit:<8} {display_name}")
        self.stdout.write("")
