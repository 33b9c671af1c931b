"""The yardstick of `bench/read_path.py`: one Litestar GET route that returns a small JSON dict, nothing else.

It is served exactly as `canon serve` serves Canon: `uvicorn.run` of an app factory, 1 worker, `log_level="warning"`,
`proxy_headers=True`, on the same host. `MINIMAL_BODY_BYTES` pads the JSON to about the size of the Canon response
being compared, so both answers put the same number of bytes on the wire.

    .venv/bin/python bench/minimal_app.py --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar, get

PATH = "/v1/minimal"


def payload(size: int) -> dict[str, Any]:
    """A definition-like dict whose JSON encoding is `size` bytes (or its natural size, if that is larger)."""
    data: dict[str, Any] = {
        "id": "00000000-0000-0000-0000-000000000000",
        "kind": "definition",
        "slug": "minimal",
        "title": "Minimal",
        "tags": ["funnel", "glossary"],
        "current_version": 1,
        "version": {"number": 1, "status": "published", "content": {"summary": "", "body": ""}},
    }
    missing = size - len(msgspec.json.encode(data))
    data["version"]["content"]["body"] = "x" * max(missing, 0)
    return data


def create_app() -> Litestar:
    body = payload(int(os.environ.get("MINIMAL_BODY_BYTES", "1500")))

    @get(PATH)
    async def minimal() -> dict[str, Any]:
        return body

    return Litestar(route_handlers=[minimal], debug=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    # The same call `canon serve` makes (service/cli.py), with this module's factory.
    uvicorn.run(
        "minimal_app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=1,
        log_level="warning",
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
