"""A finding: one problem at one place, small and sortable."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    check: str
    severity: Severity
    message: str

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"
