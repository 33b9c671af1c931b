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
    """ A partial edit of a draft: absent fields stay as they are, `null` clears the nullable ones.

        Attributes:
            acknowledge_teams (list[str] | Unset):
            aliases (list[str] | Unset):
            body (str | Unset):
            criteria (CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot |
                CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison |
                CriteriaScalarComparison | None | Unset):
            effective_date (datetime.date | None | Unset):
            examples (list[str] | Unset):
            owners (list[str] | Unset):
            related (list[str] | Unset):
            required_teams (list[str] | Unset):
            summary (str | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    acknowledge_teams: list[str] | Unset = UNSET
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
        acknowledge_teams: list[str] | Unset = UNSET
        if not isinstance(self.acknowledge_teams, Unset):
            acknowledge_teams = self.acknowledge_teams


        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases


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

        examples: list[str] | Unset = UNSET
        if not isinstance(self.examples, Unset):
            examples = self.examples


        owners: list[str] | Unset = UNSET
        if not isinstance(self.owners, Unset):
            owners = self.owners


        related: list[str] | Unset = UNSET
        if not isinstance(self.related, Unset):
            related = self.related


        required_teams: list[str] | Unset = UNSET
        if not isinstance(self.required_teams, Unset):
            required_teams = self.required_teams


        summary = self.summary

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        title = self.title


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if acknowledge_teams is not UNSET:
            field_dict["acknowledge_teams"] = acknowledge_teams
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
        acknowledge_teams = cast(list[str], d.pop("acknowledge_teams", UNSET))


        aliases = cast(list[str], d.pop("aliases", UNSET))


        body = d.pop("body", UNSET)

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


        examples = cast(list[str], d.pop("examples", UNSET))


        owners = cast(list[str], d.pop("owners", UNSET))


        related = cast(list[str], d.pop("related", UNSET))


        required_teams = cast(list[str], d.pop("required_teams", UNSET))


        summary = d.pop("summary", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))


        title = d.pop("title", UNSET)

        definition_content_patch = cls(
            acknowledge_teams=acknowledge_teams,
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

        return definition_content_patch
