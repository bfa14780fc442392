from budgets.models import BudgetCycle
from core.commands import FileCommand
from core.models import Unit
from disclosure.importing import import_workbook


class Command(FileCommand):
    help = (
        "Import a budget workbook (the template's sheets) into a cycle: all or nothing. "
        "Every problem is printed as [sheet] row «column»: message; nothing is written if there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="unit code: every row must belong to this unit")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, file: str, year: int, unit: str | None, dry_run: bool, **options):
        path = self.input_file(file)
        cycle = self.named(BudgetCycle.objects, f"No budget cycle for {year}.", year=year)
        scope = self.named(Unit.objects, f"No unit with code {unit!r}.", code=unit) if unit else None
        report = import_workbook(path=path, cycle=cycle, unit=scope, dry_run=dry_run)
        for sheet, counts in report.counts.items():
            self.stdout.write(
                f"{sheet}: {counts['rows']} rows ({counts['new']} new, {counts['update']} updated)"
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning.line()))
        if not report.ok:
            self.refuse([problem.line() for problem in report.problems], "problems", "imported")
        verb = "checked (dry run, nothing written)" if dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(f"{path.name} {verb}."))
