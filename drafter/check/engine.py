"""The checker: run every rule over a text once and turn hits into located findings.

Literal rules share one pass (one regex finds where some literal begins, then
`startswith` tells which); a regex or table rule scans the whole text only if the
text holds one of the rule's needles, so most are never compiled; built-in checks
walk the lines.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from drafter.check import structure
from drafter.check.model import Finding, confidence_rank
from drafter.check.rules import HAN_SENTINEL, Rule, RuleSet, han_shadow, load_rules

CONTEXT_CHARS = 12
ANSWER_CATEGORIES = ("conversion", "punctuation")


@dataclass(frozen=True)
class Hit:
    """A raw match: where, what, and anything that differs from the rule's defaults."""

    rule: Rule
    start: int  # offset in the whole text
    end: int
    fix: str | None
    confidence: str | None = None
    suggestion: str | None = None
    reason: str | None = None


class Lines:
    """The text split on "\\n" only (so columns agree with any editor), with offsets."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.split("\n")
        self.starts = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.paragraphs = []
        count = 0
        for line in self.lines:
            if line.strip():
                count += 1
                self.paragraphs.append(count)
            else:
                self.paragraphs.append(None)

    def locate(self, offset: int) -> tuple[int, int]:
        """(0-based line index, 0-based column) of a text offset."""
        index = bisect_right(self.starts, offset) - 1
        return index, offset - self.starts[index]

    @cached_property
    def shadow(self) -> str:
        """han_shadow(text), made only if a rule that runs on it is not skipped."""
        return han_shadow(self.text)


# ---------------------------------------------------------------- year


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE_LINE = re.compile(
    r"^[（(]?\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?$"
    r"|^[（(]?([〇○零Ｏ一二三四五六七八九]{4})年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日[）)]?$"
)
_CN_YEAR_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3",
                   "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
TITLE_LINES = 2


def detect_year(text: str) -> tuple[int | None, str]:
    """The year the text was written, and where it came from ("日期", "标题" or "")."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in reversed(lines):
        match = _DATE_LINE.match(line)
        if match:
            if match.group(1):
                return int(match.group(1)), "日期"
            return int("".join(_CN_YEAR_DIGITS[c] for c in match.group(2))), "日期"
    for line in lines[:TITLE_LINES]:
        match = _YEAR_IN_TITLE.search(line)
        if match:
            return int(match.group(1)), "标题"
    return None, ""


def resolve_year(text: str, year: int | None = None) -> tuple[int, str]:
    """--year if given, else the year in the text's date or title, else this year."""
    if year is not None:
        return year, "参数"
    found, source = detect_year(text)
    if found is not None:
        return found, source
    return _dt.date.today().year, "当前年份"


# ---------------------------------------------------------------- matching


def _literal_hits(ruleset: RuleSet, text: str, lines: Lines) -> list[Hit]:
    hits = []
    pattern = ruleset.literal_pattern
    match = pattern.search(text) if pattern is not None else None
    while match is not None:
        pos = match.start()
        # Search on from the next character, so that overlapping literals are found too.
        match = pattern.search(text, pos + 1)
        for literal, rules in ruleset.literal_index[text[pos]]:
            if not text.startswith(literal, pos):
                continue
            end = pos + len(literal)
            row, col = lines.locate(pos)
            line = lines.lines[row]
            for rule in rules:
                if rule.context_ok(line, col, col + len(literal)):
                    hits.append(Hit(rule, pos, end, _fix_of(rule)))
    return hits


_BACKREF = re.compile(r"\\(\d+)|\\g<(\w+)>")


def _fix_of(rule: Rule, match: re.Match | None = None, text: str = "") -> str | None:
    """The rule's replacement; \\1 or \\g<name> in it take the group's text from `text`."""
    if rule.right is None or not rule.fix:
        return None
    if match is None or "\\" not in rule.right:
        return rule.right

    def group(ref: re.Match) -> str:
        name = ref.group(1) or ref.group(2)
        start, end = match.span(int(name) if name.isdigit() else name)
        return text[start:end] if start >= 0 else ""

    return _BACKREF.sub(group, rule.right)


def _admits(rule: Rule, lines: Lines) -> bool:
    """Whether the text holds one of the rule's needles, without which it cannot match.

    Away from ideographs the shadow is the text itself, so it is made only for a
    needle that holds HAN_SENTINEL and whose other characters are all in the text.
    """
    if rule.needles is None:
        return True
    text = lines.text
    for needle in rule.needles:
        # One character is found much faster than two in a row, and most needles fail here.
        if len(needle) > 1 and not all(c in text for c in needle if c != HAN_SENTINEL):
            continue
        if needle in (lines.shadow if rule.on_shadow and HAN_SENTINEL in needle else text):
            return True
    return False


def _regex_hits(rule: Rule, lines: Lines) -> list[Hit]:
    hits = []
    text = lines.text
    group = "hit" if "hit" in rule.pattern.groupindex else 0
    for match in rule.pattern.finditer(lines.shadow if rule.on_shadow else text):
        start, end = match.span(group)
        if start == end or start < 0:
            continue
        row, col = lines.locate(start)
        if lines.locate(end - 1)[0] != row:
            continue  # never across lines
        line = lines.lines[row]
        if rule.context_ok(line, col, col + end - start):
            fix = _fix_of(rule, match, text)
            hits.append(Hit(rule, start, end, fix))
    return hits


