"""A small but real OpenID Connect provider on loopback, for the tests.

It speaks the authorization-code flow over HTTP on 127.0.0.1: discovery, authorize
(it signs in whoever the test says is "logged in at the IdP", `provider.user`), token
(checks the client secret, the code, the redirect URI and PKCE), userinfo, and a JWKS
with the RSA key its RS256 ID tokens are signed with. The product talks to it exactly
as it would to Okta or Entra ID (allauth's openid_connect provider, `requests`)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from jwt.algorithms import RSAAlgorithm

from tests.sso.idp_keys import LoopbackServer, QuietHandler, shared_keypair


class LocalOidcProvider(LoopbackServer):
    def __init__(self, client_id: str = "clb-test-client", client_secret: str = "") -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.keys = shared_keypair("oidc")
        self.kid = "local-test-key"
        self.user: dict[str, Any] | None = None  # the claims of who is "logged in"
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, Any]] = []
        super().__init__(self._handler())
        self.issuer = self.base

    def sign_in_settings(self) -> dict[str, str]:
        """Acme's company sign-in settings for this provider."""
        return {
            "protocol": "oidc",
            "oidc_issuer": self.issuer,
            "oidc_client_id": self.client_id,
            "oidc_client_secret": self.client_secret,
        }

    def sign_in_as(self, email: str, name: str = "", **extra: Any) -> None:
        given, _, family = (name or email.split("@")[0]).partition(" ")
        self.user = {
            "sub": hashlib.sha256(email.encode()).hexdigest()[:20],
            "email": email,
            "email_verified": True,
            "name": name or email,
            "given_name": given,
            "family_name": family,
            **extra,
        }

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.keys.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def id_token(self, claims: dict[str, Any], nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            **claims,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
        }
        if nonce:
            payload["nonce"] = nonce
        return jwt.encode(payload, self.keys.key_pem, algorithm="RS256", headers={"kid": self.kid})

    # --- HTTP ---------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(QuietHandler):
            def _json(self, body: Any, status: int = 200) -> None:
                self.reply(json.dumps(body).encode(), "application/json", status)

            def do_GET(self) -> None:
                url, query = self.url_and_query()
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/jwks":
                    return self._json(provider.jwks())
                if url.path == "/authorize":
                    return self._authorize(query)
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.tokens.get(token)
                    if claims is None:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(claims)
                return self._json({"error": "not_found"}, 404)

            def _authorize(self, query: dict[str, str]) -> None:
                if (
                    query.get("client_id") != provider.client_id
                    or query.get("response_type") != "code"
                ):
                    return self._json({"error": "unauthorized_client"}, 400)
                if provider.user is None:
                    return self._json({"error": "login_required"}, 400)
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "claims": dict(provider.user),
                    "redirect_uri": query.get("redirect_uri"),
                    "nonce": query.get("nonce"),
                    "challenge": query.get("code_challenge"),
                }
                target = (
                    query["redirect_uri"]
                    + "?"
                    + urlencode({"code": code, "state": query.get("state", "")})
                )
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def do_POST(self) -> None:
                if urlsplit(self.path).path != "/token":
                    return self._json({"error": "not_found"}, 404)
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                client_id, secret = form.get("client_id"), form.get("client_secret")
                basic = self.headers.get("Authorization", "")
                if basic.startswith("Basic "):
                    raw = base64.b64decode(basic[6:]).decode()
                    client_id, _, secret = raw.partition(":")
                provider.token_requests.append({"client_id": client_id, "secret": secret})
                if client_id != provider.client_id or secret != provider.client_secret:
                    return self._json({"error": "invalid_client"}, 401)
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return self._json({"error": "invalid_grant"}, 400)
                if grant["challenge"]:
                    verifier = form.get("code_verifier", "")
                    digest = hashlib.sha256(verifier.encode()).digest()
                    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                    if expected != grant["challenge"]:
                        return self._json({"error": "invalid_grant"}, 400)
                access = secrets.token_urlsafe(24)
                provider.tokens[access] = grant["claims"]
                return self._json(
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(grant["claims"], grant["nonce"]),
                    }
                )

        return Handler
