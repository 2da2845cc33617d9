"""The 共青团 template as a measures library (issue 17).

A county youth league's draft says only what its secretary ticked or wrote: each measure
sentence comes from its own tick, an untouched section is its heading and positioning
paragraph. The drafts fit their genre's length, read clean on their date, carry the
formulations in force on that date (the 2016—2025 youth plan only while it ran), and two
counties' drafts are their own.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import REPO
from drafts import overlap_module, render, sections, text_of, values_of

from drafter.check import check_document
from drafter.document.model import Kind
from drafter.render.formulations import load as load_formulations
from drafter.templates.loader import load_template

EXAMPLES = {"安澜": REPO / "examples" / "gongqingtuan.yaml",
            "鹤岭": REPO / "examples" / "gongqingtuan-heling.yaml"}
GENRES = ("written", "spoken")
CHECKLISTS = [f"s{n}_done" for n in range(1, 7)]
NUMBERED = re.compile(r"^(一是|二是|三是|四是|五是|六是|七是|八是|我们重点)")
OTHER_ORGANISATIONS = ("kexie", "gonghui", "fulian")


@pytest.fixture(scope="module")
def template():
    return load_template("gongqingtuan")


def closing_of(document) -> list[str]:
    return [b.text for b in document.blocks if b.kind is Kind.PARAGRAPH and b.closing]


def bare(values: dict) -> dict:
    """An example's answers without ticks, own paragraphs, shortcomings or next steps."""
    kept = dict(values)
    for key in [k for k in kept if k.endswith(("_done", "_own"))]:
        del kept[key]
    kept.pop("shortcomings", None)
    kept.pop("next_steps", None)
    return kept


def every_fact(template, values: dict) -> dict:
    """`values` with every measure's fact set to its question's example, so that a ticked
    measure says everything it can."""
    filled = dict(values)
    for question in template.questions:
        if question.measure and question.example is not None:
            filled[question.name] = question.example
    return filled


# ---------------------------------------------------------------- only what was ticked


@pytest.mark.parametrize("genre", GENRES)
def test_with_nothing_ticked_a_section_is_its_heading_and_positioning_paragraph(template, genre):
    values = {**bare(every_fact(template, values_of(EXAMPLES["安澜"]))), "genre": genre}
    for phrasing in range(1, 13):  # enough to meet all three wordings of every paragraph
        document = render(template, {**values, "phrasing": phrasing})
        found = sections(document)
        assert len(found) == 6
        for heading, paragraphs in found.items():
            assert len(paragraphs) == 1, (phrasing, heading, paragraphs)
            assert not re.search(r"我们|[0-9]|一是|全年|一年来|团县委", paragraphs[0]), paragraphs[0]


@pytest.mark.parametrize("genre", GENRES)
def test_every_measure_sentence_comes_from_its_own_tick(template, genre):
    """Ticked alone (with all its facts filled), each measure adds paragraphs no other tick
    produces; ticking every measure adds exactly the union of what the kept ones add."""
    base = {**bare(every_fact(template, values_of(EXAMPLES["安澜"]))), "genre": genre}
    empty = {h: set(p) for h, p in sections(render(template, base)).items()}

    def added(document) -> set[str]:
        return {NUMBERED.sub("", p) for h, ps in sections(document).items() for p in ps
                if p not in empty[h]}

    own: dict[str, set[str]] = {}
    everything = dict(base)
    for checklist in CHECKLISTS:
        choices = [choice.value for choice in template.question(checklist).choices]
        for choice in choices:
            own[choice] = added(render(template, {**base, checklist: [choice]}))
            assert own[choice], choice  # a ticked measure says something
        everything[checklist] = choices
    names = list(own)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not own[a] & own[b], (a, b)
    kept = [m for c in CHECKLISTS for m in (everything[c][:2] if genre == "spoken" else everything[c])]
    assert added(render(template, everything)) == set().union(*(own[m] for m in kept))


def test_a_measure_fact_is_asked_and_written_only_with_its_tick(template):
    from drafter.interview.session import InterviewSession

    session = InterviewSession(template, persist=False)
    session.set("s4_done", ["employment"])
    asked = {q.name for q in session.applicable()}
    assert {"internship_posts", "job_fairs"} <= asked
    assert not {"hotline_cases", "hope_students", "youth_homes"} & asked
    values = every_fact(template, values_of(EXAMPLES["安澜"]))
    values["s4_done"] = ["employment"]
    text = text_of(render(template, values))
    assert "见习岗位680个" in text
    assert "12355" not in text and "希望工程" not in text  # facts of unticked measures are unused


