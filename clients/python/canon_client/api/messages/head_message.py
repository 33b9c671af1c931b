from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.message import Message
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime


def _get_kwargs(
    slug: str,
    *,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    if_none_match: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match


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


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "head",
        "url": "/v1/messages/{slug}".format(slug=quote(str(slug), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Message | Problem | None:
    if response.status_code == 200:
        response_200 = Message.from_dict(response.json())


        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Message | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    if_none_match: str | Unset = UNSET,

) -> Response[Any | Message | Problem]:
    """ Read a message: in effect now, ?version=N, or ?as_of= and ?known_at=

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Message | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
version=version,
as_of=as_of,
known_at=known_at,
if_none_match=if_none_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    if_none_match: str | Unset = UNSET,

) -> Any | Message | Problem | None:
    """ Read a message: in effect now, ?version=N, or ?as_of= and ?known_at=

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Message | Problem
     """


    return sync_detailed(
        slug=slug,
client=client,
version=version,
as_of=as_of,
known_at=known_at,
if_none_match=if_none_match,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    if_none_match: str | Unset = UNSET,

) -> Response[Any | Message | Problem]:
    """ Read a message: in effect now, ?version=N, or ?as_of= and ?known_at=

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Message | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
version=version,
as_of=as_of,
known_at=known_at,
if_none_match=if_none_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    version: int | Unset = UNSET,
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    if_none_match: str | Unset = UNSET,

) -> Any | Message | Problem | None:
    """ Read a message: in effect now, ?version=N, or ?as_of= and ?known_at=

    Args:
        slug (str):
        version (int | Unset): A version number.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time: the version in effect then.
        known_at (datetime.date | datetime.datetime | Unset): Read the timeline as Canon had
            recorded it then: only versions published by this date or time.
        if_none_match (str | Unset): An ETag you hold: 304 when it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Message | Problem
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
version=version,
as_of=as_of,
known_at=known_at,
if_none_match=if_none_match,

    )).parsed
