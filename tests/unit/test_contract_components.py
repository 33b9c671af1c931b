"""The schemas the OpenAPI document holds beyond its routes (service/api/contract.py): named predictably, complete in
themselves, and never silently in place of a route's schema of the same name."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.exceptions import ImproperlyConfiguredException
from litestar.openapi.spec import Schema

from service.api.contract import ContractComponents, contract_schemas, event_component, webhooks
from service.domain.events import EVENT_TYPES


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [ref for key, value in node.items() for ref in ([value] if key == "$ref" else _refs(value))]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def test_event_components_are_named_after_their_type() -> None:
    assert event_component("definition.published") == "DefinitionPublishedEvent"
    assert event_component("asset.draft_updated") == "AssetDraftUpdatedEvent"
    assert event_component("webhook.test") == "WebhookTestEvent"
    assert len({event_component(event_type) for event_type in EVENT_TYPES}) == len(EVENT_TYPES)


def test_every_reference_in_the_contract_schemas_is_to_one_of_them() -> None:
    schemas = contract_schemas()
    refs = set(_refs(schemas))
    assert refs
    assert {ref.removeprefix("#/components/schemas/") for ref in refs} <= set(schemas)
    assert not [name for name, schema in schemas.items() if "$defs" in schema or "$id" in schema]


def test_each_webhook_posts_its_own_envelope() -> None:
    found = {name: item.to_schema() for name, item in webhooks().items()}
    assert sorted(found) == sorted(EVENT_TYPES)
    for event_type, item in found.items():
        body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{event_component(event_type)}"}
        assert contract_schemas()[event_component(event_type)]["properties"]["type"] == {"const": event_type}


def test_contract_schemas_join_the_generated_ones_when_written_out() -> None:
    components = ContractComponents(contract_schemas={"Criteria": {"type": "object"}})
    components.schemas = {"Definition": Schema(title="Definition")}  # as Litestar sets them when it builds
    written = components.to_schema()
    assert list(written["schemas"]) == ["Criteria", "Definition"]
    assert "contract_schemas" not in written
    assert "contractSchemas" not in written


def test_a_name_both_use_is_an_error_not_a_replacement() -> None:
    components = ContractComponents(contract_schemas={"Definition": {"type": "object"}})
    components.schemas = {"Definition": Schema(title="Definition")}
    with pytest.raises(ImproperlyConfiguredException, match="Definition"):
        components.to_schema()
