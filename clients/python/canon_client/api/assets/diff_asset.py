from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.version_diff import VersionDiff
from ...types import UNSET, Unset
from typing import cast
import datetime


def _get_kwargs(
    slug: str,
    *,
    from_: int | Unset = UNSET,
    to: int | Unset = UNSET,
    from_as_of: datetime.date | datetime.datetime | Unset = UNSET,
    to_as_of: datetime.date | datetime.datetime | Unset = UNSET,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    params["from"] = from_

    params["to"] = to

    json_from_as_of: str | Unset
    if isinstance(from_as_of, Unset):
        json_from_as_of = UNSET
    elif isinstance(from_as_of, datetime.date):
        json_from_as_of = from_as_of.isoformat()
    else:
        json_from_as_of = from_as_of.isoformat()

    params["from_as_of"] = json_from_as_of

    json_to_as_of: str | Unset
    if isinstance(to_as_of, Unset):
        json_to_as_of = UNSET
    elif isinstance(to_as_of, datetime.date):
        json_to_as_of = to_as_of.isoformat()
    else:
        json_to_as_of = to_as_of.isoformat()

    params["to_as_of"] = json_to_as_of


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/assets/{slug}/diff".format(slug=quote(str(slug), safe=""),),
        "params": params,
    }


    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | VersionDiff | None:
    if response.status_code == 200:
        response_200 = VersionDiff.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | VersionDiff]:
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
    from_: int | Unset = UNSET,
    to: int | Unset = UNSET,
    from_as_of: datetime.date | datetime.datetime | Unset = UNSET,
    to_as_of: datetime.date | datetime.datetime | Unset = UNSET,

) -> Response[Problem | VersionDiff]:
    """ Field and line changes between two versions (by number, or those in effect at two dates)

    Args:
        slug (str):
        from_ (int | Unset):
        to (int | Unset):
        from_as_of (datetime.date | datetime.datetime | Unset): Instead of `from`: the version in
            effect then.
        to_as_of (datetime.date | datetime.datetime | Unset): Instead of `to`: the version in
            effect then.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VersionDiff]
     """


    kwargs = _get_kwargs(
        slug=slug,
from_=from_,
to=to,
from_as_of=from_as_of,
to_as_of=to_as_of,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    from_: int | Unset = UNSET,
    to: int | Unset = UNSET,
    from_as_of: datetime.date | datetime.datetime | Unset = UNSET,
    to_as_of: datetime.date | datetime.datetime | Unset = UNSET,

) -> Problem | VersionDiff | None:
    """ Field and line changes between two versions (by number, or those in effect at two dates)

    Args:
        slug (str):
        from_ (int | Unset):
        to (int | Unset):
        from_as_of (datetime.date | datetime.datetime | Unset): Instead of `from`: the version in
            effect then.
        to_as_of (datetime.date | datetime.datetime | Unset): Instead of `to`: the version in
            effect then.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VersionDiff
     """


    return sync_detailed(
        slug=slug,
client=client,
from_=from_,
to=to,
from_as_of=from_as_of,
to_as_of=to_as_of,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    from_: int | Unset = UNSET,
    to: int | Unset = UNSET,
    from_as_of: datetime.date | datetime.datetime | Unset = UNSET,
    to_as_of: datetime.date | datetime.datetime | Unset = UNSET,

) -> Response[Problem | VersionDiff]:
    """ Field and line changes between two versions (by number, or those in effect at two dates)

    Args:
        slug (str):
        from_ (int | Unset):
        to (int | Unset):
        from_as_of (datetime.date | datetime.datetime | Unset): Instead of `from`: the version in
            effect then.
        to_as_of (datetime.date | datetime.datetime | Unset): Instead of `to`: the version in
            effect then.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VersionDiff]
     """


    kwargs = _get_kwargs(
        slug=slug,
from_=from_,
to=to,
from_as_of=from_as_of,
to_as_of=to_as_of,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    from_: int | Unset = UNSET,
    to: int | Unset = UNSET,
    from_as_of: datetime.date | datetime.datetime | Unset = UNSET,
    to_as_of: datetime.date | datetime.datetime | Unset = UNSET,

) -> Problem | VersionDiff | None:
    """ Field and line changes between two versions (by number, or those in effect at two dates)

    Args:
        slug (str):
        from_ (int | Unset):
        to (int | Unset):
        from_as_of (datetime.date | datetime.datetime | Unset): Instead of `from`: the version in
            effect then.
        to_as_of (datetime.date | datetime.datetime | Unset): Instead of `to`: the version in
            effect then.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VersionDiff
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
from_=from_,
to=to,
from_as_of=from_as_of,
to_as_of=to_as_of,

    )).parsed
