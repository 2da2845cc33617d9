"""The 工会 template as a measures library (issue 17).

What a county union's draft may say is what its secretary ticked or wrote: every
measure sentence needs its tick, an untouched section is its heading and its
positioning paragraph, facts are asked only for ticked measures. The drafts fit
their genre's length, read clean, carry the formulations in force on their date,
and two counties' drafts are their own.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import REPO

from drafter.document.model import Kind
from drafter.interview.answers import AnswersFile, read_answers
from drafter.interview.session import InterviewSession
from drafter.render.pipeline import draft_from_answers
from drafter.templates.loader import load_template

EXAMPLES = {"安澜": REPO / "examples" / "gonghui.yaml",
            "青岚": REPO / "examples" / "gonghui-qinglan.yaml"}
GENRES = ("written", "spoken")
SECTIONS = [f"s{n}" for n in range(1, 7)]


@pytest.fixture(scope="module")
def template():
    return load_template("gonghui")


def checklists(template):
    return {q.name: q for q in template.questions if q.is_checklist}


def measures(template) -> list[tuple[str, str]]:
    """(checklist name, measure id) for every measure the template offers."""
    return [(name, choice.value) for name, q in checklists(template).items() for choice in q.choices]


def full_answers(template) -> dict:
    """安澜's basic answers, no own paragraphs or closing answers, and every fact filled
    with its question's example, so that any ticked measure has something to say."""
    values = dict(read_answers(EXAMPLES["安澜"]).values)
    for key in [k for k in values if k.endswith(("_own", "_done"))] + ["shortcomings", "next_steps"]:
        values.pop(key, None)
    for question in template.questions:
        if question.measure and question.example is not None:
            values[question.name] = question.example
    for name in checklists(template):
        values[name] = []
    return values


def render(template, values: dict, **changes):
    answers = AnswersFile("测试.yaml", template_id="gonghui", values={**values, **changes})
    return draft_from_answers(template, answers).document


def body(document) -> list[str]:
    """The paragraphs of the six sections (opening and closing excluded)."""
    paragraphs, inside = [], False
    for block in document.blocks:
        if block.kind is Kind.HEADING and block.level == 1:
            inside = True
        elif block.closing:
            inside = False
        elif inside and block.kind is Kind.PARAGRAPH:
            paragraphs.append(block.text)
    return paragraphs


def sentences(paragraphs: list[str]) -> set[str]:
    return {s for p in paragraphs for s in re.split(r"(?<=[。；！？])", p) if len(s) >= 6}


# ---------------------------------------------------------------- the measures library


def test_each_section_offers_six_or_more_measures_on_average_each_with_help(template):
    lists = checklists(template)
    assert sorted(lists) == [f"{s}_done" for s in SECTIONS]
    counts = [len(q.choices) for q in lists.values()]
    assert min(counts) >= 6 and sum(counts) / 6 >= 6, counts
    for question in lists.values():
        for choice in question.choices:
            assert choice.help and len(choice.help) <= 60, choice.value


