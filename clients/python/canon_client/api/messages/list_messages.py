from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.entry_status_filter import EntryStatusFilter
from ...models.message_list import MessageList
from ...models.message_type_name import MessageTypeName
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    status: EntryStatusFilter | Unset = UNSET,
    tag: str | Unset = UNSET,
    team: str | Unset = UNSET,
    q: str | Unset = UNSET,
    message_type: MessageTypeName | Unset = UNSET,
    locale: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    segment: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["tag"] = tag

    params["team"] = team

    params["q"] = q

    json_message_type: str | Unset = UNSET
    if not isinstance(message_type, Unset):
        json_message_type = message_type.value

    params["message_type"] = json_message_type

    params["locale"] = locale

    params["audience"] = audience

    params["segment"] = segment

    params["cursor"] = cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/messages",
        "params": params,
    }


    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MessageList | Problem | None:
    if response.status_code == 200:
        response_200 = MessageList.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MessageList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: EntryStatusFilter | Unset = UNSET,
    tag: str | Unset = UNSET,
    team: str | Unset = UNSET,
    q: str | Unset = UNSET,
    message_type: MessageTypeName | Unset = UNSET,
    locale: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    segment: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[MessageList | Problem]:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (EntryStatusFilter | Unset): Which entries a list shows, by their status (`any`:
            all of them).
        tag (str | Unset):
        team (str | Unset):
        q (str | Unset):
        message_type (MessageTypeName | Unset): What a message is (named, so generated clients get
            one enum).
        locale (str | Unset): e.g. en, de-DE
        audience (str | Unset):
        segment (str | Unset):
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessageList | Problem]
     """


    kwargs = _get_kwargs(
        status=status,
tag=tag,
team=team,
q=q,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
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
    status: EntryStatusFilter | Unset = UNSET,
    tag: str | Unset = UNSET,
    team: str | Unset = UNSET,
    q: str | Unset = UNSET,
    message_type: MessageTypeName | Unset = UNSET,
    locale: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    segment: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> MessageList | Problem | None:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (EntryStatusFilter | Unset): Which entries a list shows, by their status (`any`:
            all of them).
        tag (str | Unset):
        team (str | Unset):
        q (str | Unset):
        message_type (MessageTypeName | Unset): What a message is (named, so generated clients get
            one enum).
        locale (str | Unset): e.g. en, de-DE
        audience (str | Unset):
        segment (str | Unset):
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessageList | Problem
     """


    return sync_detailed(
        client=client,
status=status,
tag=tag,
team=team,
q=q,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: EntryStatusFilter | Unset = UNSET,
    tag: str | Unset = UNSET,
    team: str | Unset = UNSET,
    q: str | Unset = UNSET,
    message_type: MessageTypeName | Unset = UNSET,
    locale: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    segment: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[MessageList | Problem]:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (EntryStatusFilter | Unset): Which entries a list shows, by their status (`any`:
            all of them).
        tag (str | Unset):
        team (str | Unset):
        q (str | Unset):
        message_type (MessageTypeName | Unset): What a message is (named, so generated clients get
            one enum).
        locale (str | Unset): e.g. en, de-DE
        audience (str | Unset):
        segment (str | Unset):
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessageList | Problem]
     """


    kwargs = _get_kwargs(
        status=status,
tag=tag,
team=team,
q=q,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
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
    status: EntryStatusFilter | Unset = UNSET,
    tag: str | Unset = UNSET,
    team: str | Unset = UNSET,
    q: str | Unset = UNSET,
    message_type: MessageTypeName | Unset = UNSET,
    locale: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    segment: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 50,

) -> MessageList | Problem | None:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (EntryStatusFilter | Unset): Which entries a list shows, by their status (`any`:
            all of them).
        tag (str | Unset):
        team (str | Unset):
        q (str | Unset):
        message_type (MessageTypeName | Unset): What a message is (named, so generated clients get
            one enum).
        locale (str | Unset): e.g. en, de-DE
        audience (str | Unset):
        segment (str | Unset):
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        limit (int | Unset): Page size (1 to 200). Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessageList | Problem
     """


    return (await asyncio_detailed(
        client=client,
status=status,
tag=tag,
team=team,
q=q,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
cursor=cursor,
limit=limit,

    )).parsed
