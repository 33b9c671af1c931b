"""Identity providers on loopback for single sign-on tests, each a process of its own:

- `oidc_provider`: the `oidc-provider-mock` OpenID Connect server (authorization code flow, discovery, JWKS), whose
  ID tokens Canon must accept;
- `static_issuer`: discovery and JWKS files served by `python -m http.server`, with the private key in the test's
  hands, so a test can sign tokens a real provider would never issue (expired, not yet valid, for another issuer
  or audience) with a key Canon trusts.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.webhook_fixtures import free_port

AUDIENCE = "canon-tests"
REDIRECT = "http://127.0.0.1/callback"


@contextlib.contextmanager
def _serving(argv: list[str], ready_url: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{argv!r} exited with status {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(ready_url, timeout=1.0, trust_env=False).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{ready_url} never answered")
            time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Provider:
    """The running `oidc-provider-mock`: `issuer` is its base URL."""

    issuer: str

    def id_token(self, subject: str, claims: dict[str, Any], *, client_id: str = AUDIENCE) -> str:
        """Sign `subject` in through the authorization code flow and return the ID token the provider issues."""
        with httpx.Client(base_url=self.issuer, trust_env=False, timeout=10) as http:
            assert http.put(f"/users/{subject}", json=claims).status_code == 204
            query = {
                "client_id": client_id,
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "scope": "openid email profile",
                "state": "s",
                "nonce": "n",
            }
            authorized = http.post("/oauth2/authorize", params=query, data={"sub": subject})
            assert authorized.status_code == 302, authorized.text
            code = parse_qs(urlsplit(authorized.headers["location"]).query)["code"][0]
            token = http.post(
                "/oauth2/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT,
                    "client_id": client_id,
                    "client_secret": "any",
                },
            )
            assert token.status_code == 200, token.text
            id_token: str = token.json()["id_token"]
            return id_token

    def public_keys(self) -> dict[str, Any]:
        found: dict[str, Any] = httpx.get(f"{self.issuer}/jwks", trust_env=False, timeout=10).json()
        return found


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    port = free_port()
    # -W ignore: the mock's own dependencies warn about their deprecations on stderr, which nobody reads here.
    argv = [sys.executable, "-W", "ignore", "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    issuer = f"http://127.0.0.1:{port}"
    with _serving(argv, f"{issuer}/.well-known/openid-configuration"):
        yield Provider(issuer=issuer)


@dataclass(frozen=True)
class StaticIssuer:
    """An issuer whose signing key the test holds."""

    issuer: str
    key: RSAKey

    def token(self, claims: dict[str, Any], *, header: dict[str, Any] | None = None, key: Any = None) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": AUDIENCE, "iat": now, "exp": now + 300, **claims}
        signed: str = jwt.encode(header or {"alg": "RS256", "kid": self.key.kid}, payload, key or self.key)
        return signed


@pytest.fixture(scope="session")
def static_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticIssuer]:
    with serving_issuer(tmp_path_factory.mktemp("issuer")) as issuer:
        yield issuer


def publish_keys(folder: Path, *keys: RSAKey) -> None:
    """What the issuer's `jwks_uri` serves from now on."""
    (folder / "jwks.json").write_text(json.dumps(KeySet(list(keys)).as_dict(private=False)))


@contextlib.contextmanager
def serving_issuer(folder: Path) -> Iterator[StaticIssuer]:
    """A static issuer serving `folder` (its discovery document and JWKS) over HTTP on loopback."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    key = RSAKey.generate_key(2048, parameters={"kid": "static-1", "use": "sig", "alg": "RS256"})
    (folder / ".well-known").mkdir()
    discovery = {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/jwks.json",
        "id_token_signing_alg_values_supported": ["RS256"],
    }
    (folder / ".well-known" / "openid-configuration").write_text(json.dumps(discovery))
    publish_keys(folder, key)
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    with _serving(argv, f"{issuer}/jwks.json"):
        yield StaticIssuer(issuer=issuer, key=key)
