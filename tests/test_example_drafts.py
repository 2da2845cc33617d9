"""Every example county of every organisation template, in both genres (issue 17).

What each draft must show, whatever the organisation: a length that fits its genre, no
proofreading finding on its own date, none of the seams a template can leave, and text
of its own beside the other example county of the same template (benchmarks/overlap.py).
The per-organisation files test what is particular to each template.
"""

from __future__ import annotations

import pytest
from conftest import REPO
from drafts import overlap_rows, render, values_of

from drafter.check import check_document
from drafter.document.measure import measure
from drafter.templates.loader import load_template

ORGANISATIONS = ("kexie", "gonghui", "gongqingtuan", "fulian")
GENRES = ("written", "spoken")
EXAMPLES = {org: sorted([REPO / "examples" / f"{org}.yaml",
                         *(REPO / "examples").glob(f"{org}-*.yaml")])
            for org in ORGANISATIONS}
CASES = [(org, path.stem, genre) for org in ORGANISATIONS for path in EXAMPLES[org]
         for genre in GENRES]
SEAMS = ("”、“", "……。", "必须坚持的“六个坚持”", "“六个坚持”不动摇",
         "效劳", "根底", "广阔群众", "假设干", "〝", "〞", "【待补充")


@pytest.fixture(scope="module")
def drafts():
    result = {}
    for org in ORGANISATIONS:
        template = load_template(org)
        for path in EXAMPLES[org]:
            values = values_of(path)
            for genre in GENRES:
                result[org, path.stem, genre] = (render(template, {**values, "genre": genre}),
                                                 values)
    return result


def test_every_organisation_has_two_example_counties():
    assert all(len(paths) == 2 for paths in EXAMPLES.values()), EXAMPLES


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_the_length_fits_the_genre(drafts, case):
    document, _ = drafts[case]
    low, high = (4000, 6000) if case[2] == "written" else (2200, 3000)
    assert low <= measure(document).total <= high


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_the_draft_reads_clean_on_its_date_with_no_seams(drafts, case):
    document, values = drafts[case]
    assert check_document(document, date=values["date"]) == []
    assert check_document(document, year=values["year"]) == []
    text = "\n".join(block.text for block in document.blocks)
    assert [seam for seam in SEAMS if seam in text] == []


@pytest.mark.parametrize("org", ORGANISATIONS)
def test_two_counties_share_at_most_forty_percent(org):
    rows = overlap_rows(org)
    assert {row[1] for row in rows} == set(GENRES)
    for row in rows:
        assert max(row[4], row[5]) <= 0.40, row
