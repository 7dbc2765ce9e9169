"""Verify an organization's e-mail domain by hand (the operator checked it another way,
e.g. on an installation that cannot reach DNS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.management.lookup import organization_or_error
from organizations.scoping import scope
from sso.models import EmailDomain
from sso.services import SignInError, add_domain, mark_verified


class Command(BaseCommand):
    help = "Mark an e-mail domain as verified for an organization (adds it if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org", help="The organization's slug")
        parser.add_argument("domain", help="e.g. acme.com")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["org"])
        with scope(org):
            try:
                item = EmailDomain.objects.filter(domain=options["domain"].lower()).first()
                item = item or add_domain(org, actor=None, domain=options["domain"])
                mark_verified(item, actor=None, how="operator command")
            except SignInError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"{item.domain} is verified for {org.name}.")