@pytest.mark.parametrize("genre", GENRES)
def test_with_nothing_ticked_each_section_is_its_heading_and_positioning_only(template, genre):
    document = render(template, full_answers(template), genre=genre)
    sections = [s for s in document.sections() if s.name[:2] in
                ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert len(sections) == 6
    for section in sections:
        kinds = [b.kind for b in section.blocks]
        assert kinds == [Kind.HEADING, Kind.PARAGRAPH], section.name


@pytest.mark.parametrize("genre", GENRES)
def test_no_measure_sentence_appears_without_its_tick(template, genre):
    values = full_answers(template)
    nothing = set(body(render(template, values, genre=genre)))
    everything = {name: [c.value for c in q.choices] for name, q in checklists(template).items()}
    for checklist, measure in measures(template):
        alone = render(template, values, genre=genre, **{checklist: [measure]})
        own = [p for p in body(alone) if p not in nothing]
        assert own, f"{measure} 勾选后没有写出任何内容"
        others = {**everything, checklist: [m for m in everything[checklist] if m != measure]}
        rest = "".join(body(render(template, values, genre=genre, **others)))
        leaked = [s for s in sentences(own) if s.removeprefix("我们重点") in rest]
        assert not leaked, f"没有勾选 {measure}，文稿中却有：{leaked}"


def test_a_measures_facts_are_asked_only_while_it_is_ticked(template):
    session = InterviewSession.open(template, persist=False)
    asked = {q.name for q in session.applicable()}
    assert not asked & {"study_sessions", "joint_units", "service_stations", "mutual_aid_paid"}
    assert session.set("s1_done", ["theory_study"]) == ""
    assert session.set("s4_done", ["户外劳动者服务站点"]) == ""  # a label works as well as an id
    asked = {q.name for q in session.applicable()}
    assert {"study_sessions", "study_forms", "service_stations", "station_visits"} <= asked
    assert not asked & {"joint_units", "union_chairs", "mutual_aid_paid"}


# ---------------------------------------------------------------- the examples


@pytest.fixture(scope="module")
def drafts(template):
    result = {}
    for county, path in EXAMPLES.items():
        answers = read_answers(path)
        for genre in GENRES:
            answers_in_genre = AnswersFile(str(path), "gonghui", values={**answers.values,
                                                                          "genre": genre})
            result[county, genre] = draft_from_answers(template, answers_in_genre)
    return result


def test_spoken_drafts_speak_and_written_drafts_sign(drafts):
    spoken = drafts["青岚", "spoken"].document
    written = drafts["青岚", "written"].document
    assert any(line.startswith("一是") for line in spoken.plain_lines())
    assert spoken.plain_lines()[-1] == "谢谢大家！"
    assert not [b for b in spoken.blocks if b.kind in (Kind.SIGNATURE, Kind.DATE)]
    assert [b.text for b in written.blocks if b.kind is Kind.DATE] == ["2025年11月18日"]
    assert not any(line.startswith("一是") for line in written.plain_lines())


def test_the_two_counties_tick_mostly_different_measures():
    ticked = {c: {m for s in SECTIONS for m in read_answers(EXAMPLES[c]).values[f"{s}_done"]}
              for c in EXAMPLES}
    assert len(ticked["安澜"] & ticked["青岚"]) <= 4


def test_measures_and_cases_belong_to_the_county_that_wrote_them(drafts):
    anlan = "".join(drafts["安澜", "written"].document.plain_lines())
    qinglan = "".join(drafts["青岚", "written"].document.plain_lines())
    assert "“安澜工匠”" in anlan and "安澜工匠" not in qinglan
    assert "“安康杯”" in qinglan and "安康杯" not in anlan
    assert "诉调对接" in anlan and "健康进景区" in qinglan


# ---------------------------------------------------------------- dated formulations


def dated(template, day: str, **changes) -> str:
    values = {**read_answers(EXAMPLES["安澜"]).values, "date": dt.date.fromisoformat(day),
              "year": int(day[:4]), **changes}
    return "".join(render(template, values).plain_lines())


@pytest.mark.parametrize(("phrasing"), [1, 2, 3])
def test_party_spirit_and_the_congress_follow_the_date(template, phrasing):
    before, after = (dated(template, day, phrasing=phrasing, s1_done=["theory_study"])
                     for day in ("2024-09-01", "2026-09-01"))
    assert "党的二十大和二十届二中、三中全会精神" in before
    assert "党的二十大和二十届历次全会精神" not in before
    assert "党的二十大和二十届历次全会精神" in after
    assert "二中、三中全会" not in after
    assert "中国工会十八大" in before and "中国工会十八大" in after


@pytest.mark.parametrize(("phrasing"), [1, 2, 3])
def test_the_plan_ahead_in_the_closing_follows_the_date(template, phrasing):
    assert "“十四五”" in dated(template, "2024-09-01", phrasing=phrasing)
    assert "“十四五”" in dated(template, "2025-09-01", phrasing=phrasing)
    late_2025 = dated(template, "2025-11-18", phrasing=phrasing)
    assert "“十五五”" in late_2025 and "十四五" not in late_2025
    assert "“十五五”" in dated(template, "2026-09-01", phrasing=phrasing)


def test_the_acftu_centenary_is_mentioned_only_in_2025_after_may_day(template):
    sentence = "今年是中华全国总工会成立100周年"
    assert sentence in dated(template, "2025-09-01")
    assert sentence in dated(template, "2025-05-01")
    for day in ("2024-09-01", "2025-04-30", "2026-01-01", "2026-09-01"):
        text = dated(template, day)
        assert "100周年" not in text, day
        assert "总的来看" in text or "一路走来" in text or "实践告诉我们" in text  # the closing stays


@pytest.mark.parametrize(("key", "day", "expected"), [
    ("plan_ahead", "2020-10-28", None),
    ("plan_ahead", "2020-10-29", "十四五"),
    ("plan_ahead", "2025-10-22", "十四五"),
    ("plan_ahead", "2025-10-23", "十五五"),
    ("acftu_centenary", "2025-04-30", None),
    ("acftu_centenary", "2025-05-01", "中华全国总工会成立100周年"),
    ("acftu_centenary", "2025-12-31", "中华全国总工会成立100周年"),
    ("acftu_centenary", "2026-01-01", None),
])
def test_the_union_templates_dated_entries_in_the_shared_data_file(key, day, expected):
    from drafter.render.formulations import load

    formulations = load()
    assert formulations.current(key, dt.date.fromisoformat(day)) == expected
    assert key not in formulations.literal  # neither is wrong in a text looking back