def _table_hits(rule: Rule, text: str) -> list[Hit]:
    return [
        Hit(rule, m.start(), m.end(), "".join(rule.table[c] for c in m.group()))
        for m in rule.pattern.finditer(text)
    ]


def _check_hits(rule: Rule, lines: Lines) -> list[Hit]:
    hits = []
    for item in structure.run(rule.check, lines.lines):
        offset = lines.starts[item.line] + item.column
        hits.append(Hit(rule, offset, offset + len(item.text), item.fix if rule.fix else None,
                        item.confidence, item.suggestion, item.reason))
    return hits


def _formulation_reason(rule: Rule) -> str:
    when = f"{rule.since.year}年{rule.since.month}月"
    current = f"，现行表述为“{rule.right}”" if rule.right else ""
    text = f"{when}{rule.event}后提法已变{current}。"
    return text + rule.reason if rule.reason else text


def _suggestion(rule: Rule, fix: str | None, text: str) -> str:
    if rule.suggestion:
        return rule.suggestion
    if rule.right is None:
        return ""
    right = fix if fix is not None else rule.right
    return f"删去“{text}”" if right == "" else right


def _finding(hit: Hit, lines: Lines, confidence: str) -> Finding:
    row, col = lines.locate(hit.start)
    line = lines.lines[row]
    text = lines.text[hit.start:hit.end]
    end_col = col + len(text)
    context = line[max(0, col - CONTEXT_CHARS):end_col + CONTEXT_CHARS]
    rule = hit.rule
    reason = hit.reason or (_formulation_reason(rule) if rule.since else rule.reason)
    return Finding(
        rule=rule.id,
        category=rule.category,
        line=row + 1,
        column=col + 1,
        paragraph=lines.paragraphs[row],
        text=text,
        suggestion=hit.suggestion or _suggestion(rule, hit.fix, text),
        reason=reason,
        confidence=confidence,
        context=context,
        fix=hit.fix,
    )


def _run(text: str, year: int | None, categories: tuple[str, ...] | None,
         rules: tuple[str, ...], structural: bool) -> list[Finding]:
    ruleset = load_rules(rules)
    # CRLF would hide line ends from the rules; columns and lines stay the same without it.
    text = text.replace("\r\n", "\n")
    lines = Lines(text)
    doc_year, _ = resolve_year(text, year)

    def wanted(rule: Rule) -> bool:
        return categories is None or rule.category in categories

    hits = [h for h in _literal_hits(ruleset, text, lines) if wanted(h.rule)]
    for rule in ruleset.rules:
        if not wanted(rule) or not _admits(rule, lines):
            continue
        if rule.kind == "regex":
            hits += _regex_hits(rule, lines)
        elif rule.kind == "table":
            hits += _table_hits(rule, text)
        elif rule.kind == "check" and (structural or rule.category != "structure"):
            hits += _check_hits(rule, lines)

    order = {rule.id: i for i, rule in enumerate(ruleset.rules)}
    best: dict[tuple[int, int], tuple[Hit, str]] = {}
    for hit in hits:
        confidence = hit.rule.confidence_for(doc_year)
        if confidence is None:
            continue
        if hit.confidence is not None and confidence_rank(hit.confidence) < confidence_rank(
                confidence):
            confidence = hit.confidence
        key = (hit.start, hit.end)
        current = best.get(key)
        if current is None or (confidence_rank(confidence), -order[hit.rule.id]) > (
                confidence_rank(current[1]), -order[current[0].rule.id]):
            best[key] = (hit, confidence)
    findings = [_finding(hit, lines, confidence) for hit, confidence in best.values()]
    findings.sort(key=lambda f: (f.line, f.column, -len(f.text), order[f.rule]))
    return findings


# ---------------------------------------------------------------- public API


def check_text(text: str, year: int | None = None, *, rules: tuple[str, ...] = ()) -> list[Finding]:
    """All findings in plain text (one paragraph per line), in reading order.

    `year` is the document's year for outdated formulations; without it the year
    is taken from the text's date line or title, else the current year. `rules`
    names extra rule files or folders to use besides the built-in ones.
    """
    return _run(text, year, None, tuple(rules), structural=True)


def check_document(document, year: int | None = None, *,
                   rules: tuple[str, ...] = ()) -> list[Finding]:
    """Findings in a drafter Document, located in its numbered plain lines."""
    return check_text("\n".join(document.plain_lines()), year, rules=rules)


def check_answer(value: str, *, rules: tuple[str, ...] = ()) -> list[Finding]:
    """Conversion artefacts and punctuation in one questionnaire answer.

    An answer is a fragment, so heading sequences and the document's year mean
    nothing here; outdated formulations are left to the check of the whole draft.
    """
    return _run(value, None, ANSWER_CATEGORIES, tuple(rules), structural=False)


def apply_fixes(text: str, findings: list[Finding]) -> str:
    """Apply the high-confidence fixes to the text they were found in; change nothing else.

    A fix whose span no longer holds the flagged text, or that overlaps one
    already applied, is skipped.
    """
    lines = Lines(text)
    spans = []
    for f in findings:
        if not f.fixable or not 1 <= f.line <= len(lines.lines):
            continue
        start = lines.starts[f.line - 1] + f.column - 1
        if text[start:start + len(f.text)] == f.text:
            spans.append((start, start + len(f.text), f.fix))
    spans.sort()
    out, pos = [], 0
    for start, end, replacement in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)
