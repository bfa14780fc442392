from django.core.management.base import BaseCommand

from audit.chain import MIN_RETENTION_DAYS, purge, retention_days


class Command(BaseCommand):
    help = f"Delete audit entries older than AUDIT_RETENTION_DAYS (never younger than {MIN_RETENTION_DAYS} days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help=f"at least {MIN_RETENTION_DAYS}; more keeps more"
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < MIN_RETENTION_DAYS:
            self.stderr.write(
                f"--days {days} is below the {MIN_RETENTION_DAYS} days the log must be kept: using {retention_days()}."
            )
        deleted = purge(days)
        self.stdout.write(
            f"{deleted} audit entries older than {max(days or 0, retention_days())} days deleted."
        )
