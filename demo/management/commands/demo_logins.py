from django.conf import settings
from django.core.management.base import BaseCommand

from core.roles import SECOND_FACTOR_ROLES, Role
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
        if settings.OTP_REQUIRED:
            roles = ", ".join(str(role.label) for role in Role if role in SECOND_FACTOR_ROLES)
            self.stdout.write(
                f"Second factor on ({roles}): at the first login these users scan a QR code with an "
                "authenticator app and enter its code."
            )
        self.stdout.write("")
