from enum import StrEnum

class EntryStatusFilter(StrEnum):
    ANY = "any"
    APPROVED = "approved"
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    RETIRED = "retired"

    def __str__(self) -> str:
        return str(self.value)
