from enum import StrEnum

class EachEventMode(StrEnum):
    EACH = "each"

    def __str__(self) -> str:
        return str(self.value)
