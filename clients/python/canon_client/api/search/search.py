from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.entry_kind_name import EntryKindName
from ...models.message_type_name import MessageTypeName
from ...models.problem import Problem
from ...models.search_page import SearchPage
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    q: str | Unset = '',
    kind: list[EntryKindName] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    team: list[str] | Unset = UNSET,
    message_type: list[MessageTypeName] | Unset = UNSET,
    locale: list[str] | Unset = UNSET,
    audience: list[str] | Unset = UNSET,
    segment: list[str] | Unset = UNSET,
    facets: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    include_drafts: bool | Unset = False,

) -> dict[str, Any]:


    params: dict[str, Any] = {}

    params["q"] = q

    json_kind: list[str] | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = []
        for kind_item_data in kind:
            kind_item = kind_item_data.value
            json_kind.append(kind_item)


    params["kind"] = json_kind

    json_tag: list[str] | Unset = UNSET
    if not isinstance(tag, Unset):
        json_tag = tag


    params["tag"] = json_tag

    json_team: list[str] | Unset = UNSET
    if not isinstance(team, Unset):
        json_team = team


    params["team"] = json_team

    json_message_type: list[str] | Unset = UNSET
    if not isinstance(message_type, Unset):
        json_message_type = []
        for message_type_item_data in message_type:
            message_type_item = message_type_item_data.value
            json_message_type.append(message_type_item)


    params["message_type"] = json_message_type

    json_locale: list[str] | Unset = UNSET
    if not isinstance(locale, Unset):
        json_locale = locale


    params["locale"] = json_locale

    json_audience: list[str] | Unset = UNSET
    if not isinstance(audience, Unset):
        json_audience = audience


    params["audience"] = json_audience

    json_segment: list[str] | Unset = UNSET
    if not isinstance(segment, Unset):
        json_segment = segment


    params["segment"] = json_segment

    params["facets"] = facets

    params["limit"] = limit

    params["cursor"] = cursor

    params["include_drafts"] = include_drafts


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/search",
        "params": params,
    }


    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SearchPage | None:
    if response.status_code == 200:
        response_200 = SearchPage.from_dict(response.json())


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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SearchPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = '',
    kind: list[EntryKindName] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    team: list[str] | Unset = UNSET,
    message_type: list[MessageTypeName] | Unset = UNSET,
    locale: list[str] | Unset = UNSET,
    audience: list[str] | Unset = UNSET,
    segment: list[str] | Unset = UNSET,
    facets: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    include_drafts: bool | Unset = False,

) -> Response[Problem | SearchPage]:
    """ Search published definitions, messages and assets

     Hits best first (titles and aliases before other text), with `<mark>`ed snippets and facet counts.
    Accepts an API key or a search token. An asset hit of a released, unexpired version has a signed
    `content_url`: a download link that needs no credential, valid 15 minutes (no longer than the
    token).

    Args:
        q (str | Unset): Words (all required), "quoted phrases", `OR`, `-excluded`; the last word
            may be a prefix. Empty: list everything the filters allow, by title. Default: ''.
        kind (list[EntryKindName] | Unset): definition, message or asset; repeat for several.
        tag (list[str] | Unset): Repeat for any of several values.
        team (list[str] | Unset): Repeat for any of several values.
        message_type (list[MessageTypeName] | Unset): Messages of this type; repeat for several.
        locale (list[str] | Unset): Messages in this locale, exactly as written (en-US); repeat
            for several.
        audience (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        segment (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        facets (str | Unset): Comma-separated facets to count: kind, tags, teams, message_type,
            locale, audience, segment.
        limit (int | Unset): Page size (1 to 100). Default: 20.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        include_drafts (bool | Unset): Editors: also versions in progress, and expired assets.
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SearchPage]
     """


    kwargs = _get_kwargs(
        q=q,
kind=kind,
tag=tag,
team=team,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
facets=facets,
limit=limit,
cursor=cursor,
include_drafts=include_drafts,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = '',
    kind: list[EntryKindName] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    team: list[str] | Unset = UNSET,
    message_type: list[MessageTypeName] | Unset = UNSET,
    locale: list[str] | Unset = UNSET,
    audience: list[str] | Unset = UNSET,
    segment: list[str] | Unset = UNSET,
    facets: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    include_drafts: bool | Unset = False,

) -> Problem | SearchPage | None:
    """ Search published definitions, messages and assets

     Hits best first (titles and aliases before other text), with `<mark>`ed snippets and facet counts.
    Accepts an API key or a search token. An asset hit of a released, unexpired version has a signed
    `content_url`: a download link that needs no credential, valid 15 minutes (no longer than the
    token).

    Args:
        q (str | Unset): Words (all required), "quoted phrases", `OR`, `-excluded`; the last word
            may be a prefix. Empty: list everything the filters allow, by title. Default: ''.
        kind (list[EntryKindName] | Unset): definition, message or asset; repeat for several.
        tag (list[str] | Unset): Repeat for any of several values.
        team (list[str] | Unset): Repeat for any of several values.
        message_type (list[MessageTypeName] | Unset): Messages of this type; repeat for several.
        locale (list[str] | Unset): Messages in this locale, exactly as written (en-US); repeat
            for several.
        audience (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        segment (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        facets (str | Unset): Comma-separated facets to count: kind, tags, teams, message_type,
            locale, audience, segment.
        limit (int | Unset): Page size (1 to 100). Default: 20.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        include_drafts (bool | Unset): Editors: also versions in progress, and expired assets.
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SearchPage
     """


    return sync_detailed(
        client=client,
q=q,
kind=kind,
tag=tag,
team=team,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
facets=facets,
limit=limit,
cursor=cursor,
include_drafts=include_drafts,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = '',
    kind: list[EntryKindName] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    team: list[str] | Unset = UNSET,
    message_type: list[MessageTypeName] | Unset = UNSET,
    locale: list[str] | Unset = UNSET,
    audience: list[str] | Unset = UNSET,
    segment: list[str] | Unset = UNSET,
    facets: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    include_drafts: bool | Unset = False,

) -> Response[Problem | SearchPage]:
    """ Search published definitions, messages and assets

     Hits best first (titles and aliases before other text), with `<mark>`ed snippets and facet counts.
    Accepts an API key or a search token. An asset hit of a released, unexpired version has a signed
    `content_url`: a download link that needs no credential, valid 15 minutes (no longer than the
    token).

    Args:
        q (str | Unset): Words (all required), "quoted phrases", `OR`, `-excluded`; the last word
            may be a prefix. Empty: list everything the filters allow, by title. Default: ''.
        kind (list[EntryKindName] | Unset): definition, message or asset; repeat for several.
        tag (list[str] | Unset): Repeat for any of several values.
        team (list[str] | Unset): Repeat for any of several values.
        message_type (list[MessageTypeName] | Unset): Messages of this type; repeat for several.
        locale (list[str] | Unset): Messages in this locale, exactly as written (en-US); repeat
            for several.
        audience (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        segment (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        facets (str | Unset): Comma-separated facets to count: kind, tags, teams, message_type,
            locale, audience, segment.
        limit (int | Unset): Page size (1 to 100). Default: 20.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        include_drafts (bool | Unset): Editors: also versions in progress, and expired assets.
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SearchPage]
     """


    kwargs = _get_kwargs(
        q=q,
kind=kind,
tag=tag,
team=team,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
facets=facets,
limit=limit,
cursor=cursor,
include_drafts=include_drafts,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = '',
    kind: list[EntryKindName] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    team: list[str] | Unset = UNSET,
    message_type: list[MessageTypeName] | Unset = UNSET,
    locale: list[str] | Unset = UNSET,
    audience: list[str] | Unset = UNSET,
    segment: list[str] | Unset = UNSET,
    facets: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    include_drafts: bool | Unset = False,

) -> Problem | SearchPage | None:
    """ Search published definitions, messages and assets

     Hits best first (titles and aliases before other text), with `<mark>`ed snippets and facet counts.
    Accepts an API key or a search token. An asset hit of a released, unexpired version has a signed
    `content_url`: a download link that needs no credential, valid 15 minutes (no longer than the
    token).

    Args:
        q (str | Unset): Words (all required), "quoted phrases", `OR`, `-excluded`; the last word
            may be a prefix. Empty: list everything the filters allow, by title. Default: ''.
        kind (list[EntryKindName] | Unset): definition, message or asset; repeat for several.
        tag (list[str] | Unset): Repeat for any of several values.
        team (list[str] | Unset): Repeat for any of several values.
        message_type (list[MessageTypeName] | Unset): Messages of this type; repeat for several.
        locale (list[str] | Unset): Messages in this locale, exactly as written (en-US); repeat
            for several.
        audience (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        segment (list[str] | Unset): Messages with exactly this value; repeat for any of several.
        facets (str | Unset): Comma-separated facets to count: kind, tags, teams, message_type,
            locale, audience, segment.
        limit (int | Unset): Page size (1 to 100). Default: 20.
        cursor (str | Unset): `next_cursor` of the previous page (opaque).
        include_drafts (bool | Unset): Editors: also versions in progress, and expired assets.
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SearchPage
     """


    return (await asyncio_detailed(
        client=client,
q=q,
kind=kind,
tag=tag,
team=team,
message_type=message_type,
locale=locale,
audience=audience,
segment=segment,
facets=facets,
limit=limit,
cursor=cursor,
include_drafts=include_drafts,

    )).parsed
