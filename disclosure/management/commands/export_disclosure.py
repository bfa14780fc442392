from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgets.models import BudgetCycle
from core.models import Unit
from disclosure.exporting import build_workbook


class Command(BaseCommand):
    help = "Write the disclosure workbook of a cycle (the whole bureau, or one unit) to a file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="unit code; the whole bureau when left out")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, year: int, unit: str | None, output: str, **options):
        try:
            cycle = BudgetCycle.objects.get(year=year)
        except BudgetCycle.DoesNotExist as exc:
            raise CommandError(f"No budget cycle for {year}.") from exc
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"No unit with code {unit!r}.")
        built = build_workbook(cycle=cycle, unit=scope)
        Path(output).write_bytes(built.to_bytes())
        sheets = ", ".join(t.number for t in built.tables)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {output}: {sheets}; {len(built.findings)} check findings.")
        )
