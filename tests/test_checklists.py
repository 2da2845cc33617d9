"""The measures library: checklist questions, facts tied to their measure, the outline helpers
(did, nth, wording, variant), derived values, and what the template check says about them."""

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from drafter.document.measure import Measure, report
from drafter.errors import TemplateError
from drafter.interview.answers import AnswersFile, validate_answers
from drafter.interview.expressions import is_asked
from drafter.interview.questions import parse_question
from drafter.render.engine import render_document
from drafter.render.filters import ended, join_cn
from drafter.render.helpers import (
    answer_warnings,
    default_day,
    document_date,
    place_name,
    stable_index,
)
from drafter.templates.check import check_template
from drafter.templates.loader import load_template

CHECKLIST = {
    "name": "s1_done", "type": "checklist", "label": "做了哪些工作",
    "choices": [{"value": "a", "label": "甲", "help": "甲的说明"},
                {"value": "b", "label": "乙", "help": "乙的说明"},
                {"value": "c", "label": "丙", "help": "丙的说明"}],
}


def write_template(folder: Path, questions: str, outline: str, extends: str = "") -> Path:
    folder.mkdir(parents=True)
    meta = f"id: {folder.name}\ntitle: 测试\n" + (f"extends: {extends}\n" if extends else "")
    (folder / "template.yaml").write_text(meta, encoding="utf-8")
    (folder / "questions.yaml").write_text(textwrap.dedent(questions), encoding="utf-8")
    (folder / "outline.j2").write_text(textwrap.dedent(outline), encoding="utf-8")
    return folder


MINI_QUESTIONS = """\
    questions:
      - name: county
        type: text
      - name: genre
        type: choice
        choices: [written, spoken]
      - name: s1_done
        type: checklist
        choices:
          - {value: a, label: 甲, help: 甲的说明}
          - {value: b, label: 乙, help: 乙的说明}
          - {value: c, label: 丙, help: 丙的说明}
      - name: a_count
        type: int
        measure: a
"""
MINI_OUTLINE = """\
    # 标题

    ## 第一部分

    {% if did("a") %}
    {{ nth("a") }}做了甲。共{{ a_count }}次。
    {% endif %}

    {% if did("b") %}
    {{ nth("b") }}做了乙。
    {% endif %}

    {% if did("c") %}
    {{ nth("c") }}做了丙。
    {% endif %}

    全{{ area }}，{{ place }}。
"""


@pytest.fixture
def mini(tmp_path):
    return load_template(str(write_template(tmp_path / "mini", MINI_QUESTIONS, MINI_OUTLINE)))


def paragraphs(document) -> list[str]:
    return [b.text for b in document.blocks if b.kind == "paragraph"]


# ---------------------------------------------------------------- the question model


def test_a_checklist_carries_a_description_per_measure():
    question, problems = parse_question(CHECKLIST, "q.yaml", 3, allow_child_keys=False)
    assert problems == []
    assert question.is_checklist
    assert [(c.value, c.label, c.help) for c in question.choices][0] == ("a", "甲", "甲的说明")
    assert question.check(["c", "甲"]) == (["c", "a"], "")  # ids or labels, in the user's order
    assert question.check(["d"])[1].startswith("“d”不是可选项")


@pytest.mark.parametrize(("spec", "message"), [
    ({**CHECKLIST, "choices": [{"value": "a", "label": "甲", "hlep": "x"}]},
     "选项 a：未知的设置“hlep”（可用 value、label、help）。是否想写“help”？"),
    ({**CHECKLIST, "choices": [{"value": "a"}, {"value": "a"}]},
     "做法清单中有重复的 value。每项做法的 value 必须各不相同。"),
    ({"name": "n", "type": "int", "spoken_max": 2}, "只有 checklist（做法清单）可以设置 spoken_max。"),
    ({"name": "n", "type": "int", "measure": "a", "required": True},
     "属于做法的事实（写了 measure）不能设为必填：没有勾选这项做法时不会问它。请删去 required。"),
])
def test_checklist_mistakes_are_reported(spec, message):
    _, problems = parse_question(spec, "q.yaml", 3, allow_child_keys=False)
    assert [p.message for p in problems] == [message]


def test_a_fact_is_asked_only_while_its_measure_is_ticked(mini):
    fact = mini.question("a_count")
    assert fact.checklist == "s1_done"
    assert not is_asked(fact, {"s1_done": ["b"]})
    assert is_asked(fact, {"s1_done": ["b", "a"]})
    clean, _ = validate_answers(mini, AnswersFile("x.yaml", values={
        "county": "安澜县", "s1_done": ["b"], "a_count": 7}))
    assert clean["a_count"] is None  # given, but its measure was not ticked


