"""The date a checked text speaks from: given on the command line, or found in the text.

Outdated formulations depend on that date. A text carries it in a 落款 (the
signature date at its foot), in a web page's "发布时间：2018-07-04" line, in a date
line under the title, or only as a year in the title. How a date is written
(2016-11-28, 2016年11月28日, 二〇一六年十一月二十八日 …) is read by drafter.document.dates.
A date known only to the year or month is compared at that precision, so a
change within that period is neither certain nor excluded.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import NamedTuple

from drafter.document.dates import (
    TIME_OF_DAY,
    WrittenDate,
    date_at,
    date_line,
    date_text,
    find_date,
)
from drafter.document.dates import parse_date as parse_day

SIGNATURE_LINES = 3  # a full-line date among the last lines is the 落款
TITLE_LINES = 2  # a title and its subtitle
HEADER_LINES = 4  # where a web page puts "2018-07-04 10:23 来源：…" under the title


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(a year, a label before a date, what may follow a date under the title), compiled on
    first use: a render is told its date and never looks for one."""
    return (re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年"),
            # labels a web page or a document's head puts before its date
            re.compile(r"(发表时间|发布时间|发布日期|发文日期|成文日期|印发日期|更新时间|日期|时间)\s*[:：]\s*"),
            re.compile(rf"(?:{TIME_OF_DAY})?(?:\s|$|来源|作者|编辑|发布|浏览)"))

FIRST_YEAR, LAST_YEAR = 1949, 2100


class DocDate(NamedTuple):
    """A document's date, to the day, the month or only the year, and where it came from.

    `source` is one of SOURCES; `line` is the 1-based line it was read from.
    """

    year: int
    month: int | None = None
    day: int | None = None
    source: str = "参数"
    line: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def _key(self) -> tuple[int, ...]:
        return tuple(x for x in (self.year, self.month, self.day) if x is not None)

    def compare(self, when: dt.date) -> int:
        """-1 if the document is older than `when`, 1 if it is later, 0 if its known period
        (the day, the month or the year) contains `when`."""
        mine = self._key()
        theirs = (when.year, when.month, when.day)[:len(mine)]
        return (mine > theirs) - (mine < theirs)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return self.first_day
        if self.month:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    @property
    def iso(self) -> str:
        """2021-10-02, 2021-10 or 2021."""
        return "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(self._key()))

    @property
    def label(self) -> str:
        """2021年10月2日, 2021年10月 or 2021年."""
        return date_text(self.year, self.month, self.day)

    def origin(self) -> str:
        """Where the date came from, as the report says it: 取自第 19 行的落款日期."""
        if self.source in _FOUND_IN_TEXT:
            where = f"第 {self.line} 行的" if self.line else ""
            return f"取自{where}{_FOUND_IN_TEXT[self.source]}"
        return SOURCES[self.source]


# Where a date can come from: found in the text (what is written there) or not.
_FOUND_IN_TEXT = {"落款日期": "落款日期", "发布时间": "发布时间", "日期行": "日期行", "标题": "标题"}
SOURCES = {"参数": "按命令行参数", "当前日期": "文中未注明日期，按今天",
           **{key: f"取自{noun}" for key, noun in _FOUND_IN_TEXT.items()}}


def _from_written(found: WrittenDate | None, source: str, line: int) -> DocDate | None:
    return found and make_date(found.year, found.month, found.day, source, line)


def make_date(year: int, month: int | None = None, day: int | None = None, source: str = "参数",
              line: int | None = None) -> DocDate | None:
    """A DocDate if these numbers make a real date in range, else None."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return DocDate(year, month, day, source, line)


def detect_date(text: str) -> DocDate | None:
    """The text's own date: the 落款, else a labelled date (发表时间：…), else a line that
    is only a date, else a date or year in the title lines; None if there is none."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    year_re, label_re, header_tail_re = _patterns()
    for i in reversed(filled):
        source = "落款日期" if i in filled[-SIGNATURE_LINES:] else "日期行"
        found = _from_written(date_line(lines[i]), source, i + 1)
        if found:
            return found
    for i in filled:
        for label in label_re.finditer(lines[i]):
            found = _from_written(date_at(lines[i], label.end()), "发布时间", i + 1)
            if found:
                return found
    for i in filled[:HEADER_LINES]:
        body = lines[i].lstrip(" \u3000\t")
        written = date_at(body)
        if written and header_tail_re.match(body, written.end):
            found = _from_written(written, "日期行", i + 1)
            if found:
                return found
    for i in filled[:TITLE_LINES]:
        found = _from_written(find_date(lines[i]), "标题", i + 1)
        if found:
            return found
        year = year_re.search(lines[i])
        found = year and make_date(int(year.group(1)), source="标题", line=i + 1)
        if found:
            return found
    return None


def parse_date(value: str) -> DocDate | None:
    """--date: 2021-10-02, 2021/10/02, 2021.10.02 or 2021年10月2日; None if it is not one."""
    day = parse_day(value)
    return make_date(day.year, day.month, day.day, "参数", 0) if day else None


def resolve_date(text: str, year: int | None = None,
                 date: dt.date | DocDate | None = None) -> DocDate:
    """The date to check against: `date`, else `year`, else the text's own, else today."""
    if isinstance(date, DocDate):
        return date
    if date is not None:
        return DocDate(date.year, date.month, date.day, "参数")
    if year is not None:
        return DocDate(year, source="参数")
    found = detect_date(text)
    if found is not None:
        return found
    today = dt.date.today()
    return DocDate(today.year, today.month, today.day, "当前日期")
