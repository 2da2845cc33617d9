"""Dates as a 公文 writes them, read and written in one place.

People write a date 2024-05-08, 2024/5/8, 2024.5.8, 2024年5月8日 (or 8号) or
二〇二四年五月八日; a 落款 may give only the month (2024年5月). A date question
reads its answer here, `format` recognises the 落款 date line here, and the
checker finds the document's date here (where to look, the 落款 or a 发布时间
line, is the checker's business: drafter.check.dates). Drafts write dates the
way GB/T 9704 does: Arabic numerals without leading zeros, 2024年5月8日.

Reading is grammar only: 2024年2月30日 is read as written and `WrittenDate.real`
says whether the calendar has it, because a 落款 with a wrong day is still the
落款. Arabic years are 1900–2099, so that counts like 3000-5-6 are not dates.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import NamedTuple

from drafter.document.numbering import parse_cn_number

_CN_YEAR_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
                   "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = "".join(_CN_YEAR_DIGITS)
_CN_SMALL = "一二三四五六七八九十"

TIME_OF_DAY = r"\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"  # 10:23 or 10:23:05 after a date


# The patterns are compiled on first use (~2 ms): a render, told its date, never reads one.
@cache
def _date_re() -> re.Pattern:
    """One date; the named groups say which form it was written in. The same separator
    twice in 2024-05-08; the day of 2024年5月8日 may lack its 日 only at the end of the text."""
    return re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.．])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)"
        r"|(?<!\d)(?P<y2>(?:19|20)\d{2})\s*年\s*(?P<m2>\d{1,2})\s*月(?:\s*(?P<d2>\d{1,2})\s*(?:[日号]|$))?"
        rf"|(?P<y3>[{_CN_YEAR}]{{4}})年(?P<m3>[{_CN_SMALL}]{{1,2}})月(?:(?P<d3>[{_CN_SMALL}]{{1,3}})日)?"
    )


@cache
def _time_re() -> re.Pattern:
    return re.compile(TIME_OF_DAY)


_WRAP_OPEN, _WRAP_CLOSE = "（(［[", "）)］]"
_SPACES = " \u3000\t"


class WrittenDate(NamedTuple):
    """A date as it was written: the day or the month may be missing. `start` and
    `end` are where it stands in the text it was read from."""

    year: int
    month: int
    day: int | None
    start: int
    end: int

    @property
    def real(self) -> bool:
        """Whether the calendar has this day (or month)."""
        try:
            dt.date(self.year, self.month, self.day or 1)
        except ValueError:
            return False
        return True

    def date(self) -> dt.date | None:
        """The day as a date; None if only the month is known or the day does not exist."""
        return dt.date(self.year, self.month, self.day) if self.day and self.real else None


def _written(match: re.Match | None) -> WrittenDate | None:
    if match is None:
        return None
    if match.group("y"):
        year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
    elif match.group("y2"):
        year, month = int(match.group("y2")), int(match.group("m2"))
        day = int(match.group("d2")) if match.group("d2") else None
    else:
        year = int("".join(str(_CN_YEAR_DIGITS[c]) for c in match.group("y3")))
        month = parse_cn_number(match.group("m3"))
        day = parse_cn_number(match.group("d3")) if match.group("d3") else None
        if month is None or (match.group("d3") and day is None):
            return None  # 十十月: no Chinese number
    return WrittenDate(year, month, day, match.start(), match.end())


def date_at(text: str, pos: int = 0) -> WrittenDate | None:
    """The date that starts exactly at `pos`, or None."""
    return _written(_date_re().match(text, pos))


def find_date(text: str) -> WrittenDate | None:
    """The first date written anywhere in `text`, or None."""
    return _written(_date_re().search(text))


def date_line(line: str) -> WrittenDate | None:
    """The date if the line holds nothing else: a 落款 date. Brackets around it and a
    time of day after it are allowed: （2024年5月8日）, 2024-05-08 10:23."""
    body = line.strip(_SPACES)
    if body[:1] in _WRAP_OPEN and body[-1:] in _WRAP_CLOSE:
        body = body[1:-1].strip()
    found = date_at(body)
    if found and (found.end == len(body) or _time_re().fullmatch(body, found.end)):
        return found
    return None


def parse_date(text: str) -> dt.date | None:
    """A whole text that is one real day (an answer, a --date option), else None."""
    text = text.strip()
    found = date_at(text)
    return found.date() if found and found.end == len(text) else None


def date_text(year: int | dt.date, month: int | None = None, day: int | None = None) -> str:
    """2024年5月8日, 2024年5月 or 2024年: the way a 公文 writes a date."""
    if isinstance(year, dt.date):
        year, month, day = year.year, year.month, year.day
    return f"{year}年" + (f"{month}月" if month else "") + (f"{day}日" if month and day else "")