def test_each_section_offers_enough_measures_each_with_its_one_line_help(template):
    checklists = [template.question(name) for name in CHECKLISTS]
    counts = [len(q.choices) for q in checklists]
    assert min(counts) >= 6 and sum(counts) / 6 >= 7, counts
    for question in checklists:
        for choice in question.choices:
            assert choice.help.strip() and "\n" not in choice.help, choice.value


# ---------------------------------------------------------------- current for its date


@pytest.fixture(scope="module")
def dated(template):
    """安澜's answers with the youth-development measure ticked, on three dates."""
    values = every_fact(template, values_of(EXAMPLES["安澜"]))
    values["s3_done"] = ["youth_development", *values["s3_done"]]
    return {day: render(template, {**values, "year": day.year, "date": day})
            for day in (dt.date(2023, 5, 4), dt.date(2024, 9, 1), dt.date(2026, 9, 1))}


def test_wordings_follow_the_document_date(dated):
    for day, document in dated.items():  # the checker reads the same data file
        assert check_document(document, date=day) == [], day
    before, early, late = (text_of(dated[day]) for day in sorted(dated))
    assert "党的二十大和二十届二中、三中全会精神" in early and "历次全会" not in early
    assert "党的二十大和二十届历次全会精神" in late and "二中、三中全会" not in late
    assert "全面贯彻党的二十大精神" in before
    assert "“十四五”" in early and "“十五五”" not in early
    assert "“十五五”" in late and "“十四五”" not in late
    assert "2024年9月1日" in early and "2026年9月1日" in late  # the signature follows


def test_the_youth_plan_is_cited_only_while_it_ran(dated):
    early, late = text_of(dated[dt.date(2024, 9, 1)]), text_of(dated[dt.date(2026, 9, 1)])
    assert "我们以《中长期青年发展规划（2016—2025年）》为指引" in early
    assert "中长期青年发展规划" not in late
    # the rest of the measure's paragraph stays
    assert "推进青年发展型县域建设" in late and "《安澜县促进青年人才回乡创业若干措施》" in late


def test_the_youth_congress_and_the_thought_on_youth_work_follow_the_date(dated):
    before, early = text_of(dated[dt.date(2023, 5, 4)]), text_of(dated[dt.date(2024, 9, 1)])
    assert "团的十九大" in early and "团的十九大" not in before
    assert "习近平总书记关于青年工作的重要思想" in early
    assert "习近平总书记关于青年工作的重要论述" in before
    assert "关于青年工作的重要思想" not in before


def test_youth_thought_dates_from_the_nineteenth_league_congress():
    data = load_formulations()
    assert data.current("youth_thought", dt.date(2023, 6, 21)) == "习近平总书记关于青年工作的重要论述"
    assert data.current("youth_thought", dt.date(2023, 6, 22)) == "习近平总书记关于青年工作的重要思想"
    assert data.wordings["youth_thought"][-1].since.key == "youth_congress_19"


# ---------------------------------------------------------------- the two example counties


@pytest.fixture(scope="module")
def drafts(template):
    return {(county, genre): render(template, {**values_of(path), "genre": genre})
            for county, path in EXAMPLES.items() for genre in GENRES}


def test_each_example_file_asks_for_its_own_genre():
    assert values_of(EXAMPLES["安澜"])["genre"] == "written"
    assert values_of(EXAMPLES["鹤岭"])["genre"] == "spoken"


def test_the_two_counties_tick_different_measures(template):
    """What each county tells the meeting differs in substance (the shared text is measured
    for every template in test_example_drafts.py)."""
    a, b = (values_of(path) for path in EXAMPLES.values())
    for checklist in CHECKLISTS:
        assert not set(a[checklist]) & set(b[checklist]), checklist


def test_the_opening_names_the_countys_headline_results(drafts):
    for county, path in EXAMPLES.items():
        highlights = values_of(path)["highlights"]
        for genre in GENRES:
            opening = next(b.text for b in drafts[(county, genre)].blocks
                           if b.kind is Kind.PARAGRAPH)
            assert all(item in opening for item in highlights), (county, genre)


def test_the_spoken_form_speaks(drafts):
    spoken = drafts[("鹤岭", "spoken")]
    text = text_of(spoken)
    assert "分六个方面向大家作个汇报" in text and text.rstrip().endswith("谢谢大家！")
    assert not [b for b in spoken.blocks if b.kind in (Kind.SIGNATURE, Kind.DATE)]
    for heading, paragraphs in sections(spoken).items():
        numbered = [p[:2] for p in paragraphs if re.match("(一|二|三)是", p)]
        assert numbered == ["一是", "二是"], heading
    values = values_of(EXAMPLES["鹤岭"])
    assert values["s3_done"][2:] == ["green_action", "youth_development"]
    assert "保护母亲河" not in text and "青年发展型县域" not in text  # the third tick on is left out
    assert "保护母亲河" in text_of(drafts[("鹤岭", "written")])


