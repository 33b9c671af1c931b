from enum import StrEnum

class EntryKindName(StrEnum):
    ASSET = "asset"
    DEFINITION = "definition"
    MESSAGE = "message"

    def __str__(self) -> str:
        return str(self.value)
