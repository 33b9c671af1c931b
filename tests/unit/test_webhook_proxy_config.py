"""Which proxy a webhook target goes through: the standard variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, either
case), Canon's own settings that override them, and the NO_PROXY rules. Pure: environments are plain mappings."""

from __future__ import annotations

import base64

import pytest

from service.config import Settings
from service.webhooks.proxy import NoProxy, Proxies, ProxyServer, parse_proxy_url


def route(proxies: Proxies, url: str) -> str:
    """Where a target goes: "direct" or the proxy's host:port."""
    scheme, _, rest = url.partition("://")
    authority = rest.split("/", 1)[0]
    host, _, port = authority.rpartition(":") if authority.count(":") == 1 or "]:" in authority else (authority, "", "")
    host = host.strip("[]").lower()
    chosen = proxies.for_target(scheme, host, int(port) if port else (443 if scheme == "https" else 80))
    return "direct" if chosen is None else chosen.label


def test_each_scheme_takes_its_own_variable_and_lowercase_wins() -> None:
    proxies = Proxies.from_environment(
        {"HTTP_PROXY": "http://upper:3128", "http_proxy": "http://lower:3128", "HTTPS_PROXY": "http://tls:8080"}
    )
    assert route(proxies, "http://hooks.example.com/x") == "lower:3128"
    assert route(proxies, "https://hooks.example.com/x") == "tls:8080"
    only_http = Proxies.from_environment({"HTTP_PROXY": "http://upper:3128"})
    assert route(only_http, "https://hooks.example.com/x") == "direct"  # HTTP_PROXY is for http targets only
    assert route(Proxies.from_environment({}), "https://hooks.example.com/x") == "direct"


def test_empty_variables_count_as_unset() -> None:
    proxies = Proxies.from_environment({"https_proxy": " ", "HTTPS_PROXY": "http://tls:8080", "no_proxy": ""})
    assert route(proxies, "https://hooks.example.com/") == "tls:8080"


def test_canon_settings_override_the_environment() -> None:
    environment = {"HTTPS_PROXY": "http://tls:8080", "NO_PROXY": "example.com"}
    ours = Proxies.from_environment(environment, proxy="http://egress.internal:3128", no_proxy="partner.test")
    assert route(ours, "http://hooks.example.com/") == "egress.internal:3128"
    assert route(ours, "https://hooks.example.com/") == "egress.internal:3128"  # NO_PROXY replaced, not merged
    assert route(ours, "https://api.partner.test/") == "direct"
    direct = Proxies.from_environment(environment, proxy="direct")
    assert route(direct, "https://hooks.elsewhere.org/") == "direct"


@pytest.mark.parametrize(
    ("no_proxy", "url", "bypassed"),
    [
        ("*", "https://anything.example/", True),
        ("example.com", "https://example.com/", True),
        ("example.com", "https://hooks.EXAMPLE.com./", True),  # case and a trailing dot do not matter
        ("example.com", "https://badexample.com/", False),  # a domain, not a string suffix
        (".example.com", "https://example.com/", True),  # a leading dot changes nothing (curl, Python)
        ("*.example.com", "https://a.b.example.com/", True),
        ("example.com:8443", "https://example.com:8443/", True),
        ("example.com:8443", "https://example.com/", False),  # a port narrows the entry to that port
        (" foo.test ,  example.com ", "https://example.com/", True),
        ("10.1.2.3", "http://10.1.2.3:8080/", True),
        ("10.0.0.0/8", "http://10.200.0.1/", True),
        ("10.0.0.0/8", "http://11.0.0.1/", False),
        ("10.0.0.0/8", "http://internal.example/", False),  # names are not resolved to compare with addresses
        ("::1", "http://[::1]:8080/", True),
        ("[::1]:8080", "http://[::1]:8080/", True),
        ("[::1]:8080", "http://[::1]:9090/", False),
        ("fd00::/8", "http://[fd12::1]/", True),
        ("localhost", "http://127.0.0.1/", False),  # no implicit loopback bypass: name the address to bypass it
        ("", "https://example.com/", False),
    ],
)
def test_no_proxy_entries(no_proxy: str, url: str, bypassed: bool) -> None:
    proxies = Proxies.from_environment({"HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://p:1", "NO_PROXY": no_proxy})
    assert (route(proxies, url) == "direct") is bypassed


def test_malformed_no_proxy_entries_are_ignored_and_reported() -> None:
    rules = NoProxy.parse("192.168.*, <local>, example.com:http, ok.example")
    assert rules.ignored == ("192.168.*", "<local>", "example.com:http")
    assert rules.matches("ok.example", 443)
    proxies = Proxies.from_environment({"HTTPS_PROXY": "http://p:1", "no_proxy": "<local>"})
    assert "ignored as malformed: <local>" in proxies.describe()


def test_proxy_urls() -> None:
    assert parse_proxy_url("http://proxy.internal:3128", "V") == ProxyServer("proxy.internal", 3128)
    assert parse_proxy_url("proxy.internal:3128", "V") == ProxyServer("proxy.internal", 3128)  # no scheme: http
    assert parse_proxy_url("http://proxy.internal/", "V") == ProxyServer("proxy.internal", 80)
    assert parse_proxy_url("http://[fd00::3]:3128", "V").label == "[fd00::3]:3128"
    with_credentials = parse_proxy_url("http://canon%40acme:p%40ss%3Aword@proxy:3128", "V")
    assert with_credentials.authorization == "Basic " + base64.b64encode(b"canon@acme:p@ss:word").decode()
    assert "p@ss" not in repr(with_credentials)
    assert "p%40ss" not in repr(with_credentials)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:hunter2@proxy:3128", "HTTPS_PROXY: the proxy's URL must start with http:// (got https://)"),
        ("socks5://user:hunter2@proxy:1080", "HTTPS_PROXY: the proxy's URL must start with http:// (got socks5://)"),
        ("http://user:hunter2@proxy:99999", "HTTPS_PROXY: the proxy's port is not a number between 1 and 65535"),
        ("http://user:hunter2@proxy:3128/path", "HTTPS_PROXY: the proxy's URL has a path"),
    ],
)
def test_a_malformed_proxy_url_is_refused_without_repeating_it(url: str, message: str) -> None:
    with pytest.raises(ValueError, match="HTTPS_PROXY") as refused:
        Proxies.from_environment({"HTTPS_PROXY": url})
    assert str(refused.value).startswith(message)
    assert "hunter2" not in str(refused.value)


def test_settings_check_canon_s_own_proxy_variables_at_start_up() -> None:
    settings = Settings.from_env({"CANON_WEBHOOK_PROXY": "http://egress:3128", "CANON_WEBHOOK_NO_PROXY": ".svc"})
    assert (settings.webhook_proxy, settings.webhook_no_proxy) == ("http://egress:3128", ".svc")
    assert Settings.from_env({"CANON_WEBHOOK_PROXY": "direct"}).webhook_proxy == "direct"
    with pytest.raises(ValueError, match=r"^CANON_WEBHOOK_PROXY: the proxy's URL must start with http://") as bad:
        Settings.from_env({"CANON_WEBHOOK_PROXY": "https://u:hunter2@egress:3128"})
    assert "hunter2" not in str(bad.value)
    with pytest.raises(ValueError, match=r"^CANON_WEBHOOK_NO_PROXY: .*192\.168\.\*"):
        Settings.from_env({"CANON_WEBHOOK_NO_PROXY": "example.com,192.168.*"})
