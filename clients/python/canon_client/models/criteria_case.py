from enum import StrEnum

class CriteriaCase(StrEnum):
    INSENSITIVE = "insensitive"
    SENSITIVE = "sensitive"

    def __str__(self) -> str:
        return str(self.value)
