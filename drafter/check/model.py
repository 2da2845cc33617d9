"""What a proofreading finding is, and the fixed vocabularies around it."""

from __future__ import annotations

from typing import NamedTuple

CATEGORIES = ("conversion", "formulation", "punctuation", "structure")
CATEGORY_LABELS = {
    "conversion": "错词",
    "formulation": "提法过时",
    "punctuation": "标点",
    "structure": "结构",
}
CONFIDENCES = ("high", "medium", "low")
CONFIDENCE_LABELS = {"high": "高", "medium": "中", "low": "低"}
_RANK = {"high": 3, "medium": 2, "low": 1}


def confidence_rank(confidence: str) -> int:
    return _RANK[confidence]


def at_least(confidence: str, minimum: str) -> bool:
    return _RANK[confidence] >= _RANK[minimum]


class Finding(NamedTuple):
    """One located problem in the checked text.

    `line` and `column` are 1-based positions in the extracted text; `paragraph`
    counts non-empty lines, which is what a reader sees as paragraphs. `fix` is
    the replacement `--fix` may apply (only for high confidence); `suggestion`
    is what a person is told.
    """

    rule: str
    category: str
    line: int
    column: int
    paragraph: int | None
    text: str
    suggestion: str
    reason: str
    confidence: str
    context: str = ""
    fix: str | None = None

    @property
    def fixable(self) -> bool:
        return self.confidence == "high" and self.fix is not None

    @property
    def location(self) -> str:
        where = f"{self.line}:{self.column}"
        return f"{where}（第 {self.paragraph} 段）" if self.paragraph else where

    def message(self) -> str:
        """One short Chinese sentence, e.g. for warning about a questionnaire answer."""
        return f"“{self.text}”{self.suggestion_phrase()}（{self.reason.rstrip('。')}）"

    def suggestion_phrase(self) -> str:
        if self.fix == "":
            return "应删去"
        if self.fix is not None:
            return f"应为“{self.fix}”"
        return f"：{self.suggestion}"

    def to_json(self) -> dict:
        return self._asdict()
