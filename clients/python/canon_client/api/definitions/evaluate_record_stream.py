from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime


def _get_kwargs(
    *,
    body: str,
    definitions: list[str],
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    outcomes: bool | Unset = False,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    params: dict[str, Any] = {}

    json_definitions = definitions


    params["definitions"] = json_definitions

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

    params["outcomes"] = outcomes


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/evaluate/stream",
        "params": params,
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/x-ndjson"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.content)
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

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())


        return response_410

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: str,
    definitions: list[str],
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    outcomes: bool | Unset = False,

) -> Response[Problem | str]:
    """ Evaluate any number of records sent as NDJSON (one object a line); one result a line comes back

     Each line of the body is a record; each line of the answer is its result (`index`, `matches`,
    `evaluations`),
    or `{"index", "error"}` for a line that is not a JSON object. The stream goes on past bad lines.

    Args:
        definitions (list[str]): The definitions to evaluate, e.g.
            ?definitions=lead&definitions=mql.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        known_at (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        outcomes (bool | Unset): Every rule's outcome (bigger answers). Default: False.
        body (str): One JSON object (a record) a line.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
     """


    kwargs = _get_kwargs(
        body=body,
definitions=definitions,
as_of=as_of,
known_at=known_at,
outcomes=outcomes,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: str,
    definitions: list[str],
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    outcomes: bool | Unset = False,

) -> Problem | str | None:
    """ Evaluate any number of records sent as NDJSON (one object a line); one result a line comes back

     Each line of the body is a record; each line of the answer is its result (`index`, `matches`,
    `evaluations`),
    or `{"index", "error"}` for a line that is not a JSON object. The stream goes on past bad lines.

    Args:
        definitions (list[str]): The definitions to evaluate, e.g.
            ?definitions=lead&definitions=mql.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        known_at (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        outcomes (bool | Unset): Every rule's outcome (bigger answers). Default: False.
        body (str): One JSON object (a record) a line.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
     """


    return sync_detailed(
        client=client,
body=body,
definitions=definitions,
as_of=as_of,
known_at=known_at,
outcomes=outcomes,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: str,
    definitions: list[str],
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    outcomes: bool | Unset = False,

) -> Response[Problem | str]:
    """ Evaluate any number of records sent as NDJSON (one object a line); one result a line comes back

     Each line of the body is a record; each line of the answer is its result (`index`, `matches`,
    `evaluations`),
    or `{"index", "error"}` for a line that is not a JSON object. The stream goes on past bad lines.

    Args:
        definitions (list[str]): The definitions to evaluate, e.g.
            ?definitions=lead&definitions=mql.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        known_at (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        outcomes (bool | Unset): Every rule's outcome (bigger answers). Default: False.
        body (str): One JSON object (a record) a line.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
     """


    kwargs = _get_kwargs(
        body=body,
definitions=definitions,
as_of=as_of,
known_at=known_at,
outcomes=outcomes,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: str,
    definitions: list[str],
    as_of: datetime.date | datetime.datetime | Unset = UNSET,
    known_at: datetime.date | datetime.datetime | Unset = UNSET,
    outcomes: bool | Unset = False,

) -> Problem | str | None:
    """ Evaluate any number of records sent as NDJSON (one object a line); one result a line comes back

     Each line of the body is a record; each line of the answer is its result (`index`, `matches`,
    `evaluations`),
    or `{"index", "error"}` for a line that is not a JSON object. The stream goes on past bad lines.

    Args:
        definitions (list[str]): The definitions to evaluate, e.g.
            ?definitions=lead&definitions=mql.
        as_of (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        known_at (datetime.date | datetime.datetime | Unset): A date (end of that day, UTC) or RFC
            3339 time.
        outcomes (bool | Unset): Every rule's outcome (bigger answers). Default: False.
        body (str): One JSON object (a record) a line.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
     """


    return (await asyncio_detailed(
        client=client,
body=body,
definitions=definitions,
as_of=as_of,
known_at=known_at,
outcomes=outcomes,

    )).parsed
