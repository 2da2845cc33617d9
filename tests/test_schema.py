"""One YAML-schema helper (drafter.files.schema.Fields) under every validator: template.yaml,
questions.yaml and each question, proofreading rule files, answers files, style profiles.
Each reports every problem at once, at file:line, in its own Chinese words."""

import textwrap

import pytest

from drafter.check.rules import RulesError, load_rules
from drafter.errors import AnswersError
from drafter.files.schema import Fields, did_you_mean, locate_in
from drafter.interview.answers import parse_answers
from drafter.interview.questions import parse_question
from drafter.templates.loader import load_with_problems

LINES = {(): 1, ("a",): 2, ("a", "b"): 3}


def fields() -> Fields:
    return Fields(locate_in(LINES, "f.yaml"))


def said(found: Fields) -> list[str]:
    return [str(p) for p in found.problems]


# ---------------------------------------------------------------- the helper


def test_unknown_keys_are_located_and_get_a_suggestion():
    found = fields()
    assert found.mapping(("a",), {"b": 1, "colour": 2}, {"b", "color"}) == {"b": 1, "colour": 2}
    assert said(found) == ["f.yaml:2，字段 a.colour：不认识的设置“colour”。是否想写“color”？"]


def test_an_unknown_key_message_can_say_more_and_holds_braces_safely():
    found = fields()
    found.mapping((), {"{x}": 1}, {"y"}, "“{key}”不是设置（可用 y）。")
    assert said(found) == ["f.yaml:1，字段 {x}：“{x}”不是设置（可用 y）。"]


def test_a_mapping_that_is_none_is_empty_and_anything_else_is_a_problem():
    found = fields()
    assert found.mapping(("a",), None, {"b"}) == {}
    assert found.mapping(("a",), [1], {"b"}, message="a 应由“键: 值”组成。") == {}
    assert said(found) == ["f.yaml:2，字段 a：a 应由“键: 值”组成。"]


def test_numbers_within_their_bounds():
    found = fields()
    assert found.number(("a",), 3, low=1, high=5, integer=True) == 3
    assert found.number(("a",), 4.0, low=None, high=None, integer=True) == 4
    assert found.number(("a",), -7, low=None, high=None) == -7.0
    assert found.number(("a",), None, required=False) is None
    for value in (True, "3", 2.5, 9, None):
        assert found.number(("a", "b"), value, low=1, high=5, integer=True) is None
    assert found.number(("a",), -1, low=0, high=None) is None
    assert found.number(("a",), "x", message="a 应为整数。") is None
    assert [p.message for p in found.problems] == [
        "应当是数字，现在是“True”。", "应当是数字，现在是“3”。", "应当是整数，现在是 2.5。",
        "数值 9 超出合理范围（1 到 5）。", "缺少这一项，请填写数字。", "数值 -1 超出合理范围（不小于 0）。",
        "a 应为整数。"]


def test_texts_flags_and_lists():
    found = fields()
    assert found.text(("a",), 2024) == "2024"
    assert found.text(("a",), 2024, numbers=False, message="a 应为文字。") == ""
    assert found.text(("a",), "  ", required=True, missing="缺少 a。") == ""
    assert found.text(("a",), None) == ""
    assert found.flag(("a",), "yes") is None and found.flag(("a",), False) is False
    assert found.text_list(("a",), "甲", "[甲]") == ["甲"]
    assert found.text_list(("a",), [1], "[甲]") == []
    assert [p.message for p in found.problems] == [
        "a 应为文字。", "缺少 a。", "应当是 true 或 false，现在是“yes”。", "应当是文字的列表，例如 [甲]。"]


def test_did_you_mean():
    assert did_you_mean("lable", {"label", "help"}) == "是否想写“label”？"
    assert did_you_mean("zzz", {"label"}) == ""


# ---------------------------------------------------------------- the validators


def meta_problems(tmp_path, text: str) -> list[str]:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "template.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    (folder / "outline.j2").write_text("# 标题\n", encoding="utf-8")
    _, problems = load_with_problems(str(folder))
    return [str(p).replace(str(folder), "tpl") for p in problems if p.code == "meta"]


