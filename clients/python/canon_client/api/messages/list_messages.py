from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.list_messages_status_type_1 import ListMessagesStatusType1
from ...models.list_messages_status_type_2_type_1 import ListMessagesStatusType2Type1
from ...models.list_messages_status_type_3_type_1 import ListMessagesStatusType3Type1
from ...models.message_list import MessageList
from ...models.message_type_name import MessageTypeName
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    status: ListMessagesStatusType1 | ListMessagesStatusType2Type1 | ListMessagesStatusType3Type1 | None | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    team: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    message_type: MessageTypeName | None | Unset = UNSET,
    locale: None | str | Unset = UNSET,
    audience: None | str | Unset = UNSET,
    segment: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListMessagesStatusType1):
        json_status = status.value
    elif isinstance(status, ListMessagesStatusType2Type1):
        json_status = status.value
    elif isinstance(status, ListMessagesStatusType3Type1):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_tag: None | str | Unset
    if isinstance(tag, Unset):
        json_tag = UNSET
    else:
        json_tag = tag
    params["tag"] = json_tag

    json_team: None | str | Unset
    if isinstance(team, Unset):
        json_team = UNSET
    else:
        json_team = team
    params["team"] = json_team

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_message_type: None | str | Unset
    if isinstance(message_type, Unset):
        json_message_type = UNSET
    elif isinstance(message_type, MessageTypeName):
        json_message_type = message_type.value
    else:
        json_message_type = message_type
    params["message_type"] = json_message_type

    json_locale: None | str | Unset
    if isinstance(locale, Unset):
        json_locale = UNSET
    else:
        json_locale = locale
    params["locale"] = json_locale

    json_audience: None | str | Unset
    if isinstance(audience, Unset):
        json_audience = UNSET
    else:
        json_audience = audience
    params["audience"] = json_audience

    json_segment: None | str | Unset
    if isinstance(segment, Unset):
        json_segment = UNSET
    else:
        json_segment = segment
    params["segment"] = json_segment

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
    status: ListMessagesStatusType1 | ListMessagesStatusType2Type1 | ListMessagesStatusType3Type1 | None | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    team: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    message_type: MessageTypeName | None | Unset = UNSET,
    locale: None | str | Unset = UNSET,
    audience: None | str | Unset = UNSET,
    segment: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[MessageList | Problem]:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (ListMessagesStatusType1 | ListMessagesStatusType2Type1 |
            ListMessagesStatusType3Type1 | None | Unset):
        tag (None | str | Unset):
        team (None | str | Unset):
        q (None | str | Unset):
        message_type (MessageTypeName | None | Unset):
        locale (None | str | Unset): e.g. en, de-DE
        audience (None | str | Unset):
        segment (None | str | Unset):
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
    status: ListMessagesStatusType1 | ListMessagesStatusType2Type1 | ListMessagesStatusType3Type1 | None | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    team: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    message_type: MessageTypeName | None | Unset = UNSET,
    locale: None | str | Unset = UNSET,
    audience: None | str | Unset = UNSET,
    segment: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> MessageList | Problem | None:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (ListMessagesStatusType1 | ListMessagesStatusType2Type1 |
            ListMessagesStatusType3Type1 | None | Unset):
        tag (None | str | Unset):
        team (None | str | Unset):
        q (None | str | Unset):
        message_type (MessageTypeName | None | Unset):
        locale (None | str | Unset): e.g. en, de-DE
        audience (None | str | Unset):
        segment (None | str | Unset):
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
    status: ListMessagesStatusType1 | ListMessagesStatusType2Type1 | ListMessagesStatusType3Type1 | None | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    team: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    message_type: MessageTypeName | None | Unset = UNSET,
    locale: None | str | Unset = UNSET,
    audience: None | str | Unset = UNSET,
    segment: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[MessageList | Problem]:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (ListMessagesStatusType1 | ListMessagesStatusType2Type1 |
            ListMessagesStatusType3Type1 | None | Unset):
        tag (None | str | Unset):
        team (None | str | Unset):
        q (None | str | Unset):
        message_type (MessageTypeName | None | Unset):
        locale (None | str | Unset): e.g. en, de-DE
        audience (None | str | Unset):
        segment (None | str | Unset):
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
    status: ListMessagesStatusType1 | ListMessagesStatusType2Type1 | ListMessagesStatusType3Type1 | None | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    team: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    message_type: MessageTypeName | None | Unset = UNSET,
    locale: None | str | Unset = UNSET,
    audience: None | str | Unset = UNSET,
    segment: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> MessageList | Problem | None:
    """ List messages

     Filters on the listed version's content (in effect, else the latest): type, locale, audience,
    segment.

    Args:
        status (ListMessagesStatusType1 | ListMessagesStatusType2Type1 |
            ListMessagesStatusType3Type1 | None | Unset):
        tag (None | str | Unset):
        team (None | str | Unset):
        q (None | str | Unset):
        message_type (MessageTypeName | None | Unset):
        locale (None | str | Unset): e.g. en, de-DE
        audience (None | str | Unset):
        segment (None | str | Unset):
        cursor (None | str | Unset): `next_cursor` of the previous page.
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
