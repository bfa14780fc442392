from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from budgets.catalogue import catalogue_load_xlsx
from budgets.models import CatalogueVersion
from core.commands import FileCommand


class Command(FileCommand):
    help = (
        "Load a procurement catalogue version's items from a workbook (columns 品目编码, 品目名称): "
        "all or nothing; every bad row is printed and nothing is written if there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="the catalogue version's code, e.g. 2022")
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--user", help="load as this user (must be an administrator)")

    def handle(self, *args, version: str, file: str, user: str | None, **options):
        path = self.input_file(file)
        catalogue = self.named(
            CatalogueVersion.objects, f"No procurement catalogue version {version!r}.", code=version
        )
        actor = self.named(get_user_model().objects, f"No user {user!r}.", username=user) if user else None
        try:
            summary = catalogue_load_xlsx(actor=actor, catalogue=catalogue, file=path)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not summary.ok:
            self.refuse([str(error) for error in summary.errors], "errors", "loaded")
        self.stdout.write(
            self.style.SUCCESS(
                f"{catalogue.code}: {len(summary.added)} added, {len(summary.updated)} updated, "
                f"{summary.unchanged} unchanged."
            )
        )
