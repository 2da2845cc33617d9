"""The heading-number grammar: written by the writer, read by format, the checker and the
template check (drafter.document.numbering)."""

import pytest

from drafter.check.structure import heading_sequence
from drafter.document.numbering import (
    cn_number,
    heading_level,
    heading_number,
    parse_cn_number,
    read_number,
)


def test_numbers_by_level_and_position():
    assert [heading_number(level, 3) for level in (1, 2, 3, 4, 5)] == [
        "三、", "（三）", "3.", "（3）", "（3）"]
    assert heading_number(1, 12) == "十二、"
    assert heading_number(2, 20) == "（二十）"


def test_chinese_numbers_both_ways():
    for n in range(1, 100):
        assert parse_cn_number(cn_number(n)) == n
    assert cn_number(0) == "零"
    assert cn_number(100) == "100"


@pytest.mark.parametrize("text", ["", "零", "十十", "一一", "二十十", "一百", "十一二", "两"])
def test_chinese_numbers_that_are_no_heading_numbers(text):
    assert parse_cn_number(text) is None


@pytest.mark.parametrize(
    ("line", "level", "position", "token", "rest"),
    [
        ("一、坚持党的领导", 1, 1, "一、", "坚持党的领导"),
        ("二十三、其他", 1, 23, "二十三、", "其他"),
        ("三．全角点", 1, 3, "三．", "全角点"),
        ("四.半角点", 1, 4, "四.", "半角点"),
        ("五 、 空格", 1, 5, "五 、", "空格"),
        ("（一）强化引领", 2, 1, "（一）", "强化引领"),
        ("(二) 半角括号", 2, 2, "(二)", "半角括号"),
        ("（ 三 ）、多余的顿号", 2, 3, "（ 三 ）", "多余的顿号"),
        ("1. 建立制度", 3, 1, "1.", "建立制度"),
        ("12．全角点", 3, 12, "12．", "全角点"),
        ("3、顿号", 3, 3, "3、", "顿号"),
        ("（1）四级", 4, 1, "（1）", "四级"),
        ("(10)，逗号", 4, 10, "(10)", "逗号"),
        ("　　一、缩进", 1, 1, "一、", "缩进"),
        ("一、", 1, 1, "一、", ""),
    ],
)
def test_typed_numbers_are_read(line, level, position, token, rest):
    typed = read_number(line)
    assert (typed.level, typed.position, typed.token, typed.rest) == (level, position, token, rest)
    assert line[typed.start:].startswith(token)
    assert line[typed.end:].strip() == rest


@pytest.mark.parametrize(
    "line",
    ["1.5万人次参加", "2024.5.8", "2024年工作", "123. 三位数", "一是加强领导", "十分重要。",
     "一一、重复的数字", "十十、", "（一一）", "第一、", "1)半个括号", "①带圈"],
)
def test_text_that_only_looks_numbered_is_not_read(line):
    assert read_number(line) is None
    assert heading_level(line) == (0, line)


def test_a_number_alone_is_no_heading_for_format():
    assert heading_level("一、") == (0, "一、")
    assert heading_level("（二）、") == (0, "（二）、")
    assert heading_level("（二）、强化") == (2, "强化")


def test_another_number_is_written_the_way_this_one_was_typed():
    assert read_number("3、顿号").like(4) == "4、"
    assert read_number("(1) 半角").like(2) == "(2)"
    assert read_number("(一) 半角").like(2) == "(二)"
    assert read_number("（一）全角").like(2) == "（二）"
    assert read_number("一．全角点").like(2) == "二．"
    assert read_number("一、顿号").like(10) == "十、"


def sequence(*lines):
    return [(item.line, item.text, item.fix) for item in heading_sequence(list(lines))]


def test_the_checker_reads_what_format_reads():
    """Resolved disagreement: the checker used to read only 一、 at level 1 and no spaces
    inside a number, so “二．” and “（ 二 ）” were skipped and the next number was
    reported against the wrong predecessor."""
    assert sequence("一、甲", "二．乙", "三、丙") == []
    assert sequence("一、甲", "（一）子", "（ 二 ）丑", "（三）寅") == []
    assert sequence("一、甲", "二．乙", "四、丙") == [(2, "四、", "三、")]


def test_a_number_that_is_no_number_is_not_a_heading_anywhere():
    """Resolved disagreement: format read “一一、” as a level-1 heading while the checker
    refused it; now neither does."""
    assert heading_level("一一、重复") == (0, "一一、重复")
    assert sequence("一、甲", "一一、重复", "二、乙") == []


def test_check_reads_a_doubled_ten_without_crashing():
    """Bug: the checker's own Chinese-number reader raised ValueError on 十十 (a heading
    “十十、” or an enumeration “十十是”), so `drafter check` crashed with a traceback."""
    from drafter.check.engine import check_text

    findings = check_text("一、甲\n十十、乙\n一是丙，十十是丁。\n", 2024)
    assert not [f for f in findings if f.rule in ("heading-sequence", "enumeration-sequence")]
