"""A small but real SAML 2.0 identity provider on loopback, for the tests.

It publishes metadata with its signing certificate, receives the product's
AuthnRequest over the HTTP-Redirect binding (deflated, base64), and answers with a
Response whose Assertion is signed with xmlsec (through python3-saml's signer, RSA-SHA256)
for whoever the test says is "logged in at the IdP". The answer is an HTML page with the
form the browser posts to the product's ACS URL (HTTP-POST binding); tests without a
browser read the form with `post_form()`."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import secrets
import zlib
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.request import urlopen

from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from tests.sso.idp_keys import KeyPair, LoopbackServer, QuietHandler, shared_keypair

ATTR = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"


def _instant(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class LocalSamlIdp(LoopbackServer):
    def __init__(self, keys: KeyPair | None = None) -> None:
        self.keys = keys or shared_keypair("saml")
        self.user: dict[str, str] | None = None
        self.requests: list[dict[str, str]] = []
        self.tamper: Any = None  # a function that edits the signed response XML (tests)
        self.signing_keys: KeyPair | None = None  # sign with another key (tests)
        super().__init__(self._handler())
        self.entity_id = f"{self.base}/metadata"
        self.sso_url = f"{self.base}/sso"

    def sign_in_settings(self) -> dict[str, str]:
        """Acme's company sign-in settings for this IdP."""
        return {
            "protocol": "saml",
            "saml_metadata_url": self.entity_id,
            "saml_entity_id": self.entity_id,
        }

    def sign_in_as(self, email: str, given: str = "", family: str = "") -> None:
        self.user = {"email": email, "given": given, "family": family}

    def metadata(self) -> str:
        return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{self.entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{self.keys.cert_body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{self.sso_url}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""

    def response_for(self, saml_request: str) -> tuple[str, str]:
        """(ACS URL, base64 SAMLResponse) for an HTTP-Redirect AuthnRequest."""
        xml = zlib.decompress(base64.b64decode(saml_request), -15).decode()
        request_id = re.search(r'\sID="([^"]+)"', xml)[1]  # type: ignore[index]
        acs = re.search(r'AssertionConsumerServiceURL="([^"]+)"', xml)[1]  # type: ignore[index]
        sp_entity = re.search(r"<saml:Issuer>([^<]+)</saml:Issuer>", xml)[1]  # type: ignore[index]
        acs, sp_entity = html.unescape(acs), html.unescape(sp_entity)
        self.requests.append({"id": request_id, "acs": acs, "sp": sp_entity})
        assert self.user is not None, "nobody is signed in at the test IdP"
        now = dt.datetime.now(dt.UTC)
        later, before = (
            _instant(now + dt.timedelta(minutes=5)),
            _instant(now - dt.timedelta(minutes=1)),
        )
        user = {k: html.escape(v) for k, v in self.user.items()}
        assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_a{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}"><saml:Issuer>{self.entity_id}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{user["email"]}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="{request_id}" NotOnOrAfter="{later}" Recipient="{acs}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{before}" NotOnOrAfter="{later}"><saml:AudienceRestriction><saml:Audience>{sp_entity}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_s{secrets.token_hex(8)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="{ATTR}emailaddress"><saml:AttributeValue xsi:type="xs:string">{user["email"]}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="{ATTR}givenname"><saml:AttributeValue xsi:type="xs:string">{user["given"]}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="{ATTR}surname"><saml:AttributeValue xsi:type="xs:string">{user["family"]}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"""
        signer = self.signing_keys or self.keys
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion,
            signer.key_pem,
            signer.cert_pem,
            sign_algorithm=C.RSA_SHA256,
            digest_algorithm=C.SHA256,
        )
        signed_text = signed.decode() if isinstance(signed, bytes) else signed
        signed_text = re.sub(r"^<\?xml[^>]*\?>\s*", "", signed_text)
        response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}" Destination="{acs}" InResponseTo="{request_id}"><saml:Issuer>{self.entity_id}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{signed_text}</samlp:Response>"""
        if self.tamper is not None:
            response = self.tamper(response)
        return acs, base64.b64encode(response.encode()).decode()

    def post_form(self, location: str) -> tuple[str, dict[str, str]]:
        """Follow the product's redirect to the IdP like a browser: (ACS URL, form data)."""
        with urlopen(location, timeout=10) as answer:  # noqa: S310 (loopback test IdP)
            page = answer.read().decode()
        action = html.unescape(re.search(r'action="([^"]+)"', page)[1])  # type: ignore[index]
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page))
        return action, {k: html.unescape(v) for k, v in fields.items()}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(QuietHandler):
            def _send(self, body: str, content_type: str) -> None:
                self.reply(body.encode(), content_type)

            def do_GET(self) -> None:
                url, query = self.url_and_query()
                if url.path == "/metadata":
                    return self._send(idp.metadata(), "application/samlmetadata+xml")
                if url.path == "/sso":
                    acs, response = idp.response_for(query["SAMLRequest"])
                    relay = html.escape(query.get("RelayState", ""))
                    page = f"""<!doctype html><title>Local test IdP</title>
<form method="post" action="{html.escape(acs)}"><input type="hidden" name="SAMLResponse" value="{response}"><input type="hidden" name="RelayState" value="{relay}"><button id="continue">Continue to the application</button></form>"""
                    return self._send(page, "text/html")
                self.send_response(404)
                self.end_headers()

        return Handler
