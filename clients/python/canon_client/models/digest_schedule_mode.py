from enum import StrEnum

class DigestScheduleMode(StrEnum):
    DIGEST = "digest"

    def __str__(self) -> str:
        return str(self.value)
