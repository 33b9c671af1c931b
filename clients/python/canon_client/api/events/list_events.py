from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.event_kind import EventKind
from ...models.event_page import EventPage
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    after: str | Unset = UNSET,
    type_: list[str] | Unset = UNSET,
    kind: EventKind | Unset = UNSET,
    slug: str | Unset = UNSET,
    limit: int | Unset = 100,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    params["after"] = after

    json_type_: list[str] | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_


    params["type"] = json_type_

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["slug"] = slug

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }


    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventPage | Problem | None:
    if response.status_code == 200:
        response_200 = EventPage.from_dict(response.json())


        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    type_: list[str] | Unset = UNSET,
    kind: EventKind | Unset = UNSET,
    slug: str | Unset = UNSET,
    limit: int | Unset = 100,

) -> Response[EventPage | Problem]:
    """ The change feed: page with ?after=<next_cursor>; never misses an event

    Args:
        after (str | Unset): `next_cursor` of the previous page, or `now` to start at the head.
        type_ (list[str] | Unset): Event types, wildcards allowed: `definition.*`.
        kind (EventKind | Unset): What an event is about: a kind of entry, or a webhook
            subscription.
        slug (str | Unset): Only events about the entry with this slug.
        limit (int | Unset): Page size (1 to 200). Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
     """


    kwargs = _get_kwargs(
        after=after,
type_=type_,
kind=kind,
slug=slug,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    type_: list[str] | Unset = UNSET,
    kind: EventKind | Unset = UNSET,
    slug: str | Unset = UNSET,
    limit: int | Unset = 100,

) -> EventPage | Problem | None:
    """ The change feed: page with ?after=<next_cursor>; never misses an event

    Args:
        after (str | Unset): `next_cursor` of the previous page, or `now` to start at the head.
        type_ (list[str] | Unset): Event types, wildcards allowed: `definition.*`.
        kind (EventKind | Unset): What an event is about: a kind of entry, or a webhook
            subscription.
        slug (str | Unset): Only events about the entry with this slug.
        limit (int | Unset): Page size (1 to 200). Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
     """


    return sync_detailed(
        client=client,
after=after,
type_=type_,
kind=kind,
slug=slug,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    type_: list[str] | Unset = UNSET,
    kind: EventKind | Unset = UNSET,
    slug: str | Unset = UNSET,
    limit: int | Unset = 100,

) -> Response[EventPage | Problem]:
    """ The change feed: page with ?after=<next_cursor>; never misses an event

    Args:
        after (str | Unset): `next_cursor` of the previous page, or `now` to start at the head.
        type_ (list[str] | Unset): Event types, wildcards allowed: `definition.*`.
        kind (EventKind | Unset): What an event is about: a kind of entry, or a webhook
            subscription.
        slug (str | Unset): Only events about the entry with this slug.
        limit (int | Unset): Page size (1 to 200). Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
     """


    kwargs = _get_kwargs(
        after=after,
type_=type_,
kind=kind,
slug=slug,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    type_: list[str] | Unset = UNSET,
    kind: EventKind | Unset = UNSET,
    slug: str | Unset = UNSET,
    limit: int | Unset = 100,

) -> EventPage | Problem | None:
    """ The change feed: page with ?after=<next_cursor>; never misses an event

    Args:
        after (str | Unset): `next_cursor` of the previous page, or `now` to start at the head.
        type_ (list[str] | Unset): Event types, wildcards allowed: `definition.*`.
        kind (EventKind | Unset): What an event is about: a kind of entry, or a webhook
            subscription.
        slug (str | Unset): Only events about the entry with this slug.
        limit (int | Unset): Page size (1 to 200). Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
     """


    return (await asyncio_detailed(
        client=client,
after=after,
type_=type_,
kind=kind,
slug=slug,
limit=limit,

    )).parsed
