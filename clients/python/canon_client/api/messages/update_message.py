from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.entry_update import EntryUpdate
from ...models.message import Message
from ...models.problem import Problem
from typing import cast


def _get_kwargs(
    slug: str,
    *,
    body: EntryUpdate,
    if_match: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match


    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/messages/{slug}".format(slug=quote(str(slug), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Message | Problem | None:
    if response.status_code == 200:
        response_200 = Message.from_dict(response.json())


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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())


        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())


        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())


        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())


        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())


        return response_422

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())


        return response_428

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Message | Problem]:
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
    body: EntryUpdate,
    if_match: str,

) -> Response[Message | Problem]:
    """ Set this message's own review window; its reviewed fields change only through a new version

    Args:
        slug (str):
        if_match (str): The ETag of the entry this edit is based on: 428 without it (`*` does not
            count), 412 when stale.
        body (EntryUpdate): An entry's own settings: `review_window_seconds` (how long each team
            has to review a version of it before
            reminders; `null`: CANON_REVIEW_WINDOW_SECONDS). Title, tags, owners, required and
            acknowledging teams are refused
            field by field: they are reviewed with each version, so they change only through a new
            version (`POST
            .../versions`). Kept so such a request gets a 422 that says so.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,
if_match=if_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: EntryUpdate,
    if_match: str,

) -> Message | Problem | None:
    """ Set this message's own review window; its reviewed fields change only through a new version

    Args:
        slug (str):
        if_match (str): The ETag of the entry this edit is based on: 428 without it (`*` does not
            count), 412 when stale.
        body (EntryUpdate): An entry's own settings: `review_window_seconds` (how long each team
            has to review a version of it before
            reminders; `null`: CANON_REVIEW_WINDOW_SECONDS). Title, tags, owners, required and
            acknowledging teams are refused
            field by field: they are reviewed with each version, so they change only through a new
            version (`POST
            .../versions`). Kept so such a request gets a 422 that says so.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | Problem
     """


    return sync_detailed(
        slug=slug,
client=client,
body=body,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: EntryUpdate,
    if_match: str,

) -> Response[Message | Problem]:
    """ Set this message's own review window; its reviewed fields change only through a new version

    Args:
        slug (str):
        if_match (str): The ETag of the entry this edit is based on: 428 without it (`*` does not
            count), 412 when stale.
        body (EntryUpdate): An entry's own settings: `review_window_seconds` (how long each team
            has to review a version of it before
            reminders; `null`: CANON_REVIEW_WINDOW_SECONDS). Title, tags, owners, required and
            acknowledging teams are refused
            field by field: they are reviewed with each version, so they change only through a new
            version (`POST
            .../versions`). Kept so such a request gets a 422 that says so.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,
if_match=if_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: EntryUpdate,
    if_match: str,

) -> Message | Problem | None:
    """ Set this message's own review window; its reviewed fields change only through a new version

    Args:
        slug (str):
        if_match (str): The ETag of the entry this edit is based on: 428 without it (`*` does not
            count), 412 when stale.
        body (EntryUpdate): An entry's own settings: `review_window_seconds` (how long each team
            has to review a version of it before
            reminders; `null`: CANON_REVIEW_WINDOW_SECONDS). Title, tags, owners, required and
            acknowledging teams are refused
            field by field: they are reviewed with each version, so they change only through a new
            version (`POST
            .../versions`). Kept so such a request gets a 422 that says so.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | Problem
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
body=body,
if_match=if_match,

    )).parsed
