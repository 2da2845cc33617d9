"""Second round of the checker: 开展 for 发展 by grammar, more substitution artefacts, the
punctuation conventions a fix must not damage. Every sentence here is the project's own."""

import pytest

from drafter.check import apply_fixes, check_text


def found(sentence):
    return [(f.rule, f.text, f.confidence) for f in check_text(sentence, year=2024)]


def fixed(sentence):
    return apply_fixes(sentence, check_text(sentence, year=2024))


# ---------------------------------------------------------------- 开展 for 发展


@pytest.mark.parametrize(("sentence", "rule"), [
    ("近年来，全县科普产业开展壮大。", "kaizhan-fazhan-buyu"),
    ("科协事业持续开展进步。", "kaizhan-fazhan-buyu"),
    ("全县乡村旅游业开展迅速。", "kaizhan-fazhan-buyu"),
    ("准确把握行业开展趋势。", "kaizhan-fazhan-zhongxinyu"),
    ("尊重教育开展规律。", "kaizhan-fazhan-zhongxinyu"),
    ("推动全县经济社会实现科学开展。", "kaizhan-fazhan-kexue"),
    ("以改革促开展。", "kaizhan-fazhan-cu"),
    ("抓党建、促开展。", "kaizhan-fazhan-cu"),
])
def test_kaizhan_without_an_object_is_fazhan(sentence, rule):
    assert found(sentence) == [(rule, "开展", "high")]
    assert fixed(sentence) == sentence.replace("开展", "发展")


def test_a_sector_with_kaizhan_and_no_object_is_a_medium_hint():
    assert found("近年来，全县乡村旅游业开展。") == [("kaizhan-fazhan-hangye", "开展", "medium")]


@pytest.mark.parametrize("sentence", [
    "县科协开展了多场科普活动。",
    "广泛开展志愿服务。",
    "深入开展调研，形成专题报告。",
    "开展工作要讲究方法。",
    "各行业开展技能比武。",
    "群众性科普活动在各行各业广泛开展。",
    "这项活动在全县各行业开展。",
    "企业开展的技术攻关成效明显。",
    "围绕行业开展趋势研判。",
    "科学开展疫情防控。",
    "督促开展自查自纠。",
    "开展壮大村集体经济专项行动。",
    "各项活动开展迅速、成效明显。",
])
def test_kaizhan_with_an_activity_stays_silent(sentence):
    assert found(sentence) == []


# ---------------------------------------------------------------- substitution artefacts


@pytest.mark.parametrize(("sentence", "expected"), [
    ("加强档案治理和人事治理。", "加强档案管理和人事管理。"),
    ("2　标准性引用文件", "2　规范性引用文件"),
    ("为迎检做好预备。", "为迎检做好准备。"),
    ("妥善处置突发大事。", "妥善处置突发事件。"),
    ("始终以来，县科协高度重视科普工作。", "一直以来，县科协高度重视科普工作。"),
    ("全县阅历了一场特大暴雨。", "全县经历了一场特大暴雨。"),
    ("关于加强科普工作的假设干意见。", "关于加强科普工作的若干意见。"),
    ("第二局部　主要做法", "第二部分　主要做法"),
    ("优化产业构造。", "优化产业结构。"),
    ("稳固和深化改革成效。", "巩固和深化改革成效。"),
])
def test_sure_artefacts_are_fixed(sentence, expected):
    assert fixed(sentence) == expected


@pytest.mark.parametrize(("sentence", "rule"), [
    ("加强资产治理。", "zhili-guanli-ruo"),
    ("4　根本原则", "genben-yuanze-tiaokuan"),
    ("为科技工作者供给优质服务。", "gongji-tigong"),
    ("让青年在实践中增长经历。", "jingli-yueli"),
    ("扎实做好会议预备工作。", "yubei-gongzuo"),
])
def test_likely_artefacts_are_medium_and_not_fixed(sentence, rule):
    assert [r for r, _, c in found(sentence) if c == "medium"] == [rule]
    assert fixed(sentence) == sentence


