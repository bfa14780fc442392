from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; fails (exit 1) on an entry changed, inserted or removed."

    def handle(self, *args, **options):
        count, breaks = verify()
        for item in breaks:
            self.stderr.write(f"entry {item.entry_id}: {item.reason}")
        if breaks:
            raise CommandError(f"audit chain broken: {len(breaks)} problem(s) in {count} entries")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {count} entries"))
