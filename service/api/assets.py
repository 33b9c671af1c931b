"""`/v1/assets`: the shared entry routes plus file upload (streamed or direct to S3) and download."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import unquote

from litestar import Response, Router, post, put, route
from litestar.params import HeaderParameter, JSONBody, QueryParameter
from litestar.response import Redirect, Stream

from service.api.acknowledgements import acknowledgement_routes
from service.api.deps import (
    ACCEPTS_DOWNLOAD_LINKS,
    Assets,
    Caller,
    Downloader,
    HttpRequest,
    LinkExpires,
    LinkSignature,
    SlugPath,
    VersionPath,
)
from service.api.entries import (
    ASSET_ROUTES,
    ENTRY_HEADERS,
    READ_METHODS,
    WRITES,
    AsOf,
    IfMatchRequired,
    IfNoneMatch,
    KnownAt,
    VersionQuery,
    entry_response,
    entry_router,
    operation_ids,
    parse_as_of,
)
from service.api.openapi_document import (
    BINARY,
    REQUEST_BODY,
    REQUEST_BODY_DESCRIPTION,
    RESPONSES,
    header,
    problem,
)
from service.api.problems import READ_PROBLEMS, problem_response, problem_responses
from service.api.schemas import Asset
from service.blobs.base import content_disposition
from service.domain import media_types
from service.domain.kinds import FILE_NAME_PATTERN
from service.domain.operations import DirectUploadComplete, DirectUploadStart
from service.usecases import assets, linked_downloads
from service.usecases.assets import AssetContext, DirectUpload, Download

FileNameQuery = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=255,
        schema_extra={"pattern": FILE_NAME_PATTERN},  # documented; the use case says what is wrong with a name
        description="The file's name (else Content-Disposition's).",
    ),
]
_RANGE = re.compile(r"^bytes=(?=\d|-\d)(\d*)-(\d*)$")  # a-b, a- or -n: at least one number
_FILENAME = re.compile(r"filename\*=UTF-8''([^;]+)|filename=\"([^\"]*)\"|filename=([^;\s]+)", re.IGNORECASE)


_FILE_HEADERS = {
    "ETag": header("The file's SHA-256, quoted: send it as If-None-Match to get 304 while it is current."),
    "Content-Disposition": header("`attachment` with the file's name."),
    "Accept-Ranges": header("`bytes`: ranges are served.", {"type": "string", "enum": ["bytes"]}),
}
_FILE = {"content": {media_type: {"schema": BINARY} for media_type in media_types.ACCEPTED}}
DOWNLOAD_RESPONSES = {
    200: {"description": "The whole file, as its type.", "headers": _FILE_HEADERS, **_FILE},
    206: {
        "description": "The bytes of the range asked for.",
        "headers": {**_FILE_HEADERS, "Content-Range": header("`bytes first-last/size`.")},
        **_FILE,
    },
    304: {"description": "Not modified: the If-None-Match tag is the file's.", "headers": _FILE_HEADERS},
    307: {
        "description": "The file is in object storage: fetch it from `Location`, a presigned URL valid for minutes.",
        "headers": {"Location": header("The presigned URL.", {"type": "string", "format": "uri"})},
    },
    410: problem("The asset has expired or was retired: its file is no longer served."),
    416: {
        **problem("The file has none of the bytes of the range asked for."),
        "headers": {"Content-Range": header("`bytes */size`.")},
    },
}


def _declared_file_name(content_disposition: str | None, query: str | None) -> str | None:
    if query:
        return query
    found = [match.groups() for match in _FILENAME.finditer(content_disposition or "")]
    # `filename*` (the exact name) wins over the ASCII `filename` fallback, whichever comes first (RFC 6266 4.3).
    encoded = next((groups[0] for groups in found if groups[0]), None)
    if encoded:
        return unquote(encoded)
    return next((quoted or bare for _, quoted, bare in found), None)


def _declared_size(request: HttpRequest) -> int | None:
    raw = request.headers.get("content-length")
    return int(raw) if raw and raw.isdigit() else None


@put(
    "/{slug:str}/versions/{number:int}/content",
    operation_id="upload_asset_content",
    summary="Upload a draft's file: the body is streamed to storage (If-Match; Content-Type must match the bytes)",
    responses=WRITES,
    response_headers=ENTRY_HEADERS,
    request_max_body_size=None,  # streamed in constant memory; the asset limit applies instead
    opt={
        "raw_body": True,
        REQUEST_BODY: dict.fromkeys(media_types.ACCEPTED, BINARY),
        REQUEST_BODY_DESCRIPTION: "The file's bytes, sent as its Content-Type (415 when the bytes say otherwise).",
    },
    status_code=200,
)
async def upload_content(
    request: HttpRequest,
    principal: Caller,
    asset_context: Assets,
    slug: SlugPath,
    number: VersionPath,
    file_name: FileNameQuery = None,
    content_disposition: Annotated[
        str | None,
        HeaderParameter(name="Content-Disposition", description="`attachment; filename*=UTF-8''…`: the file's name."),
    ] = None,
    if_match: IfMatchRequired = None,
) -> Response[Asset]:
    view = await assets.upload(
        asset_context,
        principal,
        slug,
        number,
        if_match,
        content_type=request.headers.get("content-type"),
        file_name=_declared_file_name(content_disposition, file_name),
        declared_size=_declared_size(request),
        chunks=request.stream(),
    )
    return entry_response(view)


@post(
    "/{slug:str}/versions/{number:int}/upload-url",
    operation_id="start_asset_direct_upload",
    summary="For large files: a presigned URL to PUT the file straight to object storage",
    responses=WRITES,
    status_code=201,
)
async def start_direct_upload(
    principal: Caller,
    asset_context: Assets,
    slug: SlugPath,
    number: VersionPath,
    data: JSONBody[DirectUploadStart],
) -> DirectUpload:
    return await assets.start_direct_upload(
        asset_context,
        principal,
        slug,
        number,
        file_name=data.file_name,
        content_type=data.content_type,
        size=data.size,
        sha256=data.sha256,
    )


@post(
    "/{slug:str}/versions/{number:int}/upload-complete",
    operation_id="complete_asset_direct_upload",
    summary="Verify a direct upload's size and SHA-256 and attach it to the draft (If-Match)",
    responses=WRITES,
    response_headers=ENTRY_HEADERS,
    status_code=200,
)
async def complete_direct_upload(
    principal: Caller,
    asset_context: Assets,
    slug: SlugPath,
    number: VersionPath,
    data: JSONBody[DirectUploadComplete],
    if_match: IfMatchRequired = None,
) -> Response[Asset]:
    view = await assets.complete_direct_upload(asset_context, principal, slug, number, if_match, data.upload_id)
    return entry_response(view)


@route(
    "/{slug:str}/content",
    http_method=READ_METHODS,
    operation_id=operation_ids("download_asset_content", "head_asset_content"),
    summary="The file of the version in effect (?version=N, ?as_of=, ?known_at=): 307 to storage, or the bytes",
    responses=problem_responses((*READ_PROBLEMS, 410)),
    opt={RESPONSES: DOWNLOAD_RESPONSES, ACCEPTS_DOWNLOAD_LINKS: True},
)
async def download_content(
    request: HttpRequest,
    downloader: Downloader,
    asset_context: Assets,
    slug: SlugPath,
    version: VersionQuery = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    expires: LinkExpires = None,
    signature: LinkSignature = None,
    if_none_match: IfNoneMatch = None,
    range_header: Annotated[
        str | None,
        HeaderParameter(
            name="Range",
            max_length=200,
            description="One range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`: 206 with those bytes, 416 "
            "when the file has none of them. Other forms are ignored (the whole file).",
        ),
    ] = None,
) -> Response[Any]:
    """With an API key, or as a search hit's signed download link (`version`, `expires`, `signature`; no
    Authorization header needed), which serves its version while it is still the one in effect and unexpired."""
    found = await linked_downloads.download(
        asset_context,
        downloader,
        slug,
        version,
        as_of=parse_as_of(as_of),
        known_at=parse_as_of(known_at, "known_at"),
    )
    if found.redirect is not None:
        return Redirect(found.redirect, status_code=307, headers={"Cache-Control": "no-store"})
    return _stream(request, asset_context, found, range_header, if_none_match)


def _stream(
    request: HttpRequest, context: AssetContext, found: Download, range_header: str | None, if_none_match: str | None
) -> Response[Any]:
    """The bytes from the local store, honouring one `Range` and `If-None-Match` (the ETag is the SHA-256)."""
    tag = f'"{found.sha256}"'
    headers = {
        "ETag": tag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(found.file_name),
        "Cache-Control": "private, max-age=60",
    }
    if _matches(if_none_match, tag):
        return Response(b"", status_code=304, headers=headers)
    start, end = 0, found.size
    status = 200
    if range_header and _RANGE.match(range_header.strip()):
        parsed = _parse_range(range_header, found.size)
        if parsed is None:
            return problem_response(
                request,
                416,
                detail=f"the file has {found.size} bytes, none of them in the range {range_header.strip()!r}",
                headers={**headers, "Content-Range": f"bytes */{found.size}"},
            )
        start, end = parsed
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{found.size}"
    headers["Content-Length"] = str(end - start)
    return Stream(
        context.blobs.read(found.key, start, end), status_code=status, media_type=found.content_type, headers=headers
    )


def _matches(if_none_match: str | None, tag: str) -> bool:
    if not if_none_match:
        return False
    return any(t.strip() in ("*", tag, f"W/{tag}") for t in if_none_match.split(","))


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One `bytes=a-b`, `bytes=a-` or `bytes=-n` range as [start, end); None when it cannot be satisfied.
    A header of another form is not a range Canon serves: RFC 9110 asks to ignore it, and `_stream` does."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if first == "":
        length = int(last)
        return None if length == 0 else (max(size - length, 0), size)
    start = int(first)
    end = size if last == "" else min(int(last) + 1, size)
    return None if start >= size or end <= start else (start, end)


def assets_router() -> Router:
    return entry_router(
        ASSET_ROUTES,
        extra=[
            upload_content,
            start_direct_upload,
            complete_direct_upload,
            download_content,
            *acknowledgement_routes(ASSET_ROUTES.spec.name),
        ],
    )