def test_template_metadata_reports_everything_at_once(tmp_path):
    assert meta_problems(tmp_path, """\
        id: "bad id!"
        title: 3
        descripton: 简介
        description: [a]
        version: [1]
        target:
          chars: -5
          minute: 10
        output: 2024
        """) == [
        "tpl/template.yaml:3：未知的设置“descripton”。是否想写“description”？",
        "tpl/template.yaml:2：缺少 title（模板名称），或它不是文字。",
        "tpl/template.yaml:1：模板编号“bad id!”只能由字母、数字、“-”和“_”组成。",
        "tpl/template.yaml:4：description（简介）应为文字。",
        "tpl/template.yaml:9：output（输出文件名格式）应为文字。",
        "tpl/template.yaml:5：version（版本）应为文字，例如 \"1.0\"。",
        # an unknown target key now gets the suggestion every other unknown key gets
        "tpl/template.yaml:8：target 中未知的设置“minute”（可用 chars、minutes）。是否想写“minutes”？",
        "tpl/template.yaml:7：target.chars 应为正数。",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("- a\n", "tpl/template.yaml:1：template.yaml 应由“键: 值”组成。"),
    ("id: tpl\ntitle: 标题\ntarget: 5000\n",
     "tpl/template.yaml:3：target 应包含 chars（字数）和/或 minutes（分钟）。"),
    ("id: tpl\ntitle: 标题\ntarget:\n  minutes: 0\n", "tpl/template.yaml:4：target.minutes 应为正数。"),
    ("id: tpl\ntitle: '  '\n", "tpl/template.yaml:2：缺少 title（模板名称），或它不是文字。"),
    ("id: tpl\n", "tpl/template.yaml:1：缺少 title（模板名称），或它不是文字。"),
])
def test_template_metadata_problems(tmp_path, text, expected):
    assert meta_problems(tmp_path, text) == [expected]


def questions_file_problems(tmp_path, text: str) -> list[str]:
    folder = tmp_path / "tpl"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text("id: tpl\ntitle: 标题\n", encoding="utf-8")
    (folder / "questions.yaml").write_text(text, encoding="utf-8")
    (folder / "outline.j2").write_text("# 标题\n", encoding="utf-8")
    _, problems = load_with_problems(str(folder))
    return [str(p).replace(str(folder), "tpl") for p in problems]


def test_questions_file_names_each_stranger_with_a_suggestion(tmp_path):
    """Was one problem listing the strangers (“发现了：questoins、x”), without a suggestion."""
    assert questions_file_problems(tmp_path, "questions:\n  - name: a\nquestoins: []\nx: 1\n") == [
        "tpl/questions.yaml:3：questions.yaml 只应包含 questions，发现了“questoins”。是否想写“questions”？",
        "tpl/questions.yaml:4：questions.yaml 只应包含 questions，发现了“x”。",
    ]
    assert questions_file_problems(tmp_path / "2", "questions: 5\n") == [
        "tpl/questions.yaml:1：questions 应为列表（每项以“- ”开头）。"]


def test_a_question_reports_everything_at_once_at_its_line():
    spec = {"name": "x", "type": "choice", "lable": "a",
            "choices": [{"value": "a", "lable": "b"}, True, "c"],
            "min": "3", "max_length": 2.5, "pattern": "(", "help": 3, "required": "yes",
            "spoken_max": 2}
    _, problems = parse_question(spec, "q.yaml", 7, False)
    assert [str(p) for p in problems] == [
        "q.yaml:7，字段 x：未知的设置“lable”。是否想写“label”？",
        "q.yaml:7，字段 x：选项 a：未知的设置“lable”（可用 value、label、help）。是否想写“label”？",
        "q.yaml:7，字段 x：choices 中每一项应为文字，或含 value 与 label 的设置。",
        "q.yaml:7，字段 x：min 应为整数。",
        "q.yaml:7，字段 x：max_length 应为整数。",
        "q.yaml:7，字段 x：pattern 不是有效的正则表达式：missing ), unterminated subpattern at position 0。",
        "q.yaml:7，字段 x：help 应为文字。",
        "q.yaml:7，字段 x：required 应为 true 或 false。",
        "q.yaml:7，字段 x：只有 checklist（做法清单）可以设置 spoken_max。",
    ]


def test_a_checklist_question_and_a_question_that_is_no_mapping():
    spec = {"name": "x", "type": "checklist", "required": True, "measure": "m",
            "choices": ["a", "a"]}
    _, problems = parse_question(spec, "q.yaml", 7, False)
    assert [p.message for p in problems] == [
        "做法清单中有重复的 value。每项做法的 value 必须各不相同。",
        "属于做法的事实（写了 measure）不能设为必填：没有勾选这项做法时不会问它。请删去 required。",
        "做法清单本身不能设置 measure；measure 写在属于某项做法的事实问题上。"]
    _, problems = parse_question(["x"], "q.yaml", 7, False)
    assert [str(p) for p in problems] == ["q.yaml:7：每个问题应是“键: 值”形式的一组设置。"]


