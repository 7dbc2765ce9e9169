"""Test identity providers' plumbing: a signing key and self-signed certificate made at
test time (nothing committed), and a loopback HTTP server."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class KeyPair:
    key: rsa.RSAPrivateKey
    key_pem: str
    cert_pem: str

    @property
    def cert_body(self) -> str:
        """The certificate as identity providers paste it: base64, no armour."""
        lines = self.cert_pem.strip().splitlines()
        return "".join(line for line in lines if "CERTIFICATE" not in line)


def make_keypair(name: str = "Local test IdP") -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return KeyPair(key, key_pem, cert.public_bytes(serialization.Encoding.PEM).decode())


@cache
def shared_keypair(name: str) -> KeyPair:
    return make_keypair(name)


class LoopbackServer:
    """An HTTP server on 127.0.0.1 (a free port) in a thread, as a context manager."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
