"""The 妇联 template as a county women's federation gets it (issue 17): only ticked measures,
wordings current on the document's date, the right length for the genre, no proofreading
findings, and two example counties that do not read alike."""

import datetime as dt
import re

import pytest
from conftest import REPO
from drafts import render, sections, text_of, values_of

from drafter.check import check_document
from drafter.document.model import Kind
from drafter.templates.loader import load_template

EXAMPLES = {"安澜": REPO / "examples" / "fulian.yaml",
            "鹿溪": REPO / "examples" / "fulian-luxi.yaml"}
GENRES = ("written", "spoken")
CHECKLISTS = [f"s{n}_done" for n in range(1, 7)]
OWN = [f"s{n}_own" for n in range(1, 7)]
NUMBERED = re.compile(r"^(一是|二是|三是|四是|五是|六是|七是|八是|我们重点)")
SEAMS = ("必须坚持的“六个坚持”", "坚持“六个坚持”不动摇", "……。", "”、“", "》、《")


def unnumbered(texts) -> set[str]:
    """Spoken measures start 一是/二是 by their neighbours; compare without it."""
    return {NUMBERED.sub("", text) for text in texts}


def bare(values: dict) -> dict:
    """The answers with no measure ticked and no paragraph of the county's own."""
    return {k: v for k, v in values.items() if k not in CHECKLISTS + OWN}


@pytest.fixture(scope="module")
def fulian():
    return load_template("fulian")


@pytest.fixture(scope="module")
def drafts(fulian):
    return {(county, genre): render(fulian, {**values_of(path), "genre": genre})
            for county, path in EXAMPLES.items() for genre in GENRES}


# ---------------------------------------------------------------- only what was ticked


@pytest.mark.parametrize("genre", GENRES)
def test_with_nothing_ticked_a_section_is_its_heading_and_positioning_paragraph(fulian, genre):
    values = {**bare(values_of(EXAMPLES["安澜"])), "genre": genre}
    for phrasing in range(1, 13):  # enough wordings to meet all three of every paragraph
        document = render(fulian, {**values, "phrasing": phrasing})
        found = sections(document)
        assert len(found) == 6
        for heading, paragraphs in found.items():
            assert len(paragraphs) == 1, (phrasing, heading, paragraphs)
            assert not re.search(r"我们|[0-9]|一是|全年|一年来|近年来", paragraphs[0]), paragraphs[0]


@pytest.mark.parametrize("genre", GENRES)
def test_every_measure_sentence_comes_from_its_own_tick(fulian, genre):
    """Ticked alone, each measure adds paragraphs no other tick produces; ticking them all
    adds exactly their union (a spoken draft: the first two of each section)."""
    # every fact of every measure filled in, so each measure writes all its sentences
    base = {**bare(values_of(EXAMPLES["安澜"])), **bare(values_of(EXAMPLES["鹿溪"])),
            "org_full_name": "安澜县妇女联合会", "county": "安澜县", "genre": genre,
            "campaign": "党纪学习教育", "report_items": ["年度工作要点"]}
    for question in fulian.questions:
        if question.measure:
            assert base.get(question.name) not in (None, "", []), question.name
    empty = {h: set(p) for h, p in sections(render(fulian, base)).items()}
    own: dict[str, set[str]] = {}
    everything = dict(base)
    for checklist in CHECKLISTS:
        question = fulian.question(checklist)
        for choice in question.choices:
            found = sections(render(fulian, {**base, checklist: [choice.value]}))
            added = {p for h, ps in found.items() for p in ps if p not in empty[h]}
            assert added, choice.value  # a ticked measure says something
            own[choice.value] = unnumbered(added)
        everything[checklist] = [choice.value for choice in question.choices]
    measures = list(own)
    for i, a in enumerate(measures):
        for b in measures[i + 1:]:
            assert not own[a] & own[b], (a, b)
    kept = [m for checklist in CHECKLISTS
            for m in (everything[checklist][:2] if genre == "spoken" else everything[checklist])]
    all_found = sections(render(fulian, everything))
    all_added = {p for h, ps in all_found.items() for p in ps if p not in empty[h]}
    assert unnumbered(all_added) == set().union(*(own[m] for m in kept))


