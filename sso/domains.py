"""Proving an organization owns an e-mail domain.

`DomainVerifier` is the interface; `DnsTxtVerifier` asks DNS for the TXT record the
settings page shows (`_career-ladder.<domain>` = `career-ladder-verification=<code>`).
This machine has no DNS beyond loopback, so the tests use `StaticVerifier`, a test
double that answers from a dict. Operators can also verify a domain by hand:
`manage.py verify_domain ORG DOMAIN`. `SSO_DOMAIN_VERIFIER` selects the class.
"""

from __future__ import annotations

import re
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# Addresses anyone can get: never proof that a person belongs to one organization.
PUBLIC_DOMAINS = frozenset(
    (
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
    )
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")


class DomainError(Exception):
    """A domain that cannot be added or verified; the message is for the user."""


def clean_domain(value: str) -> str:
    domain = value.strip().lower().removeprefix("@").rstrip(".")
    if "@" in domain:
        domain = domain.rsplit("@", 1)[1]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise DomainError("Enter a domain such as example.com.") from error
    if not _DOMAIN.match(domain):
        raise DomainError("Enter a domain such as example.com.")
    if domain in PUBLIC_DOMAINS:
        raise DomainError(
            f"{domain} is a public e-mail service: anyone can have an address there, so it "
            "cannot decide who belongs to your organization."
        )
    return domain


def email_domain(email: str) -> str:
    return (email or "").strip().lower().rpartition("@")[2]


class DomainVerifier(Protocol):
    def txt_records(self, name: str) -> list[str]:
        """The TXT strings published at `name` ([] when none or unreachable)."""
        ...


class DnsTxtVerifier:
    """Real DNS through dnspython (needs outbound DNS, which this machine lacks)."""

    def txt_records(self, name: str) -> list[str]:
        import dns.exception
        import dns.resolver

        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=5)
        except (dns.exception.DNSException, OSError):
            return []
        return [b"".join(r.strings).decode(errors="replace") for r in answer]


class StaticVerifier:
    """A test double: TXT records come from `StaticVerifier.records`."""

    records: ClassVar[dict[str, list[str]]] = {}

    def txt_records(self, name: str) -> list[str]:
        return list(self.records.get(name, []))


def get_verifier() -> DomainVerifier:
    path = getattr(settings, "SSO_DOMAIN_VERIFIER", "sso.domains.DnsTxtVerifier")
    return import_string(path)()


def has_proof(name: str, expected: str) -> bool:
    return any(record.strip() == expected for record in get_verifier().txt_records(name))
