"""Company sign-in against real identity providers on loopback: an OpenID Connect
provider (tests/sso/oidc_provider.py) and a SAML 2.0 IdP with xmlsec-signed assertions
(tests/sso/saml_idp.py)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from organizations.models import AuditEntry, Membership
from organizations.scoping import scope, unscoped
from tests.sso.conftest import configure, oidc_sign_in, saml_sign_in, to_identity_provider

pytestmark = pytest.mark.django_db


def _logged_in_as(client: Client) -> str:
    response = client.get("/home/")
    assert response.status_code == 200, response.status_code
    return response.wsgi_request.user.email


def test_oidc_member_signs_in_with_the_company_account(world: Any, oidc: Any):
    oidc.sign_in_as("emma@acme.test", "Emma Employee")
    client = Client()
    response = oidc_sign_in(client, oidc, "emma@acme.test")
    assert response.status_code == 302
    assert _logged_in_as(client) == "emma@acme.test"
    # the product really exchanged the code with the client secret at the token endpoint
    assert oidc.token_requests == [{"client_id": oidc.client_id, "secret": oidc.client_secret}]
    account = SocialAccount.objects.get(user=world.employee)
    assert account.provider.startswith("oidc-")


def test_oidc_refuses_an_address_outside_the_verified_domains(world: Any, oidc: Any):
    oidc.sign_in_as("olga@globex.test", "Olga Outsider")
    client = Client()
    response = oidc_sign_in(client, oidc, "emma@acme.test")
    assert response.status_code == 403
    assert b"not at one of Acme" in response.content
    assert client.get("/home/").status_code == 302  # not logged in
    assert not SocialAccount.objects.exists()


def test_oidc_wrong_client_secret_does_not_sign_in(world: Any, oidc: Any):
    oidc.client_secret = "rotated-at-the-idp"  # the product still has the old one
    oidc.sign_in_as("emma@acme.test")
    client = Client()
    response = oidc_sign_in(client, oidc, "emma@acme.test")
    assert 400 <= response.status_code < 500
    assert client.get("/home/").status_code == 302


def test_someone_not_invited_is_refused_unless_the_owner_lets_the_domain_join(
    world: Any, oidc: Any
):
    oidc.sign_in_as("nina@acme.test", "Nina New")
    response = oidc_sign_in(Client(), oidc, "nina@acme.test")
    assert response.status_code == 403
    assert b"not set up in Career Ladder Builder for Acme" in response.content

    configure(world, join_on_sign_in=True)
    client = Client()
    oidc_sign_in(client, oidc, "nina@acme.test")
    assert _logged_in_as(client) == "nina@acme.test"
    with scope(world.acme):
        membership = Membership.objects.get(user__email="nina@acme.test")
        assert membership.role == "member"
        assert membership.user.people.get().name == "Nina New"
        joined = AuditEntry.objects.get(action="sign_in.joined")
        assert joined.data == {"how": "verified domain", "role": "member"}


def test_an_invited_person_joins_with_the_invited_role(world: Any, oidc: Any):
    from accounts.services import invite_by_email

    with scope(world.acme):
        invitation = invite_by_email(
            world.acme,
            email="ivy@acme.test",
            name="Ivy Invitee",
            role="hr_admin",
            actor=world.owner,
        )
    oidc.sign_in_as("ivy@acme.test", "Ivy Invitee")
    client = Client()
    oidc_sign_in(client, oidc, "ivy@acme.test")
    assert _logged_in_as(client) == "ivy@acme.test"
    with scope(world.acme):
        assert Membership.objects.get(user__email="ivy@acme.test").role == "hr_admin"
        invitation.refresh_from_db()
        assert invitation.accepted_at is not None


def test_a_deactivated_person_cannot_sign_in(world: Any, oidc: Any):
    from people.services import set_active

    with scope(world.acme):
        set_active(world.p_employee, actor=world.hr, active=False)
    oidc.sign_in_as("emma@acme.test")
    response = oidc_sign_in(Client(), oidc, "emma@acme.test")
    assert response.status_code == 403
    assert b"has been closed" in response.content


def test_an_unconfirmed_account_made_in_advance_loses_its_password(world: Any, oidc: Any):
    """Someone signed up with a colleague's address and never confirmed it: when the real
    owner signs in through the company, the squatter's password stops working."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    squatter = get_user_model().objects.create_user("ceo@acme.test", "ceo@acme.test", "x" * 12)
    EmailAddress.objects.create(user=squatter, email="ceo@acme.test", verified=False, primary=True)
    configure(world, join_on_sign_in=True)
    oidc.sign_in_as("ceo@acme.test", "Carla Ceo")
    client = Client()
    oidc_sign_in(client, oidc, "ceo@acme.test")
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert EmailAddress.objects.get(user=squatter).verified


def test_saml_member_signs_in_with_metadata_from_a_url(world: Any, saml: Any):
    saml.sign_in_as("emma@acme.test", "Emma", "Employee")
    client = Client(HTTP_HOST="testserver")
    response = saml_sign_in(client, saml, "emma@acme.test")
    assert response.status_code == 302, response.content[:800]
    assert _logged_in_as(client) == "emma@acme.test"
    request = saml.requests[0]
    assert request["acs"].endswith("/acs/") and "/accounts/saml/" in request["acs"]
    assert SocialAccount.objects.get(user=world.employee).provider.startswith("saml-")


