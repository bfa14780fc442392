from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Membership, Unit, UnitKind
from core.roles import Role


class Command(BaseCommand):
    help = (
        "Create the three administrators' accounts (系统管理员, 安全管理员, 审计管理员), one each, on "
        "the HQ unit, without a password: set each with `changepassword`. Instead of a superuser."
    )

    def add_arguments(self, parser):
        parser.add_argument("--system", required=True, help="username of the system administrator")
        parser.add_argument("--security", required=True, help="username of the security administrator")
        parser.add_argument("--audit", required=True, help="username of the audit administrator")

    @transaction.atomic
    def handle(self, *args, system, security, audit, **options):
        wanted = {
            system: Role.ADMINISTRATOR,
            security: Role.SECURITY_ADMINISTRATOR,
            audit: Role.AUDIT_ADMINISTRATOR,
        }
        if len(wanted) != 3:
            raise CommandError("three different accounts: no account holds two of the three roles")
        hq = Unit.objects.filter(kind=UnitKind.HQ).order_by("sort_order").first()
        if hq is None:
            raise CommandError("no HQ unit yet: load the units first")
        users = get_user_model().objects
        for username, role in wanted.items():
            user = users.filter(username=username).first()
            if user is None:
                user = users.create_user(username=username, password=None, is_staff=True)
                self.stdout.write(
                    f"created {username}: set its password with `manage.py changepassword {username}`"
                )
            elif user.is_superuser:
                raise CommandError(f"{username} is a superuser: choose another account")
            membership = Membership.objects.filter(user=user).first()
            if membership is not None and membership.role != role:
                raise CommandError(f"{username} already holds the role {membership.role}")
            if membership is None:
                Membership.objects.create(user=user, unit=hq, role=role)
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username}: {role.label}")
