"""Operator command: create an organization (on a free trial) with an owner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from organizations.scoping import unscoped
from organizations.services import OrganizationError, create_organization, create_user


class Command(BaseCommand):
    help = (
        "Create an organization on a free trial with OWNER as its owner. The owner's login "
        "is created (with a verified e-mail) if it does not exist yet."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="The organization's name")
        parser.add_argument("--slug", required=True, help="Short unique address, e.g. acme")
        parser.add_argument("--owner", required=True, help="The owner's e-mail address")
        parser.add_argument(
            "--password",
            default=None,
            help="Password for a new owner login (without it they use 'Forgotten password')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["owner"].strip().lower()
        slug = options["slug"].strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not a valid e-mail address.") from error
        if slugify(slug) != slug:
            raise CommandError(
                f"{slug!r} is not a valid slug: use lowercase letters, digits and hyphens."
            )
        User = get_user_model()
        with transaction.atomic(), unscoped():
            user = User.objects.filter(email__iexact=email).first()
            created_user = user is None
            if user is None:
                user = create_user(email, password=options["password"] or None)
            elif options["password"]:
                self.stderr.write(f"{email} already has a login; its password was left unchanged.")
            try:
                org = create_organization(name=options["name"], owner=user, slug=slug)
            except OrganizationError as error:
                raise CommandError(str(error)) from error  # rolls the new login back too
        if created_user:
            how = "with the given password" if options["password"] else "without a password"
            self.stdout.write(f"Created login {email} ({how}).")
        else:
            self.stdout.write(f"Using the existing login {email}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created organization {org.name!r} (slug {org.slug}) with {email} as owner; "
                f"free trial until {org.trial_ends_at:%Y-%m-%d}."
            )
        )
