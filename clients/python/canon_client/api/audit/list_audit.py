from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_page import AuditPage
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime


def _get_kwargs(
    *,
    actor: str | Unset = UNSET,
    person: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    action: str | Unset = UNSET,
    since: datetime.date | datetime.datetime | Unset = UNSET,
    until: datetime.date | datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    params["actor"] = actor

    params["person"] = person

    params["kind"] = kind

    params["slug"] = slug

    params["action"] = action

    json_since: str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.date):
        json_since = since.isoformat()
    else:
        json_since = since.isoformat()

    params["since"] = json_since

    json_until: str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.date):
        json_until = until.isoformat()
    else:
        json_until = until.isoformat()

    params["until"] = json_until

    params["cursor"] = cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit",
        "params": params,
    }


    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditPage | Problem | None:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    person: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    action: str | Unset = UNSET,
    since: datetime.date | datetime.datetime | Unset = UNSET,
    until: datetime.date | datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[AuditPage | Problem]:
    """ The audit log, newest first (admin)

    Args:
        actor (str | Unset): A person's or service's subject.
        person (str | Unset): The same as `actor`.
        kind (str | Unset):
        slug (str | Unset):
        action (str | Unset):
        since (datetime.date | datetime.datetime | Unset): From this date or time on.
        until (datetime.date | datetime.datetime | Unset): Before this date or time.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Problem]
     """


    kwargs = _get_kwargs(
        actor=actor,
person=person,
kind=kind,
slug=slug,
action=action,
since=since,
until=until,
cursor=cursor,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    person: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    action: str | Unset = UNSET,
    since: datetime.date | datetime.datetime | Unset = UNSET,
    until: datetime.date | datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> AuditPage | Problem | None:
    """ The audit log, newest first (admin)

    Args:
        actor (str | Unset): A person's or service's subject.
        person (str | Unset): The same as `actor`.
        kind (str | Unset):
        slug (str | Unset):
        action (str | Unset):
        since (datetime.date | datetime.datetime | Unset): From this date or time on.
        until (datetime.date | datetime.datetime | Unset): Before this date or time.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Problem
     """


    return sync_detailed(
        client=client,
actor=actor,
person=person,
kind=kind,
slug=slug,
action=action,
since=since,
until=until,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    person: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    action: str | Unset = UNSET,
    since: datetime.date | datetime.datetime | Unset = UNSET,
    until: datetime.date | datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[AuditPage | Problem]:
    """ The audit log, newest first (admin)

    Args:
        actor (str | Unset): A person's or service's subject.
        person (str | Unset): The same as `actor`.
        kind (str | Unset):
        slug (str | Unset):
        action (str | Unset):
        since (datetime.date | datetime.datetime | Unset): From this date or time on.
        until (datetime.date | datetime.datetime | Unset): Before this date or time.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Problem]
     """


    kwargs = _get_kwargs(
        actor=actor,
person=person,
kind=kind,
slug=slug,
action=action,
since=since,
until=until,
cursor=cursor,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    person: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    action: str | Unset = UNSET,
    since: datetime.date | datetime.datetime | Unset = UNSET,
    until: datetime.date | datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> AuditPage | Problem | None:
    """ The audit log, newest first (admin)

    Args:
        actor (str | Unset): A person's or service's subject.
        person (str | Unset): The same as `actor`.
        kind (str | Unset):
        slug (str | Unset):
        action (str | Unset):
        since (datetime.date | datetime.datetime | Unset): From this date or time on.
        until (datetime.date | datetime.datetime | Unset): Before this date or time.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Problem
     """


    return (await asyncio_detailed(
        client=client,
actor=actor,
person=person,
kind=kind,
slug=slug,
action=action,
since=since,
until=until,
cursor=cursor,
limit=limit,

    )).parsed
