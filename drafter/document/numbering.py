"""Heading numbers of a 公文 (一、 （一） 1. （1）), written and read, in one place.

GB/T 9704 numbers the levels of a document's structure 一、 （一） 1. （1）. The
writer gives each heading its number from its level and position; `format`
reads the numbers people typed to learn each heading's level; the checker reads
them to find a broken sequence (一、二、四、); the template check warns about
numbers typed into an outline. All of them use this module, so they agree on
what a heading number is.

Reading is tolerant the way typed text needs: half-width brackets, spaces inside
the number (“（ 一 ）”, “一 、”), 一. or 一． for 一、, and a stray 、 or ， after a
bracketed number. It is strict where text would be misread: a level-3 number is
one or two digits followed by . ． or 、 that is not followed by another digit, so
“1.5万人次” and “2024.5.8” are not headings, and a Chinese number must be a real
one from 一 to 九十九.
"""

from __future__ import annotations

import re
from typing import NamedTuple

CN_DIGITS = "零一二三四五六七八九"
_CN = "一二三四五六七八九十"
_INDENT = " \u3000\t"

# Each level's number as typed; `num` is the value, `token` the number without the
# spaces and stray punctuation that may follow it.
_TYPED = (
    (1, re.compile(rf"(?P<token>(?P<num>[{_CN}]{{1,3}})\s*[、．.])\s*")),
    (2, re.compile(rf"(?P<token>[（(]\s*(?P<num>[{_CN}]{{1,3}})\s*[）)])\s*[、，,]?\s*")),
    (3, re.compile(r"(?P<token>(?P<num>\d{1,2})\s*[.．、])(?!\d)\s*")),
    (4, re.compile(r"(?P<token>[（(]\s*(?P<num>\d{1,2})\s*[）)])\s*[、，,]?\s*")),
)


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals (一, 十, 十一, 二十三); larger numbers stay Arabic."""
    if n < 0 or n > 99:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def parse_cn_number(text: str) -> int | None:
    """一..九十九 as cn_number writes them; None for anything else (十十, 一一, 零)."""
    digits = CN_DIGITS[1:]
    if not text or any(c not in digits + "十" for c in text):
        return None
    if "十" not in text:
        return digits.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)


def heading_number(level: int, position: int) -> str:
    """The GB/T 9704 structural number for the nth heading at a level (4 and deeper: （n）)."""
    if level == 1:
        return f"{cn_number(position)}、"
    if level == 2:
        return f"（{cn_number(position)}）"
    if level == 3:
        return f"{position}."
    return f"（{position}）"


class TypedNumber(NamedTuple):
    """A heading number someone typed at the start of a line.

    `start` and `end` are columns in the line: where the number starts (after any
    indentation) and where the heading's text starts.
    """

    level: int
    position: int
    token: str  # the number as typed: “（一）”, “1、”, “一 、”
    start: int
    end: int
    rest: str  # the text after the number, stripped

    def like(self, position: int) -> str:
        """The number `position` at this level, written the way this one was typed:
        1、 stays with 、, (1) with half-width brackets."""
        if self.level in (1, 3):
            number = cn_number(position) if self.level == 1 else str(position)
            return number + self.token[-1]
        if self.token.startswith("("):
            return f"({cn_number(position) if self.level == 2 else position})"
        return heading_number(self.level, position)


def read_number(line: str) -> TypedNumber | None:
    """The heading number at the start of `line` (indentation allowed), or None."""
    body = line.lstrip(_INDENT)
    start = len(line) - len(body)
    for level, pattern in _TYPED:
        match = pattern.match(body)
        if not match:
            continue
        digits = match.group("num")
        position = int(digits) if digits.isdigit() else parse_cn_number(digits)
        if position is None:
            return None
        return TypedNumber(level, position, match.group("token"), start, start + match.end(),
                           body[match.end():].strip())
    return None


def heading_level(line: str) -> tuple[int, str]:
    """(level, text without the typed number) for a numbered line, else (0, line).

    A number with nothing after it is no heading: the line stays as it is.
    """
    typed = read_number(line)
    if typed is None or not typed.rest:
        return 0, line
    return typed.level, typed.rest