def test_spoken_measures_keep_the_order_of_the_ticks_not_of_the_template(template):
    values = {**bare(every_fact(template, values_of(EXAMPLES["鹤岭"]))), "genre": "spoken"}
    values["s4_done"] = ["hope_project", "employment", "rights"]
    found = sections(render(template, values))
    s4 = next(ps for h, ps in found.items() if h.startswith("必须坚持服务青年"))
    assert len(s4) == 3 and "希望工程" in "".join(s4) and "就业见习" in "".join(s4)
    assert "12355" not in "".join(s4)


def test_title_patterns_carry_the_county(template):
    values = values_of(EXAMPLES["安澜"])
    for phrasing in range(1, 10):
        document = render(template, {**values, "title_style": "1", "phrasing": phrasing})
        assert "安澜" in document.title
    titled = render(template, {**values, "title_style": "2"})
    assert titled.title == "共青团安澜县委员会践行“六个坚持”经验交流材料"
    subtitle = [b.text for b in render(template, {**values, "title_style": "3"}).blocks
                if b.kind is Kind.SUBTITLE]
    assert subtitle == ["——共青团安澜县委员会践行“六个坚持”的实践与体会"]
    themed = render(template, {**values, "title_style": "1", "theme": "青春建功新时代，团聚青心跟党走"})
    assert themed.title == "青春建功新时代，团聚青心跟党走"


def test_fixed_prose_has_three_wordings_chosen_by_the_organisation(template):
    values = values_of(EXAMPLES["安澜"])
    seen: dict[str, set[str]] = {"开头": set(), "结尾": set(), "主题": set()}
    positions: dict[int, set[str]] = {n: set() for n in range(6)}
    for phrasing in range(1, 16):
        document = render(template, {**values, "phrasing": phrasing, "title_style": "1"})
        paragraphs = [b for b in document.blocks if b.kind is Kind.PARAGRAPH]
        seen["开头"].add(paragraphs[0].text[:20])
        seen["结尾"].add(closing_of(document)[0][:20])
        seen["主题"].add(document.title)
        for n, found in enumerate(sections(document).values()):
            positions[n].add(found[0][:20])
    assert all(len(found) == 3 for found in seen.values()), seen
    assert all(len(found) == 3 for found in positions.values()), positions
    assert text_of(render(template, values)) == text_of(render(template, values))  # stable


def test_shortcomings_and_next_steps_come_only_from_the_answers(template):
    values = bare(values_of(EXAMPLES["安澜"]))
    for phrasing in range(1, 10):
        closing = "".join(closing_of(render(template, {**values, "phrasing": phrasing})))
        assert not re.search("不足|差距|短板|改进的地方|下一步|重点抓好|工作重点", closing), closing


def test_the_closing_is_the_league_s_own(drafts):
    """No other organisation's closing reads like ours (the 工会/妇联 seam of issue 17)."""
    overlap = overlap_module()
    ours = {text for key, document in drafts.items() for text in closing_of(document)}
    for phrasing in range(1, 10):
        ours |= set(closing_of(render(load_template("gongqingtuan"), {
            **values_of(EXAMPLES["安澜"]), "phrasing": phrasing})))
    for other in OTHER_ORGANISATIONS:
        path = REPO / "examples" / f"{other}.yaml"
        theirs: set[str] = set()
        for phrasing in range(1, 10):
            theirs |= set(closing_of(render(load_template(other),
                                            {**values_of(path), "phrasing": phrasing})))
        mine = ["".join(t.split()) for t in ours]
        assert overlap.shared_fraction(mine, ["".join(t.split()) for t in theirs]) < 0.25, other


def test_seams_the_issue_lists_are_gone(drafts):
    for key, document in drafts.items():
        text = text_of(document)
        assert "”、“" not in text and "》、《" not in text, key
        assert "……。" not in text, key
        assert "必须坚持的“六个坚持”" not in text and "坚持“六个坚持”不动摇" not in text, key
        counts = text.replace("12355青少年服务台", "")  # a hotline number, not a count
        assert not re.search(r"(?<![\d.])\d{5,}(?![\d.])", counts), key  # large numbers as 万


def test_organisation_defaults_follow_the_full_name(template):
    from drafter.interview.session import InterviewSession

    for full, short, county in (("共青团鹤岭县委员会", "团县委", "鹤岭县"),
                                ("共青团澜湾区委员会", "团区委", "澜湾区")):
        session = InterviewSession(template, persist=False)
        session.set("org_full_name", full)
        assert session.start_value(template.question("org_short")) == short
        assert session.start_value(template.question("county")) == county
