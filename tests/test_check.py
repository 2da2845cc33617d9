"""The checker engine: exact findings on texts of the genre, silence on look-alikes, fixes."""

import difflib
from pathlib import Path

import pytest

from drafter.check import (
    Finding,
    apply_fixes,
    check_answer,
    check_document,
    check_text,
    detect_year,
    resolve_year,
    summary_line,
)
from drafter.check.rules import load_rules
from drafter.document.model import parse_outline

DATA = Path(__file__).parent / "data" / "check"
DAMAGED = (DATA / "damaged.txt").read_text(encoding="utf-8")
LOOKALIKES = (DATA / "lookalikes.txt").read_text(encoding="utf-8")

# (rule, exact text, line, column) for every finding in damaged.txt, in reading order.
DAMAGED_FINDINGS = [
    ("dated-central-committee", "以习近平同志为总书记的党中央", 3, 38),
    ("daizhe-dailing", "带着", 3, 86),
    ("guangkuo-guangda", "广阔", 3, 88),
    ("xiaolao-fuwu", "效劳", 3, 100),
    ("kaizhan-fazhan-qian", "开展", 3, 112),
    ("jianjue-buyi", "坚决不移", 5, 23),
    ("kaizhan-fazhan-hou", "开展", 5, 38),
    ("name-ze", "那么", 5, 75),
    ("halfwidth-comma", ",", 5, 89),
    ("name-ze", "那么", 5, 114),
    ("enumeration-sequence", "四是", 5, 117),
    ("zucheng-jubu", "组成局部", 7, 35),
    ("corner-quote-open", "〝", 7, 44),
    ("corner-quote-close", "〞", 7, 48),
    ("gendi-jichu", "根底", 7, 60),
    ("yi-jubu", "局部", 7, 80),
    ("heading-sequence", "四、", 8, 1),
    ("kaizhan-fazhan-qian", "开展", 8, 23),
    ("kaizhan-fazhan-qian", "开展", 9, 23),
    ("kaizhan-fazhan-qian", "开展", 9, 77),
    ("fengxian-gongxian-lv", "奉献", 9, 91),
    ("xiaolao-fuwu", "效劳", 11, 6),
    ("guli-jili", "鼓励", 11, 26),
    ("fengxian-gongxian", "奉献", 11, 36),
    ("unbalanced-pairs", "（", 11, 48),
    ("zhiliang-suzhi-kexue", "科学质量", 11, 62),
    ("halfwidth-comma", ",", 11, 101),
    ("wengu-gonggu", "稳固", 13, 3),
    ("biaozhun-guifanhua", "标准化", 13, 26),
    ("straight-quotes", '"', 13, 49),
    ("straight-quotes", '"', 13, 54),
    ("space-around-punctuation", " ", 13, 72),
    ("name-ze", "那么", 15, 27),
    ("name-ze", "那么", 15, 39),
    ("name-ze", "那么", 15, 43),
    ("sange-zixin", "道路自信、理论自信、制度自信", 16, 14),
    ("juesheng-xiaokang", "决胜全面建成小康社会", 16, 30),
    ("halfwidth-exclamation", "!", 16, 44),
    ("circle-zero", "○", 19, 2),
]


def located(findings):
    return [(f.rule, f.text, f.line, f.column) for f in findings]


def rules_of(findings):
    return [f.rule for f in findings]


# ---------------------------------------------------------------- the genre texts


def test_damaged_text_gives_exactly_the_expected_findings():
    assert located(check_text(DAMAGED)) == DAMAGED_FINDINGS


def test_every_finding_text_is_the_span_at_its_line_and_column():
    lines = DAMAGED.split("\n")
    for f in check_text(DAMAGED):
        line = lines[f.line - 1]
        assert line[f.column - 1:f.column - 1 + len(f.text)] == f.text


def test_damaged_text_paragraph_numbers_count_non_empty_lines():
    findings = check_text(DAMAGED)
    by_line = {f.line: f.paragraph for f in findings}
    assert by_line[3] == 2
    assert by_line[19] == 17


def test_damaged_text_year_comes_from_the_date_line():
    assert resolve_year(DAMAGED) == (2023, "落款日期")


def test_lookalikes_stay_silent_at_every_confidence():
    assert check_text(LOOKALIKES) == []


@pytest.mark.parametrize("sentence", [
    "县科协深入开展科普活动。",
    "广泛开展志愿服务。",
    "开展工作要有计划。",
    "高质量开展主题教育。",
    "创新开展工作。",
    "持续开展结对帮扶。",
    "围绕经济社会发展开展调研。",
    "围绕改革开展调研。",
    "与高校开展战略合作。",
    "开展道路交通安全宣传。",
    "组织学会开展科技服务。",
    "各项工作全面开展。",
])
def test_kaizhan_as_the_verb_stays_silent(sentence):
    assert check_text(sentence) == []


