from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.services import user_token
from aftersales.core.errors import DomainError


class Command(BaseCommand):
    help = "Print a user's API token, creating it if needed."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            self.stdout.write(user_token(username=username))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
