from enum import StrEnum

class ReferenceKind(StrEnum):
    ASSET = "asset"
    DEFINITION = "definition"
    MESSAGE = "message"

    def __str__(self) -> str:
        return str(self.value)
