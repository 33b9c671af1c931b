from enum import StrEnum

class EventKind(StrEnum):
    ASSET = "asset"
    DEFINITION = "definition"
    MESSAGE = "message"
    WEBHOOK = "webhook"

    def __str__(self) -> str:
        return str(self.value)
