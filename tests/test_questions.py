import datetime as dt

import pytest

from drafter.interview.questions import parse_question


def make(**spec):
    spec.setdefault("name", "x")
    question, problems = parse_question(spec, "q.yaml", 7, allow_child_keys=False)
    assert problems == []
    return question


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        ({"type": "text"}, "  青川县  ", "青川县"),
        ({"type": "text"}, 2024, "2024"),
        ({"type": "textarea"}, "第一段\n第二段\n", "第一段\n第二段"),
        ({"type": "int"}, "1,200", 1200),
        ({"type": "int"}, 12, 12),
        ({"type": "int"}, "13.8万", 138000),
        ({"type": "int"}, "2.3亿", 230_000_000),
        ({"type": "int"}, "１２０", 120),
        ({"type": "int"}, "2021年", 2021),
        ({"type": "int"}, "486场", 486),
        ({"type": "int"}, "第八次", 8),
        ({"type": "int"}, "第8届", 8),
        ({"type": "int"}, "第十二次代表大会", 12),
        ({"type": "text", "pattern": r"\d{1,2}(\.\d{1,2})?%"}, "13.2％", "13.2%"),
        ({"type": "text"}, "增长13.2％", "增长13.2％"),  # no pattern asks for ASCII: kept as typed
        ({"type": "year"}, "2024年", 2024),
        ({"type": "bool"}, "是", True),
        ({"type": "bool"}, False, False),
        ({"type": "date"}, "2024年5月8日", dt.date(2024, 5, 8)),
        ({"type": "date"}, dt.date(2024, 5, 8), dt.date(2024, 5, 8)),
        ({"type": "list"}, ["甲", "", "乙"], ["甲", "乙"]),
        ({"type": "list"}, "甲\n乙", ["甲", "乙"]),
        ({"type": "list"}, "甲\r\n乙\n\n丙\n", ["甲", "乙", "丙"]),  # a pasted block
        ({"type": "list"}, "科技活动周、全国科普日；科普月", ["科技活动周", "全国科普日", "科普月"]),
        ({"type": "list"}, "“进校园、进社区”活动、科普日", ["“进校园、进社区”活动", "科普日"]),
        ({"type": "list"}, ["甲、乙"], ["甲、乙"]),  # a YAML list item is one item as written
        ({"type": "choice", "choices": [{"value": "a", "label": "县级"}]}, "县级", "a"),
        ({"type": "multichoice", "choices": ["甲", "乙", "丙"]}, "甲、丙", ["甲", "丙"]),
    ],
)
def test_answers_are_coerced(spec, raw, expected):
    assert make(**spec).check(raw) == (expected, "")


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        ({"type": "int"}, "很多", "应为整数，例如 12；“很多”不是整数。"),
        ({"type": "int", "min": 1}, 0, "应不小于 1。没有这一项就留空（直接回车），文中会略去这句话。"),
        ({"type": "int", "min": 1, "required": True}, 0, "应不小于 1。"),
        ({"type": "int", "min": 1}, "1.23456万", "“1.23456万”折合 12345.6，不是整数；请写整数。"),
        ({"type": "int"}, "十一", "应为整数，例如 12；“十一”不是整数。"),
        ({"type": "year"}, "二〇二四", f"应为四位年份，例如 {dt.date.today().year}。"),
        ({"type": "int", "max": 9}, 10, "应不大于 9。"),
        ({"type": "text"}, ["a"], "应为一段文字。"),
        ({"type": "text", "max_length": 2}, "三个字", "最多 2 个字，现有 3 个字。"),
        ({"type": "text", "pattern": r"\d+"}, "abc", "格式不符合要求。"),
        ({"type": "text", "pattern": r"\d+", "message": "请填数字"}, "abc", "请填数字"),
        ({"type": "bool"}, "也许", "请回答“是”或“否”。"),
        ({"type": "date"}, "五月", "应为日期，例如 2024-05-08 或 2024年5月8日；“五月”无法识别。"),
        ({"type": "choice", "choices": ["甲", "乙"]}, "丙", "“丙”不是可选项。可选：甲、乙。"),
        ({"type": "text", "required": True}, "", "此项必填，请填写。"),
        ({"type": "list", "min_items": 2}, ["甲"], "至少填写 2 项，现有 1 项。"),
    ],
)
def test_bad_answers_are_refused_with_a_reason(spec, raw, message):
    assert make(**spec).check(raw) == (None, message)


def test_empty_optional_answer_is_none():
    assert make(type="int").check("") == (None, "")


def test_unknown_key_is_reported_with_suggestion():
    _, problems = parse_question({"name": "x", "lable": "题"}, "q.yaml", 3, False)
    assert [str(p) for p in problems] == ["q.yaml:3，字段 x：未知的设置“lable”。是否想写“label”？"]


def test_bad_name_and_type_are_reported():
    _, problems = parse_question({"name": "1x"}, "q.yaml", 3, False)
    assert "字段名不合规" in problems[0].message
    _, problems = parse_question({"name": "x", "type": "number"}, "q.yaml", 3, False)
    assert problems[0].message.startswith("未知的类型“number”")
