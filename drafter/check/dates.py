"""The date a checked text speaks from: given on the command line, or found in the text.

Outdated formulations depend on that date. A text carries it in a 落款 (the
signature date at its foot), in a web page's "发布时间：2018-07-04" line, in a date
line under the title, or only as a year in the title. Dates are written
2016-11-28, 2016/11/28, 2016.11.28, 2016年11月28日 or 二〇一六年十一月二十八日.
A date known only to the year or month is compared at that precision, so a
change within that period is neither certain nor excluded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = "〇○零Ｏ一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十"

# One date anywhere in a line; the named groups say which form it was written in.
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.．])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)"
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})\s*年\s*(?P<m2>\d{1,2})\s*月(?:\s*(?P<d2>\d{1,2})\s*[日号])?"
    rf"|(?P<y3>[{_CN_YEAR}]{{4}})年(?P<m3>[{_CN_SMALL}]{{1,2}})月(?:(?P<d3>[{_CN_SMALL}]{{1,3}})日)?"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_TIME = r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_WRAP_OPEN, _WRAP_CLOSE = "（(［[", "）)］]"
# Labels a web page or a document's head puts before its date.
_LABEL = re.compile(r"(发表时间|发布时间|发布日期|发文日期|成文日期|印发日期|更新时间|日期|时间)\s*[:：]\s*")
SIGNATURE_LINES = 3  # a full-line date among the last lines is the 落款
TITLE_LINES = 2  # a title and its subtitle
HEADER_LINES = 4  # where a web page puts "2018-07-04 10:23 来源：…" under the title
_HEADER_TAIL = re.compile(_TIME + r"(?:\s|$|来源|作者|编辑|发布|浏览)")

FIRST_YEAR, LAST_YEAR = 1949, 2100


@dataclass(frozen=True)
class DocDate:
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
        parts = [f"{self.year}年"]
        if self.month:
            parts.append(f"{self.month}月")
        if self.day:
            parts.append(f"{self.day}日")
        return "".join(parts)

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


def _cn_number(text: str) -> int:
    """一..三十一 as written in dates."""
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _from_match(match: re.Match, source: str, line: int) -> DocDate | None:
    if match.group("y"):
        y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
    elif match.group("y2"):
        y, m = int(match.group("y2")), int(match.group("m2"))
        d = int(match.group("d2")) if match.group("d2") else None
    else:
        y = int("".join(str(_CN_DIGIT[c]) for c in match.group("y3")))
        m = _cn_number(match.group("m3"))
        d = _cn_number(match.group("d3")) if match.group("d3") else None
    return make_date(y, m, d, source, line)


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


def _whole_line_date(line: str) -> re.Match | None:
    """The date if the line holds nothing else (brackets and a time of day allowed)."""
    body = line.strip(" \u3000\t")
    if body[:1] in _WRAP_OPEN and body[-1:] in _WRAP_CLOSE:
        body = body[1:-1].strip()
    match = _DATE.match(body)
    if match and re.fullmatch(_TIME, body[match.end():]):
        return match
    return None


def detect_date(text: str) -> DocDate | None:
    """The text's own date: the 落款, else a labelled date (发表时间：…), else a line that
    is only a date, else a date or year in the title lines; None if there is none."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in reversed(filled):
        match = _whole_line_date(lines[i])
        if match:
            source = "落款日期" if i in filled[-SIGNATURE_LINES:] else "日期行"
            found = _from_match(match, source, i + 1)
            if found:
                return found
    for i in filled:
        for label in _LABEL.finditer(lines[i]):
            match = _DATE.match(lines[i], label.end())
            found = match and _from_match(match, "发布时间", i + 1)
            if found:
                return found
    for i in filled[:HEADER_LINES]:
        body = lines[i].lstrip(" \u3000\t")
        match = _DATE.match(body)
        if match and _HEADER_TAIL.match(body, match.end()):
            found = _from_match(match, "日期行", i + 1)
            if found:
                return found
    for i in filled[:TITLE_LINES]:
        match = _DATE.search(lines[i])
        found = match and _from_match(match, "标题", i + 1)
        if found:
            return found
        year = _YEAR.search(lines[i])
        found = year and make_date(int(year.group(1)), source="标题", line=i + 1)
        if found:
            return found
    return None


def parse_date(value: str) -> DocDate | None:
    """--date: 2021-10-02, 2021/10/02, 2021.10.02 or 2021年10月2日; None if it is not one."""
    match = _DATE.fullmatch(value.strip())
    return _from_match(match, "参数", 0) if match and (match.group("d") or match.group("d2")
                                                      or match.group("d3")) else None


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
