""" Contains all the data models used in inputs/outputs """

from .acknowledged_by import AcknowledgedBy
from .acknowledgement_out import AcknowledgementOut
from .acknowledgement_status import AcknowledgementStatus
from .actor import Actor
from .approval_out import ApprovalOut
from .approve import Approve
from .asset import Asset
from .asset_acknowledgement_overdue_event import AssetAcknowledgementOverdueEvent
from .asset_approved_event import AssetApprovedEvent
from .asset_citation_stale_event import AssetCitationStaleEvent
from .asset_content import AssetContent
from .asset_content_create import AssetContentCreate
from .asset_content_patch import AssetContentPatch
from .asset_create import AssetCreate
from .asset_created_event import AssetCreatedEvent
from .asset_draft_updated_event import AssetDraftUpdatedEvent
from .asset_effective_event import AssetEffectiveEvent
from .asset_expired_event import AssetExpiredEvent
from .asset_expiring_event import AssetExpiringEvent
from .asset_list import AssetList
from .asset_published_event import AssetPublishedEvent
from .asset_rejected_event import AssetRejectedEvent
from .asset_restored_event import AssetRestoredEvent
from .asset_retired_event import AssetRetiredEvent
from .asset_review_overdue_event import AssetReviewOverdueEvent
from .asset_review_requested_event import AssetReviewRequestedEvent
from .asset_submitted_event import AssetSubmittedEvent
from .asset_summary import AssetSummary
from .asset_updated_event import AssetUpdatedEvent
from .asset_version import AssetVersion
from .asset_version_create import AssetVersionCreate
from .asset_version_list import AssetVersionList
from .attempt_row import AttemptRow
from .audit_page import AuditPage
from .audit_record import AuditRecord
from .audit_record_detail import AuditRecordDetail
from .batch_evaluate import BatchEvaluate
from .batch_evaluate_records_item import BatchEvaluateRecordsItem
from .batch_result import BatchResult
from .check import Check
from .criteria_all import CriteriaAll
from .criteria_any import CriteriaAny
from .criteria_case import CriteriaCase
from .criteria_exists_comparison import CriteriaExistsComparison
from .criteria_list_comparison import CriteriaListComparison
from .criteria_list_comparison_op import CriteriaListComparisonOp
from .criteria_not import CriteriaNot
from .criteria_order_comparison import CriteriaOrderComparison
from .criteria_order_comparison_op import CriteriaOrderComparisonOp
from .criteria_prefix_comparison import CriteriaPrefixComparison
from .criteria_range_comparison import CriteriaRangeComparison
from .criteria_recency_comparison import CriteriaRecencyComparison
from .criteria_recency_comparison_type import CriteriaRecencyComparisonType
from .criteria_scalar_comparison import CriteriaScalarComparison
from .criteria_scalar_comparison_op import CriteriaScalarComparisonOp
from .criteria_value_type import CriteriaValueType
from .definition import Definition
from .definition_acknowledgement_overdue_event import DefinitionAcknowledgementOverdueEvent
from .definition_approved_event import DefinitionApprovedEvent
from .definition_citation_stale_event import DefinitionCitationStaleEvent
from .definition_content import DefinitionContent
from .definition_content_patch import DefinitionContentPatch
from .definition_create import DefinitionCreate
from .definition_created_event import DefinitionCreatedEvent
from .definition_draft_updated_event import DefinitionDraftUpdatedEvent
from .definition_effective_event import DefinitionEffectiveEvent
from .definition_expired_event import DefinitionExpiredEvent
from .definition_expiring_event import DefinitionExpiringEvent
from .definition_list import DefinitionList
from .definition_published_event import DefinitionPublishedEvent
from .definition_rejected_event import DefinitionRejectedEvent
from .definition_restored_event import DefinitionRestoredEvent
from .definition_retired_event import DefinitionRetiredEvent
from .definition_review_overdue_event import DefinitionReviewOverdueEvent
from .definition_review_requested_event import DefinitionReviewRequestedEvent
from .definition_submitted_event import DefinitionSubmittedEvent
from .definition_summary import DefinitionSummary
from .definition_updated_event import DefinitionUpdatedEvent
from .definition_used import DefinitionUsed
from .definition_version import DefinitionVersion
from .definition_version_create import DefinitionVersionCreate
from .definition_version_list import DefinitionVersionList
from .delivery_detail import DeliveryDetail
from .delivery_page import DeliveryPage
from .delivery_row import DeliveryRow
from .delivery_status import DeliveryStatus
from .dependent_out import DependentOut
from .dependents_out import DependentsOut
from .digest_data import DigestData
from .digest_schedule import DigestSchedule
from .digest_schedule_mode import DigestScheduleMode
from .direct_upload import DirectUpload
from .direct_upload_complete import DirectUploadComplete
from .direct_upload_headers import DirectUploadHeaders
from .direct_upload_start import DirectUploadStart
from .each_event import EachEvent
from .each_event_mode import EachEventMode
from .entry_event_data import EntryEventData
from .entry_kind_name import EntryKindName
from .entry_status_filter import EntryStatusFilter
from .entry_update import EntryUpdate
from .evaluate import Evaluate
from .evaluate_record import EvaluateRecord
from .evaluation_result import EvaluationResult
from .event import Event
from .event_acknowledgements_due import EventAcknowledgementsDue
from .event_actor import EventActor
from .event_addressee import EventAddressee
from .event_approver import EventApprover
from .event_data import EventData
from .event_digest_entry import EventDigestEntry
from .event_digest_line import EventDigestLine
from .event_digest_period import EventDigestPeriod
from .event_kind import EventKind
from .event_page import EventPage
from .event_review import EventReview
from .event_review_request import EventReviewRequest
from .event_stale_citation import EventStaleCitation
from .event_stale_dependent import EventStaleDependent
from .every import Every
from .field_change import FieldChange
from .field_error import FieldError
from .health import Health
from .issued_key import IssuedKey
from .issued_search_token import IssuedSearchToken
from .key_create import KeyCreate
from .key_owner import KeyOwner
from .key_page import KeyPage
from .key_record import KeyRecord
from .line_diff import LineDiff
from .me import Me
from .message import Message
from .message_acknowledgement_overdue_event import MessageAcknowledgementOverdueEvent
from .message_approved_event import MessageApprovedEvent
from .message_citation_stale_event import MessageCitationStaleEvent
from .message_content import MessageContent
from .message_content_message_type import MessageContentMessageType
from .message_content_patch import MessageContentPatch
from .message_content_patch_message_type import MessageContentPatchMessageType
from .message_create import MessageCreate
from .message_created_event import MessageCreatedEvent
from .message_draft_updated_event import MessageDraftUpdatedEvent
from .message_effective_event import MessageEffectiveEvent
from .message_expired_event import MessageExpiredEvent
from .message_expiring_event import MessageExpiringEvent
from .message_list import MessageList
from .message_published_event import MessagePublishedEvent
from .message_rejected_event import MessageRejectedEvent
from .message_restored_event import MessageRestoredEvent
from .message_retired_event import MessageRetiredEvent
from .message_review_overdue_event import MessageReviewOverdueEvent
from .message_review_requested_event import MessageReviewRequestedEvent
from .message_submitted_event import MessageSubmittedEvent
from .message_summary import MessageSummary
from .message_type_name import MessageTypeName
from .message_updated_event import MessageUpdatedEvent
from .message_version import MessageVersion
from .message_version_create import MessageVersionCreate
from .message_version_list import MessageVersionList
from .open_version_out import OpenVersionOut
from .outstanding import Outstanding
from .outstanding_page import OutstandingPage
from .pending_person import PendingPerson
from .people_page import PeoplePage
from .person_create import PersonCreate
from .person_out import PersonOut
from .person_update import PersonUpdate
from .problem import Problem
from .queued import Queued
from .record_evaluation import RecordEvaluation
from .record_result import RecordResult
from .reference import Reference
from .reference_kind import ReferenceKind
from .reject import Reject
from .replay_type_0 import ReplayType0
from .replay_type_1 import ReplayType1
from .review_item import ReviewItem
from .review_page import ReviewPage
from .role import Role
from .rotate_secret import RotateSecret
from .rule_change import RuleChange
from .rule_change_change import RuleChangeChange
from .rule_outcome import RuleOutcome
from .search_hit import SearchHit
from .search_page import SearchPage
from .search_page_facets import SearchPageFacets
from .search_page_facets_additional_property import SearchPageFacetsAdditionalProperty
from .search_token_create import SearchTokenCreate
from .stale_citation import StaleCitation
from .stale_citation_out import StaleCitationOut
from .team_acknowledgements import TeamAcknowledgements
from .upcoming_out import UpcomingOut
from .version_diff import VersionDiff
from .webhook_create import WebhookCreate
from .webhook_digest_event import WebhookDigestEvent
from .webhook_disabled_event import WebhookDisabledEvent
from .webhook_event_data import WebhookEventData
from .webhook_format import WebhookFormat
from .webhook_out import WebhookOut
from .webhook_page import WebhookPage
from .webhook_test_data import WebhookTestData
from .webhook_test_event import WebhookTestEvent
from .webhook_update import WebhookUpdate
from .webhook_with_secret import WebhookWithSecret
from .weekday import Weekday