@pytest.mark.parametrize("sentence", [
    "推进基层治理体系和治理能力现代化。",
    "完善社会治理，加强环境治理。",
    "健全公司法人治理结构。",
    "深化供给侧结构性改革。",
    "增加有效供给，扩大优质公共服务供给。",
    "编写科协大事记。",
    "关心国家大事。",
    "做好预备党员的教育培养。",
    "召开大会预备会议。",
    "假设干预措施有效，再推广。",
    "假设干部队伍建设滞后，怎么办？",
    "研究区域地质构造。",
    "他人生阅历丰富。",
    "他有丰富的工作经历。",
    "局部地区出现强降雨。",
    "坚持党的领导是根本原则。",
    "地位稳固，基础扎实。",
])
def test_legitimate_contexts_stay_silent(sentence):
    assert found(sentence) == []


# ---------------------------------------------------------------- punctuation conventions


@pytest.mark.parametrize("sentence", [
    "中共中央 国务院印发《关于新时代进一步加强科学技术普及工作的意见》，要求各地认真贯彻。",
    "中共中央办公厅 国务院办公厅印发通知，部署有关工作。",
    "中共中央 国务院关于加强新时代科普工作的意见",
    "聚焦主责主业 服务发展大局",
    "新华社北京10月2日电 记者从有关部门获悉，全国科普月活动圆满结束。",
    "本报讯（记者 张三 李四）全县科普月活动启动。",
    "副市长 张三出席会议并讲话。",
    "市长 张三",
    "第三条 坚持中国共产党对科普事业的全面领导。",
    "国发〔2021〕9号",
    "〔唐〕李白",
    "一、坚持党的领导……………………3",
    "第二章　组织管理.........12",
])
def test_conventions_are_not_flagged_for_fixing(sentence):
    assert [f for f in check_text(sentence, year=2024) if f.confidence != "low"] == []
    assert fixed(sentence) == sentence


def test_a_stray_space_in_a_body_sentence_is_fixed():
    assert fixed("全年举办科普 活动12场，惠及群众3000余人。") == "全年举办科普活动12场，惠及群众3000余人。"


def test_a_space_in_a_title_line_is_only_a_low_hint():
    assert [(f.rule, f.confidence) for f in check_text("一、强化 政治引领", year=2024)] == [
        ("space-between-cjk-title", "low")]


def test_hexagonal_brackets_around_an_annex_label_become_round():
    assert fixed("〔附件1〕全县科普工作统计表") == "（附件1）全县科普工作统计表"
    assert found("全县共建科普站12个〔其中村级站8个〕。") == [
        ("liujiao-kuohao", "〔其中村级站8个〕", "medium")]


def test_question_marks_that_stand_for_lost_book_title_marks_become_book_title_marks():
    sentence = "认真学习?关于新时代进一步加强科学技术普及工作的意见?精神。"
    assert found(sentence) == [("lost-book-title-marks",
                                "?关于新时代进一步加强科学技术普及工作的意见?", "high")]
    assert fixed(sentence) == "认真学习《关于新时代进一步加强科学技术普及工作的意见》精神。"
    assert fixed("认真学习《关于加强科普工作的意见?精神。") == "认真学习《关于加强科普工作的意见》精神。"


def test_a_question_mark_inside_a_sentence_is_not_fixed_into_a_full_width_one():
    assert found("怎样做实?下一步要研究。") == [("halfwidth-question-mid", "?", "medium")]
    assert fixed("怎样做实?下一步要研究。") == "怎样做实?下一步要研究。"
    assert fixed("怎样才能把服务做实?") == "怎样才能把服务做实？"


def test_table_of_contents_leaders_are_not_ellipses_but_a_real_ellipsis_is():
    assert found("科普、培训、义诊...等活动。") == [("ellipsis", "...", "medium")]
    assert found("一、坚持党的领导……………………3") == []
