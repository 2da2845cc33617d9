"""Measure checklists: which practices the organisation really carried out.

A section's measures (做法) are the choices of a `checklist` question; each has a
value (its id), a label and a one-line `help`. A fact that belongs to one measure
names it with `measure:`; it is asked only while that measure is ticked. The
outline writes each measure's paragraph inside ``{% if did("id") %}``, so nothing
in the measures part is claimed unless the user ticked it.

Here: linking facts to their checklists when a template loads, and which ticks a
draft keeps (a spoken draft keeps only the first `spoken_max` of each section).
"""

from __future__ import annotations

from drafter.errors import Problem
from drafter.files.schema import did_you_mean
from drafter.interview.questions import Question

SPOKEN_MAX = 2  # measures per section a spoken draft keeps unless the checklist says otherwise


def measure_owners(questions: tuple[Question, ...] | list[Question]) -> dict[str, Question]:
    """Measure id → the checklist question offering it (the first, if an id repeats)."""
    owners: dict[str, Question] = {}
    for question in questions:
        if question.is_checklist:
            for choice in question.choices:
                owners.setdefault(choice.value, question)
    return owners


def link_measures(questions: list[Question], own_file: str = "") -> tuple[list[Question],
                                                                         list[Problem]]:
    """Give each measure's fact its checklist; report ids that repeat or lead nowhere.

    A fact inherited from a parent whose measure the child's checklist no longer offers
    goes with its measure (a child that rewrites a checklist need not remove each fact);
    a fact defined in the template's own `own_file` must name a measure that exists.
    """
    problems: list[Problem] = []
    owners: dict[str, Question] = {}
    for question in questions:
        if not question.is_checklist:
            continue
        for choice in question.choices:
            first = owners.setdefault(choice.value, question)
            if first is not question:
                problems.append(Problem(
                    f"做法“{choice.value}”在做法清单 {first.name} 中已经有了。每项做法的 value "
                    "在整个模板中必须各不相同。", file=question.source, line=question.line,
                    field=question.name))
    position = {q.name: i for i, q in enumerate(questions)}
    linked = []
    for question in questions:
        if question.measure:
            owner = owners.get(question.measure)
            if owner is None and own_file and question.source != own_file:
                continue  # inherited fact of a measure this template dropped
            if owner is None:
                hint = did_you_mean(question.measure, set(owners))
                problems.append(Problem(
                    f"measure 指定的做法“{question.measure}”不在任何做法清单（checklist）中。{hint}"
                    .rstrip(), file=question.source, line=question.line, field=question.name))
            elif position[owner.name] > position[question.name]:
                problems.append(Problem(
                    f"它属于做法“{question.measure}”，但做法清单 {owner.name} 排在它后面。"
                    "请把做法清单放在它的事实问题之前（可用 after 调整位置）。",
                    file=question.source, line=question.line, field=question.name))
            else:
                question = question._replace(checklist=owner.name)
        linked.append(question)
    return linked, problems


def kept(checklist: Question, ticked: object, spoken: bool) -> list[str]:
    """The ticks a draft uses, in the order the answers give them."""
    if not isinstance(ticked, (list, tuple)):
        return []
    values = [value for value in ticked if isinstance(value, str)]
    if spoken:
        limit = checklist.spoken_max if checklist.spoken_max is not None else SPOKEN_MAX
        values = values[:limit]
    return values
