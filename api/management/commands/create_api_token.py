"""create_api_token --org SLUG --user EMAIL [--write] [--days N] [--name NAME]

Makes an API token for a member of an organization and prints it alone on the last line
(it is not shown again: only its digest is stored)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.tokens import TokenError, create_token
from organizations.management.lookup import organization_or_error
from organizations.scoping import scope


class Command(BaseCommand):
    help = "Make an API token for a member of an organization; prints the token last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug")
        parser.add_argument("--user", required=True, help="The member's e-mail address")
        parser.add_argument("--write", action="store_true", help="Allow changes, not only reads")
        parser.add_argument("--days", type=int, default=None, help="Days until it expires")
        parser.add_argument("--name", default="Command line", help="What the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["org"])
        user = get_user_model().objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address “{options['user']}”.")
        with scope(org):
            try:
                token, raw = create_token(
                    org,
                    user=user,
                    actor=None,
                    name=options["name"],
                    write=options["write"],
                    days=options["days"],
                )
            except TokenError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{token.get_scope_display()} token for {user.email} in {org.name}, "
            f"expires {token.expires_at:%Y-%m-%d}. It is shown only now:"
        )
        self.stdout.write(raw)