__all__ = (
    "AcknowledgedBy",
    "AcknowledgementOut",
    "AcknowledgementStatus",
    "Actor",
    "ApprovalOut",
    "Approve",
    "Asset",
    "AssetAcknowledgementOverdueEvent",
    "AssetApprovedEvent",
    "AssetCitationStaleEvent",
    "AssetContent",
    "AssetContentCreate",
    "AssetContentPatch",
    "AssetCreate",
    "AssetCreatedEvent",
    "AssetDraftUpdatedEvent",
    "AssetEffectiveEvent",
    "AssetExpiredEvent",
    "AssetExpiringEvent",
    "AssetList",
    "AssetPublishedEvent",
    "AssetRejectedEvent",
    "AssetRestoredEvent",
    "AssetRetiredEvent",
    "AssetReviewOverdueEvent",
    "AssetReviewRequestedEvent",
    "AssetSubmittedEvent",
    "AssetSummary",
    "AssetUpdatedEvent",
    "AssetVersion",
    "AssetVersionCreate",
    "AssetVersionList",
    "AttemptRow",
    "AuditPage",
    "AuditRecord",
    "AuditRecordDetail",
    "BatchEvaluate",
    "BatchEvaluateRecordsItem",
    "BatchResult",
    "Check",
    "CriteriaAll",
    "CriteriaAny",
    "CriteriaCase",
    "CriteriaExistsComparison",
    "CriteriaListComparison",
    "CriteriaListComparisonOp",
    "CriteriaNot",
    "CriteriaOrderComparison",
    "CriteriaOrderComparisonOp",
    "CriteriaPrefixComparison",
    "CriteriaRangeComparison",
    "CriteriaRecencyComparison",
    "CriteriaRecencyComparisonType",
    "CriteriaScalarComparison",
    "CriteriaScalarComparisonOp",
    "CriteriaValueType",
    "Definition",
    "DefinitionAcknowledgementOverdueEvent",
    "DefinitionApprovedEvent",
    "DefinitionCitationStaleEvent",
    "DefinitionContent",
    "DefinitionContentPatch",
    "DefinitionCreate",
    "DefinitionCreatedEvent",
    "DefinitionDraftUpdatedEvent",
    "DefinitionEffectiveEvent",
    "DefinitionExpiredEvent",
    "DefinitionExpiringEvent",
    "DefinitionList",
    "DefinitionPublishedEvent",
    "DefinitionRejectedEvent",
    "DefinitionRestoredEvent",
    "DefinitionRetiredEvent",
    "DefinitionReviewOverdueEvent",
    "DefinitionReviewRequestedEvent",
    "DefinitionSubmittedEvent",
    "DefinitionSummary",
    "DefinitionUpdatedEvent",
    "DefinitionUsed",
    "DefinitionVersion",
    "DefinitionVersionCreate",
    "DefinitionVersionList",
    "DeliveryDetail",
    "DeliveryPage",
    "DeliveryRow",
    "DeliveryStatus",
    "DependentOut",
    "DependentsOut",
    "DigestData",
    "DigestSchedule",
    "DigestScheduleMode",
    "DirectUpload",
    "DirectUploadComplete",
    "DirectUploadHeaders",
    "DirectUploadStart",
    "EachEvent",
    "EachEventMode",
    "EntryEventData",
    "EntryKindName",
    "EntryStatusFilter",
    "EntryUpdate",
    "Evaluate",
    "EvaluateRecord",
    "EvaluationResult",
    "Event",
    "EventAcknowledgementsDue",
    "EventActor",
    "EventAddressee",
    "EventApprover",
    "EventData",
    "EventDigestEntry",
    "EventDigestLine",
    "EventDigestPeriod",
    "EventKind",
    "EventPage",
    "EventReview",
    "EventReviewRequest",
    "EventStaleCitation",
    "EventStaleDependent",
    "Every",
    "FieldChange",
    "FieldError",
    "Health",
    "IssuedKey",
    "IssuedSearchToken",
    "KeyCreate",
    "KeyOwner",
    "KeyPage",
    "KeyRecord",
    "LineDiff",
    "Me",
    "Message",
    "MessageAcknowledgementOverdueEvent",
    "MessageApprovedEvent",
    "MessageCitationStaleEvent",
    "MessageContent",
    "MessageContentMessageType",
    "MessageContentPatch",
    "MessageContentPatchMessageType",
    "MessageCreate",
    "MessageCreatedEvent",
    "MessageDraftUpdatedEvent",
    "MessageEffectiveEvent",
    "MessageExpiredEvent",
    "MessageExpiringEvent",
    "MessageList",
    "MessagePublishedEvent",
    "MessageRejectedEvent",
    "MessageRestoredEvent",
    "MessageRetiredEvent",
    "MessageReviewOverdueEvent",
    "MessageReviewRequestedEvent",
    "MessageSubmittedEvent",
    "MessageSummary",
    "MessageTypeName",
    "MessageUpdatedEvent",
    "MessageVersion",
    "MessageVersionCreate",
    "MessageVersionList",
    "OpenVersionOut",
    "Outstanding",
    "OutstandingPage",
    "PendingPerson",
    "PeoplePage",
    "PersonCreate",
    "PersonOut",
    "PersonUpdate",
    "Problem",
    "Queued",
    "RecordEvaluation",
    "RecordResult",
    "Reference",
    "ReferenceKind",
    "Reject",
    "ReplayType0",
    "ReplayType1",
    "ReviewItem",
    "ReviewPage",
    "Role",
    "RotateSecret",
    "RuleChange",
    "RuleChangeChange",
    "RuleOutcome",
    "SearchHit",
    "SearchPage",
    "SearchPageFacets",
    "SearchPageFacetsAdditionalProperty",
    "SearchTokenCreate",
    "StaleCitation",
    "StaleCitationOut",
    "TeamAcknowledgements",
    "UpcomingOut",
    "VersionDiff",
    "WebhookCreate",
    "WebhookDigestEvent",
    "WebhookDisabledEvent",
    "WebhookEventData",
    "WebhookFormat",
    "WebhookOut",
    "WebhookPage",
    "WebhookTestData",
    "WebhookTestEvent",
    "WebhookUpdate",
    "WebhookWithSecret",
    "Weekday",
)
