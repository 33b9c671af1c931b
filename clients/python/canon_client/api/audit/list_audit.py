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


def _get_kwargs(
    *,
    actor: None | str | Unset = UNSET,
    person: None | str | Unset = UNSET,
    kind: None | str | Unset = UNSET,
    slug: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_person: None | str | Unset
    if isinstance(person, Unset):
        json_person = UNSET
    else:
        json_person = person
    params["person"] = json_person

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_slug: None | str | Unset
    if isinstance(slug, Unset):
        json_slug = UNSET
    else:
        json_slug = slug
    params["slug"] = json_slug

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    else:
        json_until = until
    params["until"] = json_until

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

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
    actor: None | str | Unset = UNSET,
    person: None | str | Unset = UNSET,
    kind: None | str | Unset = UNSET,
    slug: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[AuditPage | Problem]:
    """ The audit log, newest first (admin)

    Args:
        actor (None | str | Unset): A person's or service's subject.
        person (None | str | Unset): The same as `actor`.
        kind (None | str | Unset):
        slug (None | str | Unset):
        action (None | str | Unset):
        since (None | str | Unset): From this date or time on.
        until (None | str | Unset): Before this date or time.
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
    actor: None | str | Unset = UNSET,
    person: None | str | Unset = UNSET,
    kind: None | str | Unset = UNSET,
    slug: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> AuditPage | Problem | None:
    """ The audit log, newest first (admin)

    Args:
        actor (None | str | Unset): A person's or service's subject.
        person (None | str | Unset): The same as `actor`.
        kind (None | str | Unset):
        slug (None | str | Unset):
        action (None | str | Unset):
        since (None | str | Unset): From this date or time on.
        until (None | str | Unset): Before this date or time.
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
    actor: None | str | Unset = UNSET,
    person: None | str | Unset = UNSET,
    kind: None | str | Unset = UNSET,
    slug: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[AuditPage | Problem]:
    """ The audit log, newest first (admin)

    Args:
        actor (None | str | Unset): A person's or service's subject.
        person (None | str | Unset): The same as `actor`.
        kind (None | str | Unset):
        slug (None | str | Unset):
        action (None | str | Unset):
        since (None | str | Unset): From this date or time on.
        until (None | str | Unset): Before this date or time.
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
    actor: None | str | Unset = UNSET,
    person: None | str | Unset = UNSET,
    kind: None | str | Unset = UNSET,
    slug: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> AuditPage | Problem | None:
    """ The audit log, newest first (admin)

    Args:
        actor (None | str | Unset): A person's or service's subject.
        person (None | str | Unset): The same as `actor`.
        kind (None | str | Unset):
        slug (None | str | Unset):
        action (None | str | Unset):
        since (None | str | Unset): From this date or time on.
        until (None | str | Unset): Before this date or time.
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
