from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.person_out import PersonOut
from ...models.person_update import PersonUpdate
from ...models.problem import Problem
from typing import cast


def _get_kwargs(
    subject: str,
    *,
    body: PersonUpdate,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/people/{subject}".format(subject=quote(str(subject), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PersonOut | Problem | None:
    if response.status_code == 200:
        response_200 = PersonOut.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PersonOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subject: str,
    *,
    client: AuthenticatedClient | Client,
    body: PersonUpdate,

) -> Response[PersonOut | Problem]:
    """ Change a person's name, teams or role, or deactivate them (admin)

    Args:
        subject (str):
        body (PersonUpdate): Absent fields stay as they are; `active: false` stops every
            credential of the person at once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PersonOut | Problem]
     """


    kwargs = _get_kwargs(
        subject=subject,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    subject: str,
    *,
    client: AuthenticatedClient | Client,
    body: PersonUpdate,

) -> PersonOut | Problem | None:
    """ Change a person's name, teams or role, or deactivate them (admin)

    Args:
        subject (str):
        body (PersonUpdate): Absent fields stay as they are; `active: false` stops every
            credential of the person at once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PersonOut | Problem
     """


    return sync_detailed(
        subject=subject,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    subject: str,
    *,
    client: AuthenticatedClient | Client,
    body: PersonUpdate,

) -> Response[PersonOut | Problem]:
    """ Change a person's name, teams or role, or deactivate them (admin)

    Args:
        subject (str):
        body (PersonUpdate): Absent fields stay as they are; `active: false` stops every
            credential of the person at once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PersonOut | Problem]
     """


    kwargs = _get_kwargs(
        subject=subject,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    subject: str,
    *,
    client: AuthenticatedClient | Client,
    body: PersonUpdate,

) -> PersonOut | Problem | None:
    """ Change a person's name, teams or role, or deactivate them (admin)

    Args:
        subject (str):
        body (PersonUpdate): Absent fields stay as they are; `active: false` stops every
            credential of the person at once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PersonOut | Problem
     """


    return (await asyncio_detailed(
        subject=subject,
client=client,
body=body,

    )).parsed
