"""How the sender names a failed attempt: the errors its own code can raise, each as the label receivers see."""

from __future__ import annotations

import ssl

import h11
import pytest

from service.webhooks.network import UnsafeTarget
from service.webhooks.sender import describe_error


def _bad_status_line() -> h11.RemoteProtocolError:
    connection = h11.Connection(our_role=h11.CLIENT)
    connection.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "0")]))
    connection.send(h11.EndOfMessage())
    connection.receive_data(b"not http\r\n\r\n")
    with pytest.raises(h11.RemoteProtocolError) as raised:
        connection.next_event()
    return raised.value


def _tls_error() -> ssl.SSLError:
    error = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    error.reason = "WRONG_VERSION_NUMBER"  # set by the ssl module on the errors it raises
    return error


@pytest.mark.parametrize(
    ("error", "described"),
    [
        (
            UnsafeTarget("10.0.0.1 is not allowed (private address)"),
            "unsafe target: 10.0.0.1 is not allowed (private address)",
        ),
        (TimeoutError(), "timeout"),
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (ConnectionResetError("the server closed the connection without answering"), "connection reset"),
        (_tls_error(), "tls error: WRONG_VERSION_NUMBER"),
        (_bad_status_line(), "protocol error: illegal status line: bytearray(b'not http')"),
        (OSError(113, "No route to host"), "connection error: No route to host"),
        (BrokenPipeError(32, "Broken pipe"), "connection error: Broken pipe"),
        (
            ValueError("a webhook secret is 'whsec_' followed by base64"),
            "ValueError: a webhook secret is 'whsec_' followed by base64",
        ),
    ],
)
def test_each_failure_has_its_label(error: Exception, described: str) -> None:
    assert describe_error(error) == described
