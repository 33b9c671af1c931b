from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.acknowledgement_out import AcknowledgementOut
from ...models.problem import Problem
from typing import cast


def _get_kwargs(
    slug: str,
    number: int,

) -> dict[str, Any]:


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/assets/{slug}/versions/{number}/acknowledgements".format(slug=quote(str(slug), safe=""),number=quote(str(number), safe=""),),
    }


    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AcknowledgementOut | Problem | None:
    if response.status_code == 200:
        response_200 = AcknowledgementOut.from_dict(response.json())


        return response_200

    if response.status_code == 201:
        response_201 = AcknowledgementOut.from_dict(response.json())


        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AcknowledgementOut | Problem]:
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

) -> Response[AcknowledgementOut | Problem]:
    """ Acknowledge the version in effect (people of the addressed teams; once, idempotent)

     Acknowledge the version in effect for yourself (people only; it must be addressed to one of your
    teams).
    201 the first time, 200 with the same acknowledgement on every later call.

    Args:
        slug (str):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AcknowledgementOut | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
number=number,

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

) -> AcknowledgementOut | Problem | None:
    """ Acknowledge the version in effect (people of the addressed teams; once, idempotent)

     Acknowledge the version in effect for yourself (people only; it must be addressed to one of your
    teams).
    201 the first time, 200 with the same acknowledgement on every later call.

    Args:
        slug (str):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AcknowledgementOut | Problem
     """


    return sync_detailed(
        slug=slug,
number=number,
client=client,

    ).parsed

async def asyncio_detailed(
    slug: str,
    number: int,
    *,
    client: AuthenticatedClient | Client,

) -> Response[AcknowledgementOut | Problem]:
    """ Acknowledge the version in effect (people of the addressed teams; once, idempotent)

     Acknowledge the version in effect for yourself (people only; it must be addressed to one of your
    teams).
    201 the first time, 200 with the same acknowledgement on every later call.

    Args:
        slug (str):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AcknowledgementOut | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
number=number,

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

) -> AcknowledgementOut | Problem | None:
    """ Acknowledge the version in effect (people of the addressed teams; once, idempotent)

     Acknowledge the version in effect for yourself (people only; it must be addressed to one of your
    teams).
    201 the first time, 200 with the same acknowledgement on every later call.

    Args:
        slug (str):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AcknowledgementOut | Problem
     """


    return (await asyncio_detailed(
        slug=slug,
number=number,
client=client,

    )).parsed