def test_a_measure_without_its_facts_keeps_its_practice_sentence(fulian):
    """A fact left empty drops its own sentence only; the practice is still reported."""
    values = {**bare(values_of(EXAMPLES["安澜"])), "s4_done": ["parenting"]}
    for fact in ("parenting_sites", "parenting_events"):
        values.pop(fact)
    full = text_of(render(fulian, {**values, "parenting_sites": 96, "parenting_events": 340}))
    assert "家庭教育指导服务站点96个" in full and "340场次" in full
    thin = text_of(render(fulian, values))
    assert "办好家长学校" in thin
    assert "站点96个" not in thin and "场次" not in thin and "【" not in thin


def test_the_questionnaire_asks_a_measures_facts_only_once_it_is_ticked(fulian):
    from drafter.interview.session import InterviewSession

    session = InterviewSession.open(fulian, persist=False)
    asked = {q.name for q in session.applicable()}
    facts = {q.name for q in fulian.questions if q.measure}
    assert len(facts) >= 40 and not asked & facts
    assert session.set("s4_done", ["parenting", "mom_posts"]) == ""
    asked = {q.name for q in session.applicable()}
    assert asked & facts == {"parenting_sites", "parenting_events", "mom_posts"}


# ---------------------------------------------------------------- current for its date


def test_wordings_follow_the_document_date(fulian):
    values = values_of(EXAMPLES["鹿溪"])  # its closing names the five-year plan period
    values["s4_done"] = ["parenting", *values["s4_done"]]
    values["parenting_sites"] = 40
    documents = {day: render(fulian, {**values, "genre": "written", "year": day.year,
                                      "date": day})
                 for day in (dt.date(2021, 6, 1), dt.date(2024, 9, 1), dt.date(2026, 9, 1))}
    for day, document in documents.items():  # the checker reads the same data file
        assert check_document(document, date=day) == [], day
    before, early, late = (text_of(document) for document in documents.values())
    assert "党的二十大和二十届二中、三中全会精神" in early
    assert "党的二十大和二十届历次全会精神" not in early
    assert "党的二十大和二十届历次全会精神" in late and "二中、三中全会" not in late
    assert "“十四五”" in early and "“十五五”" not in early
    assert "“十五五”" in late and "“十四五”" not in late
    # a closing looks ahead: once the 十五五 proposal is adopted (2025-10-23) it speaks of 十五五
    autumn = render(fulian, {**values, "genre": "written", "year": 2025,
                             "date": dt.date(2025, 11, 20)})
    assert check_document(autumn, date=dt.date(2025, 11, 20)) == []
    assert "“十五五”时期" in text_of(autumn) and "“十四五”" not in text_of(autumn)
    for text in (early, late):
        assert "中国妇女十三大精神" in text
        assert "《中华人民共和国家庭教育促进法》" in text
        assert "《中国妇女发展纲要（2021—2030年）》" in text
    # before the congress, the law and the outlines: their sentences are left out whole
    assert "党的二十大" not in before and "十三大" not in before
    assert "家庭教育促进法" not in before and "发展纲要" not in before
    assert "办好家长学校" in before  # the practice itself is still reported
    assert "2021年6月1日" in before and "2026年9月1日" in late  # the signature follows


def test_laws_and_outlines_are_cited_only_while_they_exist(fulian):
    """反家庭暴力法 from its adoption (2015-12-27); the 2021—2030 outlines until 2030 ends."""
    values = {**values_of(EXAMPLES["安澜"]), "s6_done": ["anti_dv", "development_plans"]}
    texts = {day: text_of(render(fulian, {**values, "year": day.year, "date": day}))
             for day in (dt.date(2015, 12, 1), dt.date(2016, 3, 1), dt.date(2031, 3, 1))}
    assert "反家庭暴力法" not in texts[dt.date(2015, 12, 1)]
    assert "保护伞" in texts[dt.date(2015, 12, 1)]  # the practice is still reported
    assert "《中华人民共和国反家庭暴力法》明确了" in texts[dt.date(2016, 3, 1)]
    assert "发展纲要" not in texts[dt.date(2031, 3, 1)]
    assert "妇女发展规划、儿童发展规划实施" in texts[dt.date(2031, 3, 1)]


# ---------------------------------------------------------------- the two example counties


