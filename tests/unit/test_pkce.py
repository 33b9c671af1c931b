"""PKCE (RFC 7636): the S256 challenge of a code verifier, checked against the RFC's own example (Appendix B)."""

from __future__ import annotations

from service.identity.oidc import pkce_challenge


def test_the_s256_challenge_is_the_rfcs_example() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
