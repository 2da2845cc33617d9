"""Length and speaking time: how long the draft is and how long it takes to read aloud.

The genre decides what "right length" means: a 书面交流材料 is read on paper and
runs to about 5,000 characters; a 口头交流发言 fills a slot of about ten minutes,
about 2,500 characters at the 220–240 characters a minute of a measured delivery.
"""

from __future__ import annotations

from typing import NamedTuple

from drafter.document.model import Document

# A measured, formal delivery of official Chinese text runs at about 200–240 characters a
# minute; 220 is the middle of that range and is what we state to the user.
CHARS_PER_MINUTE = 220


class Genre(NamedTuple):
    label: str
    chars: int  # usual length
    slow: int  # characters a minute, read slowly ...
    fast: int  # ... and briskly


GENRES = {
    "written": Genre("书面交流材料", 5000, CHARS_PER_MINUTE, CHARS_PER_MINUTE),
    "spoken": Genre("口头交流发言", 2500, 220, 240),
}


class Measure(NamedTuple):
    sections: tuple[tuple[str, int], ...]
    total: int
    rate: int = CHARS_PER_MINUTE

    @property
    def minutes(self) -> float:
        return self.total / self.rate


def measure(document: Document, rate: int = CHARS_PER_MINUTE) -> Measure:
    sections = tuple((s.name, s.chars) for s in document.sections())
    return Measure(sections, sum(c for _, c in sections), rate)


def targets(template, answers: dict) -> tuple[int | None, float | None, str | None]:
    """(target characters, target minutes, genre) for a draft of `template` with `answers`.

    A spoken draft aims at the spoken genre's length; a written one at the template's.
    """
    genre = answers.get("genre") if answers.get("genre") in GENRES else None
    if genre == "spoken":
        return GENRES["spoken"].chars, None, genre
    return template.target_chars, template.target_minutes, genre


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def report(m: Measure, target_chars: int | None = None, target_minutes: float | None = None,
           genre: str | None = None) -> list[str]:
    """Human-readable lines: chars per section, total, speaking time, target comparison."""
    lines = ["篇幅："]
    for name, chars in m.sections:
        lines.append(f"  {_short(name)}  {chars} 字")
    kind = GENRES.get(genre or "")
    if kind is not None and kind.slow != kind.fast:
        lines.append(f"  合计 {m.total} 字。{kind.label}按每分钟 {kind.slow}—{kind.fast} 字计，"
                     f"宣读约 {m.total / kind.fast:.1f}—{m.total / kind.slow:.1f} 分钟。")
    else:
        lines.append(f"  合计 {m.total} 字，按每分钟 {m.rate} 字估算，宣读约 {m.minutes:.1f} 分钟。")
    if target_minutes:
        target_chars = target_chars or int(target_minutes * m.rate)
    if target_chars:
        diff = m.total - target_chars
        named = f"（{kind.label}）" if kind is not None else ""
        if abs(diff) <= target_chars * 0.1:
            lines.append(f"  目标 {target_chars} 字{named}，篇幅合适。")
        elif diff > 0:
            lines.append(f"  目标 {target_chars} 字{named}，超出 {diff} 字，建议压缩。")
        else:
            lines.append(f"  目标 {target_chars} 字{named}，还差 {-diff} 字，可补充具体事例和数据。")
    return lines
