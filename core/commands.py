"""What the management commands that read a file share (``import_budget``,
``load_procurement_catalogue``): the file must exist, each object the arguments name must exist,
and a refused file prints every problem, one a line on stderr, then fails with their count and
nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Model, QuerySet


class FileCommand(BaseCommand):
    def input_file(self, file: str) -> Path:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        return path

    def named(self, queryset: QuerySet, missing: str, **lookup) -> Model:
        """The one object ``lookup`` names, or the command fails saying ``missing``."""
        found = queryset.filter(**lookup).first()
        if found is None:
            raise CommandError(missing)
        return found

    def refuse(self, problems: Sequence[str], what: str, undone: str) -> NoReturn:
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(f"{len(problems)} {what}; nothing was {undone}.")
