from django.core.management.base import BaseCommand, CommandError

from budgets.consistency import check_cycle
from budgets.models import BudgetCycle


class Command(BaseCommand):
    help = "Run the cross-table consistency checks of a cycle; one line per inconsistency."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options):
        try:
            cycle = BudgetCycle.objects.get(year=year)
        except BudgetCycle.DoesNotExist as exc:
            raise CommandError(f"No budget cycle for {year}.") from exc
        findings = check_cycle(cycle)
        for finding in findings:
            self.stdout.write(finding.line())
        self.stdout.write(
            self.style.WARNING(f"{len(findings)} inconsistencies in {year} (amounts in 万元).")
            if findings
            else self.style.SUCCESS(f"No inconsistencies in {year}.")
        )
