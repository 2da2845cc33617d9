"""Length and speaking time: how long the draft is and how long it takes to read aloud."""

from __future__ import annotations

from dataclasses import dataclass

from drafter.document import Document

# A measured, formal delivery of official Chinese text runs at about 200–240 characters a
# minute; 220 is the middle of that range and is what we state to the user.
CHARS_PER_MINUTE = 220


@dataclass(frozen=True)
class Measure:
    sections: tuple[tuple[str, int], ...]
    total: int
    rate: int = CHARS_PER_MINUTE

    @property
    def minutes(self) -> float:
        return self.total / self.rate


def measure(document: Document, rate: int = CHARS_PER_MINUTE) -> Measure:
    sections = tuple((s.name, s.chars) for s in document.sections())
    return Measure(sections, sum(c for _, c in sections), rate)


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def report(m: Measure, target_chars: int | None = None, target_minutes: float | None = None
           ) -> list[str]:
    """Human-readable lines: chars per section, total, speaking time, target comparison."""
    lines = ["篇幅："]
    for name, chars in m.sections:
        lines.append(f"  {_short(name)}  {chars} 字")
    lines.append(f"  合计 {m.total} 字，按每分钟 {m.rate} 字估算，宣读约 {m.minutes:.1f} 分钟。")
    if target_minutes:
        target_chars = target_chars or int(target_minutes * m.rate)
    if target_chars:
        diff = m.total - target_chars
        if abs(diff) <= target_chars * 0.1:
            lines.append(f"  目标 {target_chars} 字，篇幅合适。")
        elif diff > 0:
            lines.append(f"  目标 {target_chars} 字，超出 {diff} 字，建议压缩。")
        else:
            lines.append(f"  目标 {target_chars} 字，还差 {-diff} 字，可补充具体事例和数据。")
    return lines
