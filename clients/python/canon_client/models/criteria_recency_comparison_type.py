from enum import StrEnum

class CriteriaRecencyComparisonType(StrEnum):
    DATE = "date"
    DATETIME = "datetime"

    def __str__(self) -> str:
        return str(self.value)