def test_saml_with_pasted_metadata_xml(world: Any, saml: Any):
    configure(
        world,
        saml_metadata_url="",
        saml_metadata_xml=saml.metadata(),
        saml_entity_id=saml.entity_id,
        saml_sso_url=saml.sso_url,
        saml_certificate=saml.keys.cert_body,
    )
    saml.sign_in_as("max@acme.test", "Max", "Manager")
    client = Client(HTTP_HOST="testserver")
    saml_sign_in(client, saml, "max@acme.test")
    assert _logged_in_as(client) == "max@acme.test"


def test_saml_refuses_a_response_changed_after_signing(world: Any, saml: Any):
    saml.sign_in_as("emma@acme.test", "Emma", "Employee")
    saml.tamper = lambda xml: xml.replace("emma@acme.test", "olivia@acme.test")
    client = Client(HTTP_HOST="testserver")
    response = saml_sign_in(client, saml, "emma@acme.test")
    assert 400 <= response.status_code < 500
    assert client.get("/home/").status_code == 302
    assert not SocialAccount.objects.exists()


def test_saml_refuses_a_response_signed_with_another_key(world: Any, saml: Any):
    from tests.sso.idp_keys import make_keypair

    saml.signing_keys = make_keypair("Impostor")
    saml.sign_in_as("olivia@acme.test", "Olivia", "Owner")
    client = Client(HTTP_HOST="testserver")
    saml_sign_in(client, saml, "olivia@acme.test")
    assert client.get("/home/").status_code == 302


def test_start_page_sends_known_domains_to_their_provider_and_explains_others(
    world: Any, oidc: Any
):
    client = Client()
    unknown = client.post("/accounts/company-sign-in/", {"email": "someone@example.org"})
    assert unknown.status_code == 200
    assert b"No organization signs in with a company account at example.org" in unknown.content
    known = to_identity_provider(client, "Max@Acme.test")
    assert known.startswith(oidc.issuer + "/authorize?")
    assert "client_id=clb-test-client" in known


def test_no_page_lists_other_organizations_identity_providers(world: Any, oidc: Any):
    from allauth.socialaccount.adapter import get_adapter

    assert get_adapter().list_providers(None) == []
    page = Client().get("/accounts/login/")
    assert b"Acme" not in page.content
    assert b"Sign in with your company account" in page.content


# --- password login off ---------------------------------------------------------------------


@pytest.fixture
def enforced(world: Any, oidc: Any) -> Any:
    configure(world, password_login=False)
    return oidc


def test_password_login_is_refused_when_turned_off(world: Any, enforced: Any):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "emma@acme.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert b"Acme signs in with its company account" in response.content
    assert client.get("/home/").status_code == 302


def test_owners_keep_password_login_and_it_is_audited(world: Any, enforced: Any):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "olivia@acme.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert _logged_in_as(client) == "olivia@acme.test"
    with scope(world.acme):
        entry = AuditEntry.objects.get(action="sign_in.password_by_owner")
        assert entry.actor == world.owner


def test_a_password_session_of_a_member_must_sign_in_through_the_company(world: Any, enforced: Any):
    client = world.client_for(world.employee)  # e.g. logged in before password login went off
    response = client.get("/people/me/")
    assert response.status_code == 302 and response["Location"] == "/organization/sign-in/required/"
    page = client.get("/organization/sign-in/required/")
    assert b"Acme signs in with its company account" in page.content
    enforced.sign_in_as("emma@acme.test")
    oidc_sign_in(client, enforced, "emma@acme.test")
    assert client.get("/people/me/").status_code == 200


def test_password_login_turned_off_applies_to_sessions_already_open(world: Any, oidc: Any):
    """The gate reads the settings on every request: no web process keeps an old answer
    (a cached "not enforced" would let this session through after HR's change)."""
    client = world.client_for(world.employee)
    assert client.get("/people/me/").status_code == 200
    configure(world, password_login=False)
    response = client.get("/people/me/")
    assert response.status_code == 302 and response["Location"] == "/organization/sign-in/required/"
    configure(world, password_login=True)
    assert client.get("/people/me/").status_code == 200


def test_turning_password_login_off_needs_company_sign_in_on(world: Any):
    from sso.services import SignInError

    with pytest.raises(SignInError, match="Verify at least one e-mail domain"):
        configure(
            world,
            protocol="oidc",
            oidc_issuer="https://idp.example.com",
            oidc_client_id="x",
            oidc_client_secret="y",
            enabled=True,
        )
    with pytest.raises(SignInError, match="Turn company sign-in on before"):
        configure(world, password_login=False)


# --- the settings page ------------------------------------------------------------------------