@pytest.mark.parametrize("sentence", [
    "农村是大有作为的广阔天地。",
    "把群众满意作为根本标准。",
    "建设标准化科普站点。",
    "深入实施希望工程。",
    "印发实施方案。",
    "把握有利时机。",
    "局部地区出现强降雨。",
    "打下稳固的基础。",
    "带着感情做好群众工作。",
    "弘扬无私奉献精神。",
    "鼓励科技人员创新创业。",
    "如果基础不牢，那么一切无从谈起。",
])
def test_normal_words_that_look_like_artefacts_stay_silent(sentence):
    assert check_text(sentence) == []


# ---------------------------------------------------------------- every rule's own examples


def _examples(kind):
    for rule in load_rules().rules:
        for sentence in getattr(rule, f"examples_{kind}"):
            yield pytest.param(rule, sentence, id=f"{rule.id}:{sentence[:12]}")


def _year_for(rule):
    return rule.since.year + 1 if rule.since else None


@pytest.mark.parametrize(("rule", "sentence"), list(_examples("flag")))
def test_rule_finds_its_flag_examples(rule, sentence):
    assert rule.id in rules_of(check_text(sentence, year=_year_for(rule)))


@pytest.mark.parametrize(("rule", "sentence"), list(_examples("silent")))
def test_rule_stays_silent_on_its_silent_examples(rule, sentence):
    assert rule.id not in rules_of(check_text(sentence, year=_year_for(rule)))


def test_every_rule_has_a_flag_example():
    """Examples are the rules' tests; a rule without one is untested data."""
    assert [r.id for r in load_rules().rules if not r.examples_flag] == []


# ---------------------------------------------------------------- conversion details


def test_finding_carries_suggestion_reason_confidence_and_context():
    [f] = check_text("县科协坚持为群众效劳。")
    assert f == Finding(
        rule="xiaolao-fuwu", category="conversion", line=1, column=9, paragraph=1,
        text="效劳", suggestion="服务",
        reason="同义词替换把“服务”换成了“效劳”；公文中应写“服务”。",
        confidence="high", context="县科协坚持为群众效劳。", fix="服务",
    )


def test_kaizhan_after_development_words_is_reported_as_fazhan():
    [f] = check_text("推动经济社会开展。")
    assert (f.rule, f.text, f.fix, f.column) == ("kaizhan-fazhan-qian", "开展", "发展", 7)


def test_name_ze_reports_only_the_two_characters_that_replaced_ze():
    [f] = check_text("坚持民主集中制原那么。")
    assert (f.text, f.column, f.fix) == ("那么", 9, "则")


def test_traditional_characters_are_reported_run_by_run():
    findings = check_text("推動縣域經濟發展。")
    assert [(f.rule, f.text, f.column, f.fix) for f in findings] == [
        ("traditional-chars", "動縣", 2, "动县"), ("traditional-chars", "經濟發", 5, "经济发")]


def test_taiwan_vocabulary_is_reported():
    assert located(check_text("开发科普软体。")) == [("tw-ruanti", "软体", 1, 5)]


# ---------------------------------------------------------------- formulations by year

OLD = "紧密团结在以习近平同志为总书记的党中央周围。"


def test_formulation_is_silent_before_it_changed():
    assert check_text(OLD, year=2015) == []


def test_formulation_is_a_low_hint_in_the_year_it_changed():
    [f] = check_text(OLD, year=2016)
    assert (f.rule, f.confidence) == ("dated-central-committee", "low")


def test_formulation_has_its_own_confidence_after_the_change():
    [f] = check_text(OLD, year=2017)
    assert (f.rule, f.confidence, f.fix) == ("dated-central-committee", "high", "以习近平同志为核心的党中央")


def test_formulation_reason_names_the_date_and_event():
    [f] = check_text(OLD, year=2024)
    assert f.reason.startswith("党的十八届六中全会（2016年10月24日至27日）")
    assert "以习近平同志为核心的党中央" in f.reason


def test_formulation_with_an_end_stops_after_it():
    sentence = "深入学习贯彻党的十八大精神。"
    assert rules_of(check_text(sentence, year=2019)) == ["shibada-jingshen-19"]
    assert rules_of(check_text(sentence, year=2024)) == ["shibada-jingshen-20"]


