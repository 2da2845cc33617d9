"""Form fields from the question model: which control a question gets and what it shows.

Nothing about a question is restated here: label, help, example, choices and
limits come from `Question`; validation and its Chinese messages stay in
`Question.check` (through the session). This module only picks the control and
turns a value into what the control displays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from drafter.document.dates import date_text
from drafter.interview.questions import Question

MULTI_VALUED = ("list", "multichoice", "checklist")  # controls that send a list of strings
RADIO_LIMIT = 6  # up to this many choices show as radio buttons, more as a drop-down list
NOT_CHOSEN = ""  # the "（不选）" option of an optional choice

WIDGETS = {
    "text": "text",
    "textarea": "textarea",
    "int": "number",
    "year": "number",
    "date": "date",
    "bool": "bool",
    "choice": "choice",
    "multichoice": "checkboxes",
    "checklist": "checkboxes",  # the measures actually carried out, each with its description
    "list": "list",
}


@dataclass(frozen=True)
class Field:
    """One question as the page shows it."""

    question: Question
    widget: str
    text: str  # what a one-value control starts with
    items: tuple[str, ...]  # list rows, or the chosen values of check boxes
    example: str  # the example as one line, '' if none
    example_items: tuple[str, ...]  # a list question's example, row by row
    applies: bool
    group_index: int

    @property
    def name(self) -> str:
        return self.question.name

    @property
    def radios(self) -> bool:
        return len(self.question.choices) <= RADIO_LIMIT


def as_text(question: Question, value: object) -> str:
    """A value as a text box shows it (and as `Question.check` reads it back)."""
    if question.is_empty(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, list):
        return "、".join(question.choice_label(str(v)) for v in value)
    return str(value)


def as_items(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None)
    return ()


def make_field(question: Question, value: object, applies: bool, group_index: int) -> Field:
    example = question.example
    example_items = as_items(example) if question.type == "list" else ()
    return Field(
        question=question,
        widget=WIDGETS[question.type],
        text=as_text(question, value) if question.type not in MULTI_VALUED else "",
        items=as_items(value),
        example="" if example is None or example_items else as_text(question, example),
        example_items=example_items,
        applies=applies,
        group_index=group_index,
    )
