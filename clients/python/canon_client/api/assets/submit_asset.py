from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.asset import Asset
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    slug: str,
    number: int,
    *,
    if_match: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/assets/{slug}/versions/{number}/submit".format(slug=quote(str(slug), safe=""),number=quote(str(number), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Asset | Problem | None:
    if response.status_code == 200:
        response_200 = Asset.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Asset | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    if_match: str | Unset = UNSET,

) -> Response[Asset | Problem]:
    """ Submit for review

    Args:
        slug (str):
        number (int):
        if_match (str | Unset): The ETag this write is based on (412 when it is stale).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Asset | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
number=number,
if_match=if_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    if_match: str | Unset = UNSET,

) -> Asset | Problem | None:
    """ Submit for review

    Args:
        slug (str):
        number (int):
        if_match (str | Unset): The ETag this write is based on (412 when it is stale).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Asset | Problem
     """


    return sync_detailed(
        slug=slug,
number=number,
client=client,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    slug: str,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    if_match: str | Unset = UNSET,

) -> Response[Asset | Problem]:
    """ Submit for review

    Args:
        slug (str):
        number (int):
        if_match (str | Unset): The ETag this write is based on (412 when it is stale).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Asset | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
number=number,
if_match=if_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    if_match: str | Unset = UNSET,

) -> Asset | Problem | None:
    """ Submit for review

    Args:
        slug (str):
        number (int):
        if_match (str | Unset): The ETag this write is based on (412 when it is stale).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Asset | Problem
     """


    return (await asyncio_detailed(
        slug=slug,
number=number,
client=client,
if_match=if_match,

    )).parsed