def test_year_in_the_text_decides_formulations():
    text = f"2015年县科协工作总结\n{OLD}"
    assert check_text(text) == []
    assert rules_of(check_text(text, year=2020)) == ["dated-central-committee"]


def test_detect_year_prefers_the_date_line_to_the_title():
    assert detect_year("2023年工作总结\n正文。\n2024年1月5日") == (2024, "落款日期")


def test_detect_year_reads_chinese_numeral_dates():
    assert detect_year("正文。\n二〇二二年十二月三十日") == (2022, "落款日期")


def test_detect_year_reads_the_title():
    assert detect_year("2021年县科协“六个坚持”经验交流材料\n正文。") == (2021, "标题")


def test_detect_year_ignores_years_in_the_body():
    assert detect_year("标题\n正文。\n2019年以来，我们坚持……") == (None, "")


def test_resolve_year_falls_back_to_this_year():
    import datetime

    assert resolve_year("没有年份的文字。") == (datetime.date.today().year, "当前日期")


def test_resolve_year_uses_the_given_year_first():
    assert resolve_year("2021年材料", 2024) == (2024, "参数")


# ---------------------------------------------------------------- punctuation and structure


def test_level3_heading_number_is_not_halfwidth_punctuation():
    assert check_text("1.强化政治引领\n2.夯实组织基础") == []


def test_halfwidth_period_inside_chinese_is_reported():
    assert located(check_text("取得明显成效.下一步")) == [("halfwidth-period", ".", 1, 7)]


def test_straight_quotes_pair_in_order():
    findings = check_text('开设"科普e站"专栏')
    assert [(f.column, f.fix, f.confidence) for f in findings] == [(3, "“", "high"), (8, "”", "high")]


def test_odd_straight_quotes_are_not_fixed_automatically():
    findings = check_text('开设"科普e站专栏')
    assert [(f.rule, f.confidence, f.fixable) for f in findings] == [
        ("straight-quotes", "medium", False)]


def test_halfwidth_parentheses_are_fixed_as_a_pair():
    findings = check_text("中国科学技术协会(中国科协)是人民团体。")
    assert [(f.text, f.column, f.fix) for f in findings] == [("(", 9, "（"), (")", 14, "）")]


def test_halfwidth_parentheses_in_english_text_stay_silent():
    assert check_text("experience-sharing reports (经验交流材料) in Word") == []


def test_markdown_link_parentheses_stay_silent():
    assert check_text("详见[模板说明](docs/templates.md)。") == []


def test_unclosed_book_title_mark_is_reported():
    findings = check_text("学习《中共中央关于加强和改进党的群团工作的意见。")
    assert located(findings) == [("unbalanced-pairs", "《", 1, 3)]


def test_unopened_closing_quote_is_reported():
    assert located(check_text("坚持六个坚持”。")) == [("unbalanced-pairs", "”", 1, 7)]


def test_quotation_running_over_paragraphs_is_not_unbalanced():
    assert check_text("“第一段引文，\n“第二段引文。”") == []


def test_doubled_comma_keeps_one():
    [f] = check_text("县科协，，坚持服务大局。")
    assert (f.rule, f.text, f.fix) == ("doubled-punctuation", "，，", "，")


def test_space_between_chinese_characters_is_reported():
    assert located(check_text("县科协 坚持服务大局。")) == [("space-between-cjk", " ", 1, 4)]


def test_heading_sequence_gap_is_reported_once():
    text = "一、强化引领\n二、服务大局\n四、改革创新\n五、依法依章程"
    findings = check_text(text)
    assert [(f.rule, f.text, f.line, f.fix) for f in findings] == [
        ("heading-sequence", "四、", 3, "三、")]


def test_level2_sequence_restarts_under_each_level1_heading():
    text = "一、强化引领\n（一）思想引领\n（二）组织引领\n二、服务大局\n（一）建言献策\n（三）科技服务"
    assert [(f.text, f.line, f.fix) for f in check_text(text)] == [("（三）", 6, "（二）")]


def test_level3_sequence_gap_is_reported():
    text = "1.举办学术年会\n3.开展科技下乡"
    assert [(f.text, f.fix) for f in check_text(text)] == [("3.", "2.")]


def test_enumeration_gap_across_paragraphs_is_reported():
    text = "一是强化引领。\n二是夯实基础。\n四是改革创新。"
    assert located(check_text(text)) == [("enumeration-sequence", "四是", 3, 1)]


def test_structure_findings_are_medium_and_never_fixed():
    [f] = check_text("一、甲\n三、乙")
    assert (f.category, f.confidence, f.fixable) == ("structure", "medium", False)


