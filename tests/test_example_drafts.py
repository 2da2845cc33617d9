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
CHECKLISTS = [f"s{n}_done" for n in range(1, 7)]
CORRUPTED = ("效劳", "根底", "广阔群众", "假设干", "〝", "〞", "局部地区", "治理制度")
# Dated formulations come from wording(), never typed into an outline: the common ones, and
# each organisation's own laws, plans and congresses.
FROZEN = ("二十大精神", "十四五", "十五五", "以习近平同志为核心")
FROZEN_OWN = {
    "six-adherences": (),
    "kexie": ("全国科普日", "全国科普月"),
    "gonghui": (),
    "gongqingtuan": ("中长期青年发展规划", "团的十九大", "十九大", "关于青年工作的重要思想",
                     "关于青年工作的重要论述"),
    "fulian": ("二十大", "十三大", "家庭教育促进法", "反家庭暴力法》", "2021—2030"),
}
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


@pytest.mark.parametrize("folder", sorted(FROZEN_OWN))
def test_templates_hold_no_corrupted_or_frozen_wording(folder):
    for path in (REPO / "templates" / folder).iterdir():
        text = path.read_text(encoding="utf-8")
        assert [word for word in CORRUPTED if word in text] == [], path.name
        if path.suffix == ".j2":
            frozen = FROZEN + FROZEN_OWN[folder]
            assert [word for word in frozen if word in text] == [], path.name


@pytest.mark.parametrize("org", ORGANISATIONS)
def test_example_answers_tick_only_measures_the_template_offers(org):
    template = load_template(org)
    for path in EXAMPLES[org]:
        values = values_of(path)
        for checklist in CHECKLISTS:
            offered = {c.value for c in template.question(checklist).choices}
            assert values[checklist] and set(values[checklist]) <= offered, (path.name, checklist)
