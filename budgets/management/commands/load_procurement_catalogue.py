from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from budgets.catalogue import catalogue_load_xlsx
from budgets.models import CatalogueVersion


class Command(BaseCommand):
    help = (
        "Load a procurement catalogue version's items from a workbook (columns 品目编码, 品目名称): "
        "all or nothing; every bad row is printed and nothing is written if there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="the catalogue version's code, e.g. 2022")
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--user", help="load as this user (must be an administrator)")

    def handle(self, *args, version: str, file: str, user: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        try:
            catalogue = CatalogueVersion.objects.get(code=version)
        except CatalogueVersion.DoesNotExist as exc:
            raise CommandError(f"No procurement catalogue version {version!r}.") from exc
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        try:
            summary = catalogue_load_xlsx(actor=actor, catalogue=catalogue, file=path)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not summary.ok:
            for error in summary.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(summary.errors)} errors; nothing was loaded.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{catalogue.code}: {len(summary.added)} added, {len(summary.updated)} updated, "
                f"{summary.unchanged} unchanged."
            )
        )
