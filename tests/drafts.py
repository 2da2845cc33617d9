"""Reading an organisation template's drafts the way its content tests do (issue 17).

Shared by the per-organisation content tests (test_kexie_content, test_template_fulian …):
answers from an example file, a draft rendered from plain values, its sections, its text,
and the overlap measure of benchmarks/overlap.py between a template's example counties.
"""

from __future__ import annotations

import importlib.util

from conftest import REPO

from drafter.document.model import Kind


def values_of(path) -> dict:
    from drafter.interview.answers import read_answers

    return dict(read_answers(path).values)


def render(template, values: dict):
    """The Document for `values`, checked as an answers file would be."""
    from drafter.interview.answers import AnswersFile
    from drafter.render.pipeline import check_answers, draft_from_values

    clean, _ = check_answers(template, AnswersFile("test.yaml", values=values))
    return draft_from_values(template, clean).document


def sections(document) -> dict[str, list[str]]:
    """Level-1 heading text → the texts of the paragraphs under it (closing excluded)."""
    result: dict[str, list[str]] = {}
    current = None
    for block in document.blocks:
        if block.kind is Kind.HEADING and block.level == 1:
            current = block.text
            result[current] = []
        elif current and block.kind is Kind.PARAGRAPH and not block.closing:
            result[current].append(block.text)
    return result


def text_of(document) -> str:
    return "\n".join(block.text for block in document.blocks)


def overlap_module():
    """benchmarks/overlap.py, the one measure of how alike two drafts read."""
    spec = importlib.util.spec_from_file_location("overlap", REPO / "benchmarks" / "overlap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def overlap_rows(template_id: str) -> list[tuple]:
    """benchmarks/overlap.py's figures for one template: (template, genre, a, b, a's share,
    b's share) for every pair of its example counties in both genres."""
    return [row for row in overlap_module().figures() if row[0] == template_id]
