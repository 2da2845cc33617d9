"""Every built-in template's example renders to a draft the checker finds clean."""

from pathlib import Path

import pytest

from drafter.check import check_document

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_rendered_example_checks_clean_at_every_confidence(example):
    from drafter.interview.answers import read_answers
    from drafter.render.pipeline import draft_from_answers
    from drafter.templates.loader import load_template

    answers = read_answers(example)
    draft = draft_from_answers(load_template(answers.template_id or example.stem), answers)
    assert [(f.rule, f.text, f.line) for f in check_document(draft.document)] == []


def test_there_are_examples_to_check():
    assert len(EXAMPLES) >= 4
