from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...types import File, FileTypes
from ...types import UNSET, Unset
from io import BytesIO
from typing import cast
import datetime


def _get_kwargs(
    slug: str,
    *,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    expires: int | Unset = UNSET,
    signature: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    range_: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(range_, Unset):
        headers["Range"] = range_


    params: dict[str, Any] = {}

    params["version"] = version

    json_as_of: str | Unset
    if isinstance(as_of, Unset):
        json_as_of = UNSET
    elif isinstance(as_of, datetime.date):
        json_as_of = as_of.isoformat()
    else:
        json_as_of = as_of.isoformat()

    params["as_of"] = json_as_of

    json_known_at: str | Unset
    if isinstance(known_at, Unset):
        json_known_at = UNSET
    elif isinstance(known_at, datetime.date):
        json_known_at = known_at.isoformat()
    else:
        json_known_at = known_at.isoformat()

    params["known_at"] = json_known_at

    params["expires"] = expires

    params["signature"] = signature


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/assets/{slug}/content".format(slug=quote(str(slug), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | File | Problem | None:
    if response.status_code == 200:
        response_200 = File(
             payload = BytesIO(response.json())
        )


        return response_200

    if response.status_code == 206:
        response_206 = File(
             payload = BytesIO(response.json())
        )


        return response_206

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 307:
        response_307 = cast(Any, None)
        return response_307

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())


        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())


        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())


        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())


        return response_404

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())


        return response_410

    if response.status_code == 416:
        response_416 = Problem.from_dict(response.json())


        return response_416

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())


        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())


        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())


        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | File | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    expires: int | Unset = UNSET,
    signature: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    range_: str | Unset = UNSET,

) -> Response[Any | File | Problem]:
    """ The file of the version in effect (?version=N, ?as_of=, ?known_at=): 307 to storage, or the bytes

     With an API key, or as a search hit's signed download link (`version`, `expires`, `signature`; no
    Authorization header needed), which serves its version while it is still the one in effect and
    unexpired.

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        expires (int | Unset): Download links (a search hit's `content_url`): until when it is
            valid, in unix seconds.
        signature (str | Unset): Download links: the link's signature. With it the request needs
            no Authorization header; a signature that does not verify, or an expired link, is 401.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.
        range_ (str | Unset): One range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`:
            206 with those bytes, 416 when the file has none of them. Other forms are ignored (the
            whole file).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
version=version,
as_of=as_of,
known_at=known_at,
expires=expires,
signature=signature,
if_none_match=if_none_match,
range_=range_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    expires: int | Unset = UNSET,
    signature: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    range_: str | Unset = UNSET,

) -> Any | File | Problem | None:
    """ The file of the version in effect (?version=N, ?as_of=, ?known_at=): 307 to storage, or the bytes

     With an API key, or as a search hit's signed download link (`version`, `expires`, `signature`; no
    Authorization header needed), which serves its version while it is still the one in effect and
    unexpired.

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        expires (int | Unset): Download links (a search hit's `content_url`): until when it is
            valid, in unix seconds.
        signature (str | Unset): Download links: the link's signature. With it the request needs
            no Authorization header; a signature that does not verify, or an expired link, is 401.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.
        range_ (str | Unset): One range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`:
            206 with those bytes, 416 when the file has none of them. Other forms are ignored (the
            whole file).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem
     """


    return sync_detailed(
        slug=slug,
client=client,
version=version,
as_of=as_of,
known_at=known_at,
expires=expires,
signature=signature,
if_none_match=if_none_match,
range_=range_,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    expires: int | Unset = UNSET,
    signature: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    range_: str | Unset = UNSET,

) -> Response[Any | File | Problem]:
    """ The file of the version in effect (?version=N, ?as_of=, ?known_at=): 307 to storage, or the bytes

     With an API key, or as a search hit's signed download link (`version`, `expires`, `signature`; no
    Authorization header needed), which serves its version while it is still the one in effect and
    unexpired.

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        expires (int | Unset): Download links (a search hit's `content_url`): until when it is
            valid, in unix seconds.
        signature (str | Unset): Download links: the link's signature. With it the request needs
            no Authorization header; a signature that does not verify, or an expired link, is 401.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.
        range_ (str | Unset): One range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`:
            206 with those bytes, 416 when the file has none of them. Other forms are ignored (the
            whole file).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
version=version,
as_of=as_of,
known_at=known_at,
expires=expires,
signature=signature,
if_none_match=if_none_match,
range_=range_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    expires: int | Unset = UNSET,
    signature: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    range_: str | Unset = UNSET,

) -> Any | File | Problem | None:
    """ The file of the version in effect (?version=N, ?as_of=, ?known_at=): 307 to storage, or the bytes

     With an API key, or as a search hit's signed download link (`version`, `expires`, `signature`; no
    Authorization header needed), which serves its version while it is still the one in effect and
    unexpired.

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        expires (int | Unset): Download links (a search hit's `content_url`): until when it is
            valid, in unix seconds.
        signature (str | Unset): Download links: the link's signature. With it the request needs
            no Authorization header; a signature that does not verify, or an expired link, is 401.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.
        range_ (str | Unset): One range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`:
            206 with those bytes, 416 when the file has none of them. Other forms are ignored (the
            whole file).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
version=version,
as_of=as_of,
known_at=known_at,
expires=expires,
signature=signature,
if_none_match=if_none_match,
range_=range_,

    )).parsed
