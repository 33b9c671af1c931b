from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.criteria_all import CriteriaAll
  from ..models.criteria_any import CriteriaAny
  from ..models.criteria_exists_comparison import CriteriaExistsComparison
  from ..models.criteria_list_comparison import CriteriaListComparison
  from ..models.criteria_not import CriteriaNot
  from ..models.criteria_order_comparison import CriteriaOrderComparison
  from ..models.criteria_prefix_comparison import CriteriaPrefixComparison
  from ..models.criteria_range_comparison import CriteriaRangeComparison
  from ..models.criteria_recency_comparison import CriteriaRecencyComparison
  from ..models.criteria_scalar_comparison import CriteriaScalarComparison


T = TypeVar("T", bound="DefinitionContentPatch")


@_attrs_define
class DefinitionContentPatch:
    """
        Attributes:
            aliases (list[str] | Unset):
            body (str | Unset):
            criteria (CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot |
                CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison |
                CriteriaScalarComparison | None | Unset): A qualification rule tree (docs/api.md, Criteria); also
                schemas/criteria.json.
            effective_date (datetime.date | None | Unset):
            examples (list[str] | Unset):
            owners (list[str] | Unset):
            related (list[str] | Unset):
            required_teams (list[str] | Unset):
            summary (str | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    aliases: list[str] | Unset = UNSET
    body: str | Unset = UNSET
    criteria: CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison | None | Unset = UNSET
    effective_date: datetime.date | None | Unset = UNSET
    examples: list[str] | Unset = UNSET
    owners: list[str] | Unset = UNSET
    related: list[str] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    summary: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.criteria_all import CriteriaAll # noqa: PLC0415
        from ..models.criteria_any import CriteriaAny # noqa: PLC0415
        from ..models.criteria_exists_comparison import CriteriaExistsComparison # noqa: PLC0415
        from ..models.criteria_list_comparison import CriteriaListComparison # noqa: PLC0415
        from ..models.criteria_not import CriteriaNot # noqa: PLC0415
        from ..models.criteria_order_comparison import CriteriaOrderComparison # noqa: PLC0415
        from ..models.criteria_prefix_comparison import CriteriaPrefixComparison # noqa: PLC0415
        from ..models.criteria_range_comparison import CriteriaRangeComparison # noqa: PLC0415
        from ..models.criteria_recency_comparison import CriteriaRecencyComparison # noqa: PLC0415
        from ..models.criteria_scalar_comparison import CriteriaScalarComparison # noqa: PLC0415
        aliases: list[str] | Unset
        if isinstance(self.aliases, Unset):
            aliases = UNSET
        else:
            aliases = self.aliases


        body: str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        criteria: dict[str, Any] | None | Unset
        if isinstance(self.criteria, Unset):
            criteria = UNSET
        elif isinstance(self.criteria, CriteriaAll):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaAny):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaNot):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaScalarComparison):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaOrderComparison):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaListComparison):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaPrefixComparison):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaRangeComparison):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaRecencyComparison):
            criteria = self.criteria.to_dict()
        elif isinstance(self.criteria, CriteriaExistsComparison):
            criteria = self.criteria.to_dict()
        else:
            criteria = self.criteria

        effective_date: None | str | Unset
        if isinstance(self.effective_date, Unset):
            effective_date = UNSET
        elif isinstance(self.effective_date, datetime.date):
            effective_date = self.effective_date.isoformat()
        else:
            effective_date = self.effective_date

        examples: list[str] | Unset
        if isinstance(self.examples, Unset):
            examples = UNSET
        else:
            examples = self.examples


        owners: list[str] | Unset
        if isinstance(self.owners, Unset):
            owners = UNSET
        else:
            owners = self.owners


        related: list[str] | Unset
        if isinstance(self.related, Unset):
            related = UNSET
        else:
            related = self.related


        required_teams: list[str] | Unset
        if isinstance(self.required_teams, Unset):
            required_teams = UNSET
        else:
            required_teams = self.required_teams


        summary: str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        tags: list[str] | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags


        title: str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if aliases is not UNSET:
            field_dict["aliases"] = aliases
        if body is not UNSET:
            field_dict["body"] = body
        if criteria is not UNSET:
            field_dict["criteria"] = criteria
        if effective_date is not UNSET:
            field_dict["effective_date"] = effective_date
        if examples is not UNSET:
            field_dict["examples"] = examples
        if owners is not UNSET:
            field_dict["owners"] = owners
        if related is not UNSET:
            field_dict["related"] = related
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if summary is not UNSET:
            field_dict["summary"] = summary
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.criteria_all import CriteriaAll # noqa: PLC0415
        from ..models.criteria_any import CriteriaAny # noqa: PLC0415
        from ..models.criteria_exists_comparison import CriteriaExistsComparison # noqa: PLC0415
        from ..models.criteria_list_comparison import CriteriaListComparison # noqa: PLC0415
        from ..models.criteria_not import CriteriaNot # noqa: PLC0415
        from ..models.criteria_order_comparison import CriteriaOrderComparison # noqa: PLC0415
        from ..models.criteria_prefix_comparison import CriteriaPrefixComparison # noqa: PLC0415
        from ..models.criteria_range_comparison import CriteriaRangeComparison # noqa: PLC0415
        from ..models.criteria_recency_comparison import CriteriaRecencyComparison # noqa: PLC0415
        from ..models.criteria_scalar_comparison import CriteriaScalarComparison # noqa: PLC0415
        d = dict(src_dict)
        def _parse_aliases(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            aliases_type_0 = cast(list[str], data)

            return aliases_type_0

        aliases = _parse_aliases(d.pop("aliases", UNSET))


        def _parse_body(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))


        def _parse_criteria(data: object) -> CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_group_type_0 = CriteriaAll.from_dict(data)


                return componentsschemas_criteria_group_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_group_type_1 = CriteriaAny.from_dict(data)


                return componentsschemas_criteria_group_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_group_type_2 = CriteriaNot.from_dict(data)


                return componentsschemas_criteria_group_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_0 = CriteriaScalarComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_1 = CriteriaOrderComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_2 = CriteriaListComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_3 = CriteriaPrefixComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_4 = CriteriaRangeComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_5 = CriteriaRecencyComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_6 = CriteriaExistsComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_6
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison | None | Unset, data)

        criteria = _parse_criteria(d.pop("criteria", UNSET))


        def _parse_effective_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                effective_date_type_0 = datetime.date.fromisoformat(data)


                return effective_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        effective_date = _parse_effective_date(d.pop("effective_date", UNSET))


        def _parse_examples(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            examples_type_0 = cast(list[str], data)

            return examples_type_0

        examples = _parse_examples(d.pop("examples", UNSET))


        def _parse_owners(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            owners_type_0 = cast(list[str], data)

            return owners_type_0

        owners = _parse_owners(d.pop("owners", UNSET))


        def _parse_related(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            related_type_0 = cast(list[str], data)

            return related_type_0

        related = _parse_related(d.pop("related", UNSET))


        def _parse_required_teams(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            required_teams_type_0 = cast(list[str], data)

            return required_teams_type_0

        required_teams = _parse_required_teams(d.pop("required_teams", UNSET))


        def _parse_summary(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))


        def _parse_tags(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            tags_type_0 = cast(list[str], data)

            return tags_type_0

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_title(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))


        definition_content_patch = cls(
            aliases=aliases,
            body=body,
            criteria=criteria,
            effective_date=effective_date,
            examples=examples,
            owners=owners,
            related=related,
            required_teams=required_teams,
            summary=summary,
            tags=tags,
            title=title,
        )


        definition_content_patch.additional_properties = d
        return definition_content_patch

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