def test_a_fact_naming_no_measure_or_placed_before_its_checklist(tmp_path):
    questions = MINI_QUESTIONS.replace("measure: a", "measure: aa") + """\
      - name: early
        type: int
        measure: b
        after: genre
"""
    folder = write_template(tmp_path / "bad", questions, MINI_OUTLINE + "{{ early }}\n")
    messages = [f.message for f in check_template(folder)]
    assert "measure 指定的做法“aa”不在任何做法清单（checklist）中。是否想写“a”？" in messages
    assert ("它属于做法“b”，但做法清单 s1_done 排在它后面。请把做法清单放在它的事实问题之前（可用 after 调整位置）。"
            in messages)


def test_a_child_that_drops_a_measure_drops_its_inherited_facts(tmp_path, mini):
    child = write_template(tmp_path / "child", """\
        questions:
          - name: s1_done
            choices:
              - {value: b, label: 乙, help: 乙的说明}
              - {value: c, label: 丙, help: 丙的说明}
        """, '{% extends "mini/outline.j2" %}\n', extends="mini")
    template = load_template(str(child), [mini.folder.parent])
    assert template.question("a_count") is None
    findings = check_template(child, [mini.folder.parent])
    assert [f.message for f in findings] == [
        'did("a")：没有这项做法，它不在任何做法清单（checklist）中。',
        'nth("a")：没有这项做法，它不在任何做法清单（checklist）中。']


# ---------------------------------------------------------------- the outline helpers


def test_only_ticked_measures_are_written_and_numbered(mini):
    none = render_document(mini, {"county": "安澜县", "genre": "written"})
    assert paragraphs(none) == ["全县，安澜。"]
    two = render_document(mini, {"county": "安澜区", "genre": "written", "s1_done": ["c", "a"],
                                 "a_count": 5})
    assert paragraphs(two) == ["一是做了甲。共5次。", "二是做了丙。", "全区，安澜。"]


def test_a_spoken_draft_keeps_the_first_two_ticks_in_the_answers_order(mini):
    spoken = render_document(mini, {"county": "安澜县", "genre": "spoken",
                                    "s1_done": ["c", "b", "a"]})
    assert paragraphs(spoken) == ["一是做了乙。", "二是做了丙。", "全县，安澜。"]
    one = render_document(mini, {"county": "安澜县", "genre": "spoken", "s1_done": ["b"]})
    assert paragraphs(one)[0] == "我们重点做了乙。"  # 一是 without 二是 reads as a slip


def test_an_unknown_measure_at_render_names_the_line(tmp_path):
    folder = write_template(tmp_path / "t", MINI_QUESTIONS,
                            MINI_OUTLINE + '{% if did("zz") %}x{% endif %}\n')
    with pytest.raises(TemplateError) as caught:
        render_document(load_template(str(folder)), {"county": "安澜县"})
    [problem] = caught.value.problems
    assert problem.message == "提纲运行出错：没有名为“zz”的做法：它不在任何做法清单中。"
    assert problem.line == 18


def test_wording_follows_the_document_date(tmp_path):
    folder = write_template(tmp_path / "w", """\
        questions:
          - name: year
            type: year
          - name: date
            type: date
        """, '深入贯彻{{ wording("party_spirit") }}。“{{ wording("plan_period") }}”。\n'
             '{{ wording("youth_plan") }}仍在实施。\n')
    template = load_template(str(folder))

    def text(**answers):
        return paragraphs(render_document(template, answers))

    assert text(date=dt.date(2024, 5, 8)) == ["深入贯彻党的二十大精神。“十四五”。中长期青年发展规划（2016—2025年）仍在实施。"]
    assert text(date=dt.date(2024, 9, 1))[0].startswith("深入贯彻党的二十大和二十届二中、三中全会精神。")
    # expired plan: the sentence that cites it is left out
    assert text(date=dt.date(2026, 9, 1)) == ["深入贯彻党的二十大和二十届历次全会精神。“十五五”。"]
    assert text(year=2026)[0].startswith("深入贯彻党的二十大和二十届历次全会精神。")


def test_variant_is_stable_per_organisation_and_can_be_changed():
    seeds = [f"县{n}科协|" for n in range(30)]
    picks = [stable_index(seed, "opening", 3) for seed in seeds]
    assert picks == [stable_index(seed, "opening", 3) for seed in seeds]  # same name, same text
    assert set(picks) == {1, 2, 3}  # different organisations get different wordings


