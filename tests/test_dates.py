"""The 公文 date grammar (drafter.document.dates) and everything that reads or writes dates with it:
date questions, `format`'s 落款, the checker's document date, the date_cn filter."""

import datetime as dt

import pytest

from drafter.check.dates import detect_date
from drafter.document.dates import date_at, date_line, date_text, find_date, parse_date
from drafter.document.model import Kind
from drafter.document.plaintext import parse_plaintext
from drafter.interview.questions import Question
from drafter.render.filters import format_date

MAY_8 = dt.date(2024, 5, 8)


@pytest.mark.parametrize("text", [
    "2024-05-08", "2024-5-8", "2024/5/8", "2024.5.8", "2024．5．8", "2024 - 05 - 08",
    "2024年5月8日", "2024年05月08日", "2024 年 5 月 8 日", "2024年5月8号", "2024年5月8",
    "二〇二四年五月八日", "二○二四年五月八日", "二零二四年五月八日", "　2024-05-08\n",
])
def test_a_day_in_every_common_form(text):
    assert parse_date(text) == MAY_8


@pytest.mark.parametrize("text", [
    "2024-5/8", "2024年5-8", "2024/5.8",  # one separator, not two
    "2024-05", "2024年5月", "二〇二四年五月",  # no day
    "24-05-08", "1899-05-08", "2100-05-08", "20240508",  # no 公文 year
    "2024-02-30", "2024年13月1日", "二〇二四年十十月一日",  # no such day
    "2024年5月8日上午", "明天", "",
])
def test_no_day(text):
    assert parse_date(text) is None


def test_a_date_is_read_where_it_stands():
    found = find_date("于2024年5月8日召开")
    assert (found.year, found.month, found.day, found.start, found.end) == (2024, 5, 8, 1, 10)
    assert date_at("发布时间：2018-07-04", 5).date() == dt.date(2018, 7, 4)
    assert date_at("发布时间：2018-07-04", 0) is None
    assert find_date("共12018-07-04次") is None  # a longer number is no year


def test_a_date_known_to_the_month_and_a_day_the_calendar_lacks():
    month = date_line("二〇二四年十二月")
    assert (month.year, month.month, month.day, month.date()) == (2024, 12, None, None)
    wrong = date_line("2024年2月30日")
    assert (wrong.day, wrong.real, wrong.date()) == (30, False, None)


@pytest.mark.parametrize("line", [
    "2024年5月8日", "（2024年5月8日）", "(2024-05-08)", "［2024.5.8］", "2024-05-08 10:23",
    "2024年5月8日 10:23:05", "　二〇二四年五月八日　", "2024年5月",
])
def test_date_lines(line):
    assert date_line(line) is not None


@pytest.mark.parametrize("line", [
    "2024年5月8日召开大会", "于2024年5月8日", "2024年", "2024年5月8日，", "（2024年5月8日",
])
def test_lines_that_hold_more_than_a_date(line):
    assert date_line(line) is None


def test_dates_are_written_the_gongwen_way():
    assert date_text(MAY_8) == "2024年5月8日"
    assert date_text(dt.datetime(2024, 5, 8, 10, 23)) == "2024年5月8日"
    assert (date_text(2024, 5), date_text(2024)) == ("2024年5月", "2024年")
    assert format_date(MAY_8) == "2024年5月8日"
    assert Question("d", type="text").coerce(MAY_8) == ("2024年5月8日", "")


def test_a_date_question_reads_what_the_checker_reads():
    """Resolved disagreement: a date question took 2024年5-8 (mixed separators) but not
    二〇二四年五月八日 or 2024年5月8号, which the checker reads."""
    question = Question("d", type="date")
    assert question.coerce("二〇二四年五月八日") == (MAY_8, "")
    assert question.coerce("2024年5月8号") == (MAY_8, "")
    assert question.coerce("2024年5-8")[1] == (
        "应为日期，例如 2024-05-08 或 2024年5月8日；“2024年5-8”无法识别。")


def dated_lines(text):
    return [(b.kind, b.text) for b in parse_plaintext(text).blocks
            if b.kind in (Kind.SIGNATURE, Kind.DATE)]


@pytest.mark.parametrize("date", ["2024-05-08", "2024.5.8", "2024年5月", "二Ｏ二四年五月八日"])
def test_format_finds_the_date_of_the_signature_in_every_form_the_checker_reads(date):
    """Resolved disagreement: `format` read only 2024年5月8日 and 二〇二四年五月八日 as the
    落款 date, while the checker also took 2024-05-08, a month alone and Ｏ for 〇."""
    text = f"关于某事的报告\n\n正文第一段。\n\n某某县科学技术协会\n{date}\n"
    assert dated_lines(text) == [(Kind.SIGNATURE, "某某县科学技术协会"), (Kind.DATE, date)]
    assert detect_date(text).source == "落款日期"


def test_a_signature_date_the_calendar_lacks_is_still_laid_out_as_the_date():
    text = "关于某事的报告\n\n正文第一段。\n\n某某县科学技术协会\n2024年2月30日\n"
    assert dated_lines(text)[-1] == (Kind.DATE, "2024年2月30日")
    assert detect_date(text) is None  # but the checker does not date the text by it


def test_check_reads_a_chinese_date_that_is_no_date_without_crashing():
    """Bug: the checker's Chinese-numeral reader raised KeyError on 十十月, so `drafter
    check` crashed on a text ending in such a line."""
    assert detect_date("标题\n正文。\n二〇二四年十十月一日") is None
    assert detect_date("标题\n正文。\n二〇二四年五月十十日") is None
