import pytest

from drafter.errors import AnswersError
from drafter.interview.answers import dump_answers, parse_answers, validate_answers

GOOD = """template: core-test
template_version: "2.1"
answers:
  year: 2024
  org: 安澜县科协
  events: 12
"""


def test_good_answers_validate(core_template):
    answers = parse_answers(GOOD, "a.yaml")
    values, warnings = validate_answers(core_template, answers)
    assert values["org"] == "安澜县科协"
    assert values["events"] == 12
    assert values["people"] is None
    assert warnings == []
    assert answers.template_id == "core-test"


def test_every_problem_is_reported_at_once_with_lines(core_template):
    text = """answers:
  year: 2024
  events: 很多
  level: 省级
  day: 五月八日
"""
    with pytest.raises(AnswersError) as info:
        validate_answers(core_template, parse_answers(text, "a.yaml"))
    assert info.value.message.splitlines() == [
        "答案文件有误（共 4 处）：",
        "  - a.yaml，字段 org：“单位名称”此项必填，请填写；如需先出稿，可加 --allow-missing，"
        "缺项将以【待补充：…】标出。",
        "  - a.yaml:3，字段 events：“活动场次”应为整数，例如 12；“很多”不是整数。",
        "  - a.yaml:4，字段 level：“等级”“省级”不是可选项。可选：county（县级）、city（市级）。",
        "  - a.yaml:5，字段 day：“日期”应为日期，例如 2024-05-08 或 2024年5月8日；“五月八日”无法识别。",
    ]


def test_yaml_syntax_error_has_its_line():
    with pytest.raises(AnswersError) as info:
        parse_answers("answers:\n  org: 甲\n  year: [2024\n", "a.yaml")
    assert info.value.problems[0].line == 4
    assert "YAML 语法错误" in info.value.message


def test_unknown_field_is_a_warning_with_suggestion(core_template):
    answers = parse_answers(GOOD + "  evnets: 3\n", "a.yaml")
    _, warnings = validate_answers(core_template, answers)
    assert warnings == ["a.yaml:7：字段“evnets”不是模板 core-test 的问题，已忽略。是否想写“events”？"]


def test_control_characters_are_removed_with_a_warning(core_template):
    answers = parse_answers(GOOD.replace("安澜县科协", '"安澜\\x07县科协"'), "a.yaml")
    values, warnings = validate_answers(core_template, answers)
    assert values["org"] == "安澜县科协"
    assert warnings == ["字段“单位名称”（org）中有 1 个无法写入文档的控制字符，已删除。"]


def test_python_tags_are_refused():
    with pytest.raises(AnswersError) as info:
        parse_answers("answers:\n  org: !!python/object/apply:os.system ['true']\n", "a.yaml")
    assert info.value.problems[0].line == 2


def test_dump_is_readable_and_round_trips(core_template):
    values = {"year": 2024, "org": "安澜县科协", "story": "第一段。\n\n第二段：“引号”。",
              "programmes": ["科普大篷车", "科技小院"]}
    text = dump_answers(core_template, values)
    assert "安澜县科协" in text and "\\u" not in text
    assert "  story: |-\n    第一段。\n\n    第二段：“引号”。\n" in text
    assert "  # 单位名称\n  org: 安澜县科协\n" in text
    reread = parse_answers(text, "a.yaml")
    assert reread.template_id == "core-test" and reread.template_version == "2.1"
    assert {k: reread.values[k] for k in values} == values


def test_a_misspelt_tick_is_named_and_the_facts_of_its_other_ticks_still_checked():
    """One wrong measure name must not hide the problems in the facts of the right ones."""
    from drafter.templates.loader import load_template

    text = """answers:
  year: 2026
  org_full_name: 安澜县科学技术协会
  org_short: 县科协
  county: 安澜县
  s4_done: [popsci_evnts, popsci_events]
  popsci_events: 一千多场
"""
    with pytest.raises(AnswersError) as info:
        validate_answers(load_template("kexie"), parse_answers(text, "a.yaml"))
    assert info.value.message.splitlines()[1:] == [
        "  - a.yaml:6，字段 s4_done：“四、科学普及：确实做了下面哪些工作？”“popsci_evnts”"
        "不是可选项。是否想写“popsci_events”？可选：literacy_plan（全民科学素质纲要）、"
        "popsci_events（重大科普活动）、popsci_bases（科普阵地）、volunteers（科技志愿服务）、"
        "informants（“科普中国”信息员）、youth_science（青少年科学教育）、"
        "emergency_popsci（应急科普）。",
        "  - a.yaml:7，字段 popsci_events：“科普活动场次”应为整数，例如 12；“一千多场”不是整数。",
    ]