# ---------------------------------------------------------------- documents and answers


def test_check_document_uses_numbered_plain_lines():
    document = parse_outline("# 2024年材料\n\n## 强化引领\n\n县科协坚持为群众效劳。\n\n## 服务大局\n")
    findings = check_document(document)
    assert located(findings) == [("xiaolao-fuwu", "效劳", 3, 9)]


def test_check_document_catches_a_hand_typed_enumeration_gap():
    document = parse_outline("# 材料\n\n一是强化引领；二是夯实基础；四是改革创新。\n")
    assert rules_of(check_document(document)) == ["enumeration-sequence"]


def test_check_document_finds_generated_heading_numbers_correct():
    markup = "# 材料\n\n" + "\n\n".join(f"## 标题{i}\n\n正文。" for i in range(1, 12))
    assert check_document(parse_outline(markup)) == []


def test_check_document_takes_the_year_from_the_document():
    document = parse_outline(f"# 2015年材料\n\n{OLD}\n\n@日期 2015年5月8日\n")
    assert check_document(document) == []
    assert rules_of(check_document(document, year=2024)) == ["dated-central-committee"]


def test_check_answer_reports_artefacts_and_punctuation():
    findings = check_answer("为科技工作者效劳,打牢根底")
    assert rules_of(findings) == ["xiaolao-fuwu", "halfwidth-comma", "gendi-jichu"]


def test_check_answer_ignores_structure_and_formulations():
    assert check_answer("四是以习近平同志为总书记的党中央。\n一、甲\n三、乙") == []


def test_finding_message_is_one_short_sentence():
    [f] = check_answer("为群众效劳")
    assert f.message() == "“效劳”应为“服务”（同义词替换把“服务”换成了“效劳”；公文中应写“服务”）"


def test_finding_to_json_has_the_documented_keys():
    [f] = check_text("为群众效劳")
    assert set(f.to_json()) >= {"rule", "category", "line", "column", "paragraph", "text",
                               "suggestion", "reason", "confidence", "context"}


# ---------------------------------------------------------------- fixes


def test_apply_fixes_changes_only_high_confidence_spans():
    findings = check_text(DAMAGED)
    fixed = apply_fixes(DAMAGED, findings)
    fixable = [f for f in findings if f.fixable]
    lines = DAMAGED.split("\n")
    starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
    spans = [(starts[f.line - 1] + f.column - 1, len(f.text)) for f in fixable]
    matcher = difflib.SequenceMatcher(None, DAMAGED, fixed, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            assert any(s <= i1 and i2 <= s + n for s, n in spans), DAMAGED[i1:i2]


def test_fixed_text_rechecked_has_only_the_findings_that_were_not_fixable():
    findings = check_text(DAMAGED)
    refound = check_text(apply_fixes(DAMAGED, findings))
    assert not any(f.fixable for f in refound)
    kept = [(f.rule, f.text) for f in findings if not f.fixable]
    assert [(f.rule, f.text) for f in refound] == kept


def test_apply_fixes_skips_findings_that_no_longer_match():
    findings = check_text("为群众效劳")
    assert apply_fixes("为群众服务", findings) == "为群众服务"


def test_crlf_line_ends_do_not_hide_line_end_rules():
    assert located(check_text("取得了明显成效.\r\n下一步")) == [("halfwidth-period", ".", 1, 8)]


def test_apply_fixes_leaves_line_endings_alone():
    text = "为群众效劳\r\n打牢根底\r\n"
    assert apply_fixes(text, check_text(text)) == "为群众服务\r\n打牢基础\r\n"


# ---------------------------------------------------------------- summary


def test_summary_line_when_clean():
    assert summary_line([]) == "校对：未发现问题"


def test_summary_line_counts_by_category():
    findings = check_text("为群众效劳,打牢根底")
    assert summary_line(findings) == (
        "校对：发现 3 处问题（错词 2，标点 1），请运行 drafter check 查看详情")


def test_summary_line_leaves_out_low_hints():
    assert summary_line(check_text("及时发布科普资讯。")) == "校对：未发现问题"


def test_summary_line_can_name_the_file():
    line = summary_line(check_text("为群众效劳"), path="材料.docx")
    assert line.endswith("请运行 drafter check 材料.docx 查看详情")


def test_items_start_again_in_every_article_of_a_law():
    text = "第一条 有下列情形之一的：\n（一）甲；\n（二）乙。\n第二条 有下列情形之一的：\n（一）丙；\n（三）丁。"
    assert [(f.text, f.line, f.fix) for f in check_text(text)] == [("（三）", 6, "（二）")]