def test_a_rule_file_reports_everything_at_once(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(textwrap.dedent("""\
        category: conversion
        rule:
          - x
        lists:
          标点: [乙]
        rules:
          - id: Bad_ID
            wrong: 科普大蓬车
            confidence: sure
            fix: maybe
            right: [a]
            exceptions: 一个
            preceded_by: 3
            reason: 原因
            folowed_by: [群众]
          - id: ok-table
            table: 們们 這
            confidence: high
            reason: 原因
            examples: {flag: [a], bad: [b]}
          - 5
        """), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules((str(path),))
    assert info.value.message.replace(str(path), "r.yaml").split("\n") == [
        "校对规则文件有误（共 13 处）：",
        "  - r.yaml:2：未知的项“rule”。文件顶层只能有：category、lists、rules。是否想写“rules”？",
        "  - r.yaml:5：词表名“标点”是内置名称，请换一个。",
        "  - r.yaml:7：规则缺少 id，或 id 不合规：只能用小写英文字母、数字和连字符，如 xiaolao-fuwu。",
        "  - r.yaml:15：规则 Bad_ID 有未知的项“folowed_by”。可用的项：category、check、confidence、event、"
        "examples、exceptions、fix、followed_by、id、not_followed_by、not_in_line、not_preceded_by、"
        "overrides、preceded_by、reason、regex、right、since、suggestion、table、until、wrong。"
        "是否想写“followed_by”？",
        "  - r.yaml:9：规则 Bad_ID 的 confidence 应为 high、medium 或 low。",
        "  - r.yaml:11：规则 Bad_ID 的 right 应当是文字。",
        "  - r.yaml:10：规则 Bad_ID 的 fix 只能是 true 或 false。",
        "  - r.yaml:7：规则 Bad_ID 须有 right（正确写法）或 suggestion（修改建议）。",
        "  - r.yaml:13：preceded_by 应当是词语的列表，例如 [群众, 干部]。",
        "  - r.yaml:12：规则 Bad_ID 的 exceptions 应当是短语的列表。",
        "  - r.yaml:17：规则 ok-table 的 table 应当是两字一组、用空格隔开的对照（如“們们 這这”），“這”不是两个字。",
        "  - r.yaml:20：规则 ok-table 的 examples 应当只有 flag（应查出的句子）和 silent（不应查出的句子）。",
        "  - r.yaml:21：每条规则应当是一个映射（以“- id: …”开头）。",
    ]


def answers_problems(text: str) -> list[str]:
    with pytest.raises(AnswersError) as info:
        parse_answers(text, "a.yaml")
    return info.value.message.split("\n")[1:]


def test_the_answers_file_top_level():
    assert answers_problems("template: kexie\nanswers:\n  a: 1\ntemplat: x\nversion: 2\n") == [
        "  - a.yaml:4：未知的设置“templat”。顶层只能有 template、template_version、answers。是否想写“template”？",
        "  - a.yaml:5：未知的设置“version”。顶层只能有 template、template_version、answers。"
        "是否想写“template_version”？"]
    # both problems at once (the file used to stop at the first)
    assert answers_problems("answers: [1]\nextra: 2\n") == [
        "  - a.yaml:1：answers 下面应逐行写“字段: 内容”。",
        "  - a.yaml:2：未知的设置“extra”。顶层只能有 template、template_version、answers。"]
    # at the line the list starts, not always line 1
    assert answers_problems("# 去年的答案\n\n- a\n") == ["  - a.yaml:3：答案文件应由“字段: 内容”组成。"]


def test_an_empty_value_is_unset_in_every_file(tmp_path):
    """`key:` with nothing after it means “not set” in template.yaml as it does in
    questions and style profiles (template.yaml used to call it “应为文字”)."""
    assert meta_problems(tmp_path, "id: tpl\ntitle: 标题\ndescription:\nextends:\nversion:\n") == []
    question, problems = parse_question({"name": "x", "label": None, "required": None},
                                        "q.yaml", 1, False)
    assert problems == [] and (question.label, question.required) == ("", False)
