"""A Canon webhook receiver: it verifies every request with the Standard Webhooks library, answers at once, and does
the work afterwards, once per webhook-id.

    pip install standardwebhooks
    CANON_WEBHOOK_SECRET=whsec_... PORT=8080 python receiver.py
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

MAX_BODY_BYTES = 1_000_000  # Canon's payloads stay well under 20 kB

webhook = Webhook(os.environ["CANON_WEBHOOK_SECRET"])
# Canon delivers at least once. Keep the ids for a few days in real use: a unique key in your database.
handled_ids: set[str] = set()
handled_ids_lock = threading.Lock()
pending_work: queue.Queue[tuple[str, Any]] = queue.Queue()


def log(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def handle(webhook_id: str, event: Any) -> None:
    """Your work goes here. It runs after Canon has its answer, so it may take as long as it needs."""
    log(outcome="handled", webhook_id=webhook_id, type=event["type"], data=event["data"])


def work_forever() -> None:
    while True:
        handle(*pending_work.get())


def first_time(webhook_id: str) -> bool:
    with handled_ids_lock:
        seen = webhook_id in handled_ids
        handled_ids.add(webhook_id)
    return not seen


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self.answer(413)
            return
        body = self.rfile.read(length)  # the raw bytes: JSON parsed and serialised again would not verify
        try:
            event = webhook.verify(body, dict(self.headers))
        # Besides its own error, the library raises ValueError for a malformed signature header or a body that is
        # not JSON: both are as untrustworthy as a wrong signature.
        except (WebhookVerificationError, ValueError) as error:
            log(outcome="rejected", reason=str(error))
            self.answer(401)
            return
        webhook_id = self.headers["webhook-id"]
        if first_time(webhook_id):
            pending_work.put((webhook_id, event))
        else:
            log(outcome="duplicate", webhook_id=webhook_id)
        self.answer(204)

    def answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()


def main() -> None:
    threading.Thread(target=work_forever, daemon=True).start()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer((host, port), WebhookHandler)
    print(f"listening on http://{host}:{port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
