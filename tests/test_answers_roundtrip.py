"""Answers files survive save and load unchanged, and stay readable to a person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.interview.answers import dump_answers, parse_answers, read_answers, validate_answers
from drafter.interview.session import InterviewSession
from drafter.interview.terminal import DefaultAnswers, Questionnaire
from drafter.templates.loader import load_template

TEMPLATE = load_template(str(Path(__file__).parent / "data" / "interview_template"))

ACTIVITY = (
    "组织“科普大篷车”进乡村、进社区、进校园，全年行程三千余公里。\n"
    "\n"
    "  联合县教育局开展青少年科技创新大赛：参赛作品 326 件，获省级奖项 12 项。\n"
    "建成“科技工作者之家”5 个；#1 号站点 @ 城关镇。"
)
VALUES = {
    "year": 2024,
    "org_full_name": "青川县科学技术协会",
    "org_short": "县科协",
    "events": 120,
    "has_station": False,
    "level": "省级科普示范县",
    "areas": ["科学普及", "人才服务"],
    "programmes": ["科技活动周", "全国科普日：“科学点亮生活”", "- 以短横开头的一项"],
    "activity": ACTIVITY,
    "date": dt.date(2024, 5, 8),
}


def round_trip(values: dict, tmp_path: Path) -> tuple[str, dict]:
    path = tmp_path / "answers.yaml"
    path.write_text(dump_answers(TEMPLATE, values), encoding="utf-8")
    clean, warnings = validate_answers(TEMPLATE, read_answers(path), allow_missing=True)
    assert warnings == []
    return path.read_text(encoding="utf-8"), clean


def test_multiline_chinese_answers_come_back_unchanged(tmp_path):
    clean_values, error = TEMPLATE.question("activity").check(ACTIVITY)
    assert not error and clean_values == ACTIVITY.strip()
    text, clean = round_trip(VALUES, tmp_path)
    assert {name: clean[name] for name in VALUES} == VALUES
    assert clean["station_count"] is None  # not asked: has_station is false


def test_saved_file_is_literal_chinese_with_block_scalars_in_question_order(tmp_path):
    text, _ = round_trip(VALUES, tmp_path)
    assert "\\u" not in text and "\\x" not in text
    assert "组织“科普大篷车”进乡村" in text
    assert "  activity: |-\n    组织“科普大篷车”" in text
    assert "  # 特色活动介绍\n" in text  # each answer carries its question as a comment
    assert "template: interview-test" in text and "template_version: '0.1'" in text
    order = [line.split(":")[0].strip() for line in text.split("answers:\n")[1].splitlines()
             if line.startswith("  ") and not line.startswith(("  #", "   ", "  -"))]
    assert order == [name for name in (q.name for q in TEMPLATE.questions) if name in VALUES]


def test_a_hand_edit_of_the_saved_file_is_read_back(tmp_path):
    text, _ = round_trip(VALUES, tmp_path)
    edited = text.replace("events: 120", "events: 150").replace("全年行程三千余公里", "全年行程五千余公里")
    clean, _ = validate_answers(TEMPLATE, parse_answers(edited, "edited.yaml"), allow_missing=True)
    assert clean["events"] == 150
    assert "五千余公里" in clean["activity"] and "\n\n" in clean["activity"]


def test_what_the_questionnaire_collects_round_trips(tmp_path):
    values = Questionnaire(InterviewSession(TEMPLATE, persist=False), DefaultAnswers()).run()
    _, clean = round_trip(values, tmp_path)
    assert {name: clean[name] for name in values} == values


TEXT = st.text(
    alphabet=st.sampled_from(list("科协青川县组织开展活动“”‘’：；，。、！？（）《》—…")
                             + list("abcXYZ019 #@-:'\"|>{}[]%&*!\t") + ["\n"]
                             + ["😀", "𠀀", "\u3000"]),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(activity=TEXT, name=TEXT, items=st.lists(TEXT, max_size=4))
def test_any_text_a_person_types_round_trips(tmp_path_factory, activity, name, items):
    values = {}
    for field, raw in (("activity", activity), ("org_full_name", name), ("programmes", items)):
        value, error = TEMPLATE.question(field).check(raw)
        if not error:
            values[field] = value
    tmp_path = tmp_path_factory.mktemp("rt")
    _, clean = round_trip(values, tmp_path)
    assert {field: clean[field] for field in values} == values