def test_the_client_secret_is_write_only_and_encrypted(world: Any, oidc: Any):
    from sso.models import SignInSettings

    page = world.client_for(world.owner).get("/organization/sign-in/")
    assert page.status_code == 200
    assert oidc.client_secret.encode() not in page.content
    assert b"A secret is saved" in page.content
    with unscoped():
        stored = SignInSettings.objects.get(organization=world.acme).oidc_client_secret
        log = list(AuditEntry.objects.filter(action="sign_in.settings_changed"))
    assert stored and oidc.client_secret not in stored
    assert all(oidc.client_secret not in repr(e.changes) for e in log)
    assert any(e.changes.get("oidc_client_secret") == ["", "(changed)"] for e in log)


def test_owner_saves_settings_and_an_empty_secret_keeps_the_saved_one(world: Any, oidc: Any):
    from sso.crypto import decrypt
    from sso.models import SignInSettings

    client = world.client_for(world.owner)
    with unscoped():
        row = SignInSettings.objects.get(organization=world.acme)
    response = client.post(
        "/organization/sign-in/",
        {
            "revision": row.revision,
            "protocol": "oidc",
            "oidc_issuer": oidc.issuer,
            "oidc_client_id": oidc.client_id,
            "oidc_client_secret": "",
            "enabled": "on",
            "join_on_sign_in": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with unscoped():
        row.refresh_from_db()
    assert row.join_on_sign_in and decrypt(row.oidc_client_secret) == oidc.client_secret
    stale = client.post(
        "/organization/sign-in/", {"revision": row.revision - 1, "protocol": "oidc"}
    )
    assert b"Someone else changed these settings" in stale.content


def test_hr_admins_see_the_settings_but_cannot_change_them(world: Any, oidc: Any):
    client = world.client_for(world.hr)
    assert client.get("/organization/sign-in/").status_code == 200
    assert client.post("/organization/sign-in/", {"revision": 0}).status_code == 403
    assert client.get("/organization/sign-in/provisioning/").status_code == 403
    assert world.client_for(world.employee).get("/organization/sign-in/").status_code == 403


def test_identity_provider_urls_must_be_public_https_in_production(settings: Any):
    from django.core.exceptions import ValidationError

    from sso.forms import check_provider_url

    settings.SSO_ALLOW_LOCAL_URLS = False
    assert check_provider_url("https://acme.okta.com") == "https://acme.okta.com"
    for bad in (
        "http://acme.okta.com",
        "https://127.0.0.1/",
        "https://10.0.0.5/",
        "https://localhost/",
        "https://[::1]/",
        "https://169.254.169.254/",
    ):
        with pytest.raises(ValidationError):
            check_provider_url(bad)


# --- e-mail domains ---------------------------------------------------------------------------


def test_domains_are_verified_by_their_dns_record(world: Any):
    from sso.domains import StaticVerifier
    from sso.services import SignInError, add_domain, verify_domain

    with scope(world.acme):
        item = add_domain(world.acme, actor=world.owner, domain="  Acme.TEST ")
        assert item.domain == "acme.test"
        with pytest.raises(SignInError, match="could not find the TXT record"):
            verify_domain(item, actor=world.owner)
        StaticVerifier.records[item.txt_name] = ["something else", item.txt_value]
        assert verify_domain(item, actor=world.owner).is_verified
        with pytest.raises(SignInError, match="public e-mail service"):
            add_domain(world.acme, actor=world.owner, domain="gmail.com")
    with scope(world.globex), pytest.raises(SignInError, match="verified by another"):
        add_domain(world.globex, actor=world.outsider, domain="acme.test")


def test_owner_adds_and_checks_a_domain_on_the_page(world: Any):
    from sso.domains import StaticVerifier
    from sso.models import EmailDomain

    client = world.client_for(world.owner)
    client.post("/organization/sign-in/domains/", {"domain": "acme.test"})
    with unscoped():
        item = EmailDomain.objects.get(organization=world.acme)
    page = client.get("/organization/sign-in/").content.decode()
    assert item.txt_name in page and item.txt_value in page
    StaticVerifier.records[item.txt_name] = [item.txt_value]
    client.post(f"/organization/sign-in/domains/{item.public_id}/verify/")
    with unscoped():
        item.refresh_from_db()
    assert item.is_verified
    assert (
        world.client_for(world.hr)
        .post("/organization/sign-in/domains/", {"domain": "x.test"})
        .status_code
        == 403
    )


def test_operator_verifies_a_domain_by_command(world: Any):
    from django.core.management import call_command

    from sso.models import EmailDomain

    call_command("verify_domain", "acme", "acme.test")
    with unscoped():
        assert EmailDomain.objects.get(organization=world.acme).verified_how == "operator command"


def test_only_web_addresses_are_followed_to_the_provider(world: Any, oidc: Any, monkeypatch: Any):
    """The authorization endpoint comes from the provider's discovery document, which the
    organization controls: a javascript: address is never put in the page's link."""
    real = oidc.discovery

    def evil() -> dict:
        return {**real(), "authorization_endpoint": "javascript:alert(document.domain)//"}

    monkeypatch.setattr(oidc, "discovery", evil)
    response = Client().post("/accounts/company-sign-in/", {"email": "emma@acme.test"})
    assert response.status_code in (400, 404)  # Django's redirect refuses it first
    assert b"javascript:" not in response.content