def test_the_two_counties_tick_different_measures_and_wordings(drafts):
    anlan, luxi = (values_of(path) for path in EXAMPLES.values())
    for checklist in CHECKLISTS:  # what each county tells the meeting differs in substance
        assert not set(anlan[checklist][:2]) & set(luxi[checklist][:2]), checklist
    a, b = drafts[("安澜", "written")], drafts[("鹿溪", "written")]
    assert a.title != b.title

    def first_paragraph(document):
        return next(b.text for b in document.blocks if b.kind is Kind.PARAGRAPH)

    assert first_paragraph(a)[:20] != first_paragraph(b)[:20]  # different opening wordings


def test_the_spoken_form_speaks(drafts):
    spoken = drafts[("鹿溪", "spoken")]
    text = text_of(spoken)
    assert "践行“六个坚持”的做法和体会作简要交流" in text and text.rstrip().endswith("谢谢大家！")
    assert not [b for b in spoken.blocks if b.kind in (Kind.SIGNATURE, Kind.DATE)]
    for heading, paragraphs in sections(spoken).items():
        numbered = [p for p in paragraphs if re.match("(一|二|三)是", p)]
        assert [p[:2] for p in numbered] == ["一是", "二是"], heading
    values = values_of(EXAMPLES["鹿溪"])
    assert values["s4_done"][2] == "spring_bud"
    assert "“春蕾计划”" not in text  # the third tick is left to the written form
    assert "“春蕾计划”" in text_of(drafts[("鹿溪", "written")])


def test_title_patterns_carry_the_county(fulian):
    values = {**values_of(EXAMPLES["安澜"]), "phrasing": None}
    for style in ("1", "2", "3"):
        document = render(fulian, {**values, "title_style": style})
        subtitle = [b.text for b in document.blocks if b.kind is Kind.SUBTITLE]
        assert "安澜" in document.title + "".join(subtitle), style
    assert render(fulian, {**values, "title_style": "2"}).title == \
        "安澜县妇女联合会践行“六个坚持”经验交流材料"
    themes = set()
    for phrasing in range(1, 13):
        document = render(fulian, {**values, "title_style": "1", "phrasing": phrasing})
        assert "安澜" in document.title
        themes.add(document.title)
    assert len(themes) == 3


def test_fixed_prose_has_three_wordings_chosen_by_the_organisation(fulian):
    values = values_of(EXAMPLES["安澜"])
    seen: dict[str, set[str]] = {}
    for phrasing in range(1, 16):
        document = render(fulian, {**values, "phrasing": phrasing})
        paragraphs = [b for b in document.blocks if b.kind is Kind.PARAGRAPH]
        seen.setdefault("开头", set()).add(paragraphs[0].text[:20])
        seen.setdefault("结尾", set()).add([b.text for b in paragraphs if b.closing][0][:20])
        for n, texts in enumerate(sections(document).values(), 1):
            seen.setdefault(f"定位{n}", set()).add(texts[0][:20])
    assert all(len(found) == 3 for found in seen.values()), seen
    assert text_of(render(fulian, values)) == text_of(render(fulian, values))


def test_closings_are_the_womens_federations_own():
    """No closing sentence of this template is shared with another organisation's."""
    mine = (REPO / "templates" / "fulian" / "outline.j2").read_text(encoding="utf-8")
    closing = mine[mine.index("{% block closing %}"):]
    sentences = {s for s in re.split(r"[。！？\n]", re.sub(r"{[{%#].*?[}%#]}", "", closing))
                 if len(s) >= 12}
    assert len(sentences) >= 9
    for other in ("gonghui", "gongqingtuan", "kexie", "six-adherences"):
        text = (REPO / "templates" / other / "outline.j2").read_text(encoding="utf-8")
        for sentence in sentences:
            assert sentence not in text, (other, sentence)


def test_seams_the_issue_lists_are_gone(drafts):
    for key, document in drafts.items():
        text = text_of(document)
        for seam in SEAMS:
            assert seam not in text, (key, seam)
        counts = text.replace("12338", "")  # the hotline is a number to dial, not a count
        assert not re.search(r"(?<![\d.])\d{5,}(?![\d.])", counts), key  # large counts as 万


def test_every_section_offers_at_least_six_measures_each_with_its_help(fulian):
    counts = []
    for checklist in CHECKLISTS:
        choices = fulian.question(checklist).choices
        assert all(c.help for c in choices), checklist
        counts.append(len(choices))
    assert min(counts) >= 6 and sum(counts) / len(counts) >= 6
