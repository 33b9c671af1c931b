from enum import StrEnum

class CriteriaScalarComparisonOp(StrEnum):
    CONTAINS = "contains"
    EQ = "eq"
    NE = "ne"

    def __str__(self) -> str:
        return str(self.value)
