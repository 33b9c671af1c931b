from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.evaluate import Evaluate
from ...models.evaluation_result import EvaluationResult
from ...models.problem import Problem
from typing import cast


def _get_kwargs(
    slug: str,
    *,
    body: Evaluate,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/definitions/{slug}/evaluate".format(slug=quote(str(slug), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EvaluationResult | Problem | None:
    if response.status_code == 200:
        response_200 = EvaluationResult.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EvaluationResult | Problem]:
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
    body: Evaluate,

) -> Response[EvaluationResult | Problem]:
    """ Does a record (e.g. a lead) meet this definition's criteria? Which rules passed and failed?

    Args:
        slug (str):
        body (Evaluate): A record (e.g. a lead as the CRM sees it) to test against the
            definition's criteria.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EvaluationResult | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: Evaluate,

) -> EvaluationResult | Problem | None:
    """ Does a record (e.g. a lead) meet this definition's criteria? Which rules passed and failed?

    Args:
        slug (str):
        body (Evaluate): A record (e.g. a lead as the CRM sees it) to test against the
            definition's criteria.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EvaluationResult | Problem
     """


    return sync_detailed(
        slug=slug,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: Evaluate,

) -> Response[EvaluationResult | Problem]:
    """ Does a record (e.g. a lead) meet this definition's criteria? Which rules passed and failed?

    Args:
        slug (str):
        body (Evaluate): A record (e.g. a lead as the CRM sees it) to test against the
            definition's criteria.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EvaluationResult | Problem]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: Evaluate,

) -> EvaluationResult | Problem | None:
    """ Does a record (e.g. a lead) meet this definition's criteria? Which rules passed and failed?

    Args:
        slug (str):
        body (Evaluate): A record (e.g. a lead as the CRM sees it) to test against the
            definition's criteria.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EvaluationResult | Problem
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
body=body,

    )).parsed
