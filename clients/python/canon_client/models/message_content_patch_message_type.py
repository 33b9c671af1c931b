from enum import StrEnum

class MessageContentPatchMessageType(StrEnum):
    OBJECTION_HANDLING = "objection_handling"
    OTHER = "other"
    POSITIONING = "positioning"
    TALK_TRACK = "talk_track"
    VALUE_PROPOSITION = "value_proposition"

    def __str__(self) -> str:
        return str(self.value)
