from django.core.management.base import BaseCommand, CommandError

from audit.separation import problems


class Command(BaseCommand):
    help = "Check that no account holds two of the three administrators' roles (三员); exit 1 if one does."

    def handle(self, *args, **options):
        found = problems()
        for line in found:
            self.stderr.write(line)
        if found:
            raise CommandError(f"{len(found)} problem(s): the three administrators are not kept apart")
        self.stdout.write(self.style.SUCCESS("The three administrators are kept apart."))
