from enum import StrEnum

class Role(StrEnum):
    ADMIN = "admin"
    APPROVER = "approver"
    EDITOR = "editor"
    READER = "reader"

    def __str__(self) -> str:
        return str(self.value)