def test_derived_values():
    assert [place_name(c) for c in ("安澜县", "安澜区", "泾县", "科尔沁右翼前旗", "长阳土家族自治县")] == [
        "安澜", "安澜", "泾县", "科尔沁右翼前", "长阳土家族"]
    today = dt.date(2026, 11, 5)
    assert default_day(2026, today) == today
    assert default_day(2024, today) == dt.date(2024, 11, 5)
    assert default_day(2025, dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert document_date({"year": 2024, "date": dt.date(2024, 9, 1)}) == dt.date(2024, 9, 1)
    assert document_date({}) is None


def test_a_date_outside_the_year_is_a_warning():
    assert answer_warnings({"year": 2026, "date": dt.date(2025, 12, 30)}) == [
        "落款日期 2025年12月30日 不在材料年份 2026 年内。时效提法按落款日期选取；请核对 date 和 year 两项答案。"]
    assert answer_warnings({"year": 2026, "date": dt.date(2026, 1, 2)}) == []


# ---------------------------------------------------------------- filters and length


def test_ended_gives_each_paragraph_one_full_stop():
    assert ended("走访职工3200人次") == "走访职工3200人次。"
    assert ended("走访职工3200人次……") == "走访职工3200人次……"
    assert ended("他说：“要办实事。”") == "他说：“要办实事。”"
    assert ended("打造“暖心”品牌”") == "打造“暖心”品牌”。"
    assert ended("第一段，\n第二段；") == "第一段。\n第二段。"


def test_join_cn_leaves_out_the_dunhao_between_quoted_items():
    assert join_cn(["“甲”", "“乙”", "丙"]) == "“甲”“乙”和丙"
    assert join_cn(["《甲》", "《乙》", "《丙》"]) == "《甲》《乙》和《丙》"
    assert join_cn(["甲", "“乙”", "丙"]) == "甲、“乙”和丙"


def test_the_length_report_states_the_spoken_rate():
    lines = report(Measure((("开头", 2400),), 2400), 2500, None, "spoken")
    assert lines[-2] == "  合计 2400 字。口头交流发言按每分钟 220—240 字计，宣读约 10.0—10.9 分钟。"
    assert lines[-1] == "  目标 2500 字（口头交流发言），篇幅合适。"


# ---------------------------------------------------------------- the template check


@pytest.fixture
def kexie_child(tmp_path):
    """A child of kexie whose questions and outline a test edits."""
    def make(questions: str, outline: str) -> Path:
        return write_template(tmp_path / "child", "questions:\n" + textwrap.dedent(questions),
                              '{% extends "kexie/outline.j2" %}\n' + textwrap.dedent(outline),
                              extends="kexie")
    return make


S1_CHOICES = "".join(
    f"          - {{value: {v}, label: {v}, help: 说明}}\n"
    for v in ("theory_study", "reporting", "party_building", "scientist_spirit", "ideology",
              "discipline"))


def test_the_guides_four_messages(kexie_child):
    """docs/templates.md 12.4 shows what the check says for each step left out."""
    folder = kexie_child(f"""\
      - name: s1_done
        choices:
{S1_CHOICES}          - value: lecture_team
            label: 科技志愿宣讲队
            help: 组建由科技工作者组成的宣讲队
      - name: lecture_team_talks
        type: int
        after: campaign
      - name: typo_fact
        type: int
        measure: lecture_tam
        after: lecture_team_talks
    """, """\
      {% block s1_measures %}
      {{ super() }}
      {% if did("lecture_tem") %}
      宣讲{{ lecture_team_talks }}场。{{ typo_fact }}
      {% endif %}
      {% endblock %}
    """)
    messages = [f.message for f in check_template(folder)]
    assert ("做法“lecture_team”（科技志愿宣讲队）在提纲中没有用到。请在本节的措施 block 中写 "
            "{% if did(\"lecture_team\") %}……{% endif %}，或从清单中删去这一项。") in messages
    assert 'did("lecture_tem")：没有这项做法，它不在任何做法清单（checklist）中。是否想写“lecture_team”？' in messages
    assert ("measure 指定的做法“lecture_tam”不在任何做法清单（checklist）中。是否想写“lecture_team”？"
            in messages)
    assert ("它只用在做法“lecture_tem”的段落中，却没有写 measure: lecture_tem。加上以后，只有勾选了这项做法才会问它。"
            in messages)


def test_a_measure_needs_its_description_and_wording_keys_must_exist(kexie_child):
    folder = kexie_child(f"""\
      - name: s1_done
        choices:
{S1_CHOICES}          - {{value: extra, label: 另一项}}
    """, """\
      {% block s1_own %}{% if did("extra") %}另一项。{% endif %}{{ wording("party_spirt") }}{% endblock %}
    """)
    messages = [f.message for f in check_template(folder)]
    assert "做法“extra”（另一项）缺少一句说明（help）：问卷靠它告诉填写人这项做法指什么。" in messages
    assert 'wording("party_spirt")：时效提法数据中没有这个键。是否想写“party_spirit”？' in messages


def test_a_fact_under_the_wrong_measure(kexie_child):
    folder = kexie_child("""\
      - name: study_sessions
        measure: reporting
    """, "")
    [finding] = check_template(folder)
    assert finding.message == ("它属于做法“reporting”，却只用在做法 theory_study 的段落中。"
                               "请改正 measure，或把它移到所属做法的段落里。")
    assert finding.field == "study_sessions"


def test_the_builtin_templates_check_clean():
    for name in ("six-adherences", "kexie", "gonghui", "gongqingtuan", "fulian"):
        assert check_template(name) == [], name


def test_no_block_repeats_a_set_area_line():
    for outline in (REPO / "templates").glob("*/outline.j2"):
        if outline.parent.name in ("six-adherences", "kexie"):
            assert "set area" not in outline.read_text(encoding="utf-8"), outline
