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
from functools import cached_property
from typing import NamedTuple

from drafter.check import guards, structure
from drafter.check.dated import DatedSet
from drafter.check.dates import DocDate, detect_date, resolve_date
from drafter.check.model import Finding, confidence_rank
from drafter.check.rules import HAN_SENTINEL, Rule, RuleSet, han_shadow, load_rules
from drafter.document.dates import date_text

CONTEXT_CHARS = 12
ANSWER_CATEGORIES = ("conversion", "punctuation")


class Hit(NamedTuple):
    """A raw match: where, what, and anything that differs from the rule's defaults."""

    rule: Rule
    start: int  # offset in the whole text
    end: int
    fix: str | None
    confidence: str | None = None
    suggestion: str | None = None
    reason: str | None = None
    year: int | None = None  # a year the matched text itself states (regex group "year")


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


def detect_year(text: str) -> tuple[int | None, str]:
    """The year the text was written, and where it came from (see dates.detect_date)."""
    found = detect_date(text)
    return (found.year, found.source) if found else (None, "")


def resolve_year(text: str, year: int | None = None) -> tuple[int, str]:
    """--year if given, else the year of the text's own date, else this year."""
    found = resolve_date(text, year)
    return found.year, found.source


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
            hits.append(Hit(rule, start, end, fix, year=_stated_year(rule, match)))
    return hits


def _stated_year(rule: Rule, match: re.Match) -> int | None:
    """The year a match names in its group "year" (2020年 → 2020; 今年 → None)."""
    if "year" not in rule.pattern.groupindex:
        return None
    digits = re.match(r"\d{4}", match.group("year") or "")
    return int(digits.group()) if digits else None


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
    """The source of the change (its date is part of it), the current wording, the rule's note."""
    if any(c.isdigit() for c in rule.event):  # a source from the shared file names its date
        text = f"{rule.event.rstrip('。')}，此后提法已变"
    else:  # a user's own rule: since and a short event text
        text = f"{date_text(rule.since.year, rule.since.month)}{rule.event}后提法已变"
    current = f"，现行表述为“{rule.right}”" if rule.right else ""
    text = f"{text}{current}。"
    return text + rule.reason if rule.reason else text


def _suggestion(rule: Rule, fix: str | None, text: str) -> str:
    if rule.suggestion:
        return rule.suggestion
    right = fix if fix is not None else rule.right
    if right is None:
        return ""
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


_DATED_RULES: dict[tuple[str, str, str], Rule] = {}


def _dated_rule(key: str, since: _dt.date, source: str, confidence: str) -> Rule:
    """The rule a wording of the shared file's `key` is reported under (dated-party-spirit),
    dated by the event that ended that wording."""
    cache_key = (key, source, confidence)
    rule = _DATED_RULES.get(cache_key)
    if rule is None:
        rule = Rule(id="dated-" + key.replace("_", "-"), category="formulation",
                    confidence=confidence, reason="", kind="wrong", since=since, event=source)
        _DATED_RULES[cache_key] = rule
    return rule


def _dated_hits(dated: DatedSet, text: str, date: DocDate) -> list[Hit]:
    hits = []
    for found in dated.hits(text, date):
        outdated = found.outdated
        earlier = dated.earlier_current(found.key, date)
        if outdated.current is None:
            suggestion, fix = "不再作为现行提法引用", None
        elif earlier is not None:  # the document's period spans a change: no single fix
            suggestion, fix = outdated.current, None
            if earlier != outdated.wording.text:
                suggestion = f"{earlier}（{outdated.current}，视文稿的具体日期而定）"
        else:
            suggestion = fix = outdated.current
        base = dated.formulations.confidence.get(found.key, "medium")
        rule = _dated_rule(found.key, outdated.event.date, outdated.event.source, base)
        hits.append(Hit(rule, found.start, found.end, fix, None, suggestion, outdated.reason))
    return hits


def _guarded(hit: Hit, lines: Lines, confidence: str) -> tuple[Hit, str]:
    """A formulation quoted or discussed (从“旧提法”到“新提法”), or told of a past year, is
    never certain and never fixed."""
    if hit.rule.category != "formulation":
        return hit, confidence
    row, col = lines.locate(hit.start)
    line = lines.lines[row]
    end = col + hit.end - hit.start
    since = hit.rule.since
    past = guards.past_year_before(line, col, since.year if since else None)
    mode = guards.quoted_or_discussed(line, col, end)
    if mode == "discussed" or past:
        return hit._replace(fix=None), "low"
    if mode == "quoted":
        capped = "medium" if confidence == "high" else confidence
        return hit._replace(fix=None), capped
    return hit, confidence


def _run(text: str, date: DocDate, categories: tuple[str, ...] | None,
         rules: tuple[str, ...], structural: bool) -> list[Finding]:
    ruleset = load_rules(rules)
    # CRLF would hide line ends from the rules; columns and lines stay the same without it.
    text = text.replace("\r\n", "\n")
    lines = Lines(text)

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
    if categories is None or "formulation" in categories:
        hits += _dated_hits(ruleset.dated, text, date)

    order = {rule.id: i for i, rule in enumerate(ruleset.rules)}

    def rank(hit: Hit) -> int:
        return order.get(hit.rule.id, -1)  # the shared file's wordings come first

    best: dict[tuple[int, int], tuple[Hit, str]] = {}
    for hit in hits:
        confidence = hit.rule.confidence_for(date)
        if confidence is None:
            continue
        if hit.year is not None and hit.rule.since is not None and hit.year < hit.rule.since.year:
            continue  # "2020年是……收官之年" tells of a year before the change: true then
        if hit.confidence is not None and confidence_rank(hit.confidence) < confidence_rank(
                confidence):
            confidence = hit.confidence
        hit, confidence = _guarded(hit, lines, confidence)
        key = (hit.start, hit.end)
        current = best.get(key)
        if current is None or (confidence_rank(confidence), -rank(hit)) > (
                confidence_rank(current[1]), -rank(current[0])):
            best[key] = (hit, confidence)
    kept = _without_overridden(list(best.values()))
    findings = [_finding(hit, lines, confidence) for hit, confidence in kept]
    findings.sort(key=lambda f: (f.line, f.column, -len(f.text), order.get(f.rule, -1)))
    return findings


def _without_overridden(hits: list[tuple[Hit, str]]) -> list[tuple[Hit, str]]:
    """Drop a hit that lies within the span of a hit whose rule overrides its rule (a lost
    book-title mark ?关于…意见? is not also two half-width question marks)."""
    overriding = [h for h, _ in hits if h.rule.overrides]
    if not overriding:
        return hits
    return [(h, c) for h, c in hits if not any(
        h is not o and h.rule.id in o.rule.overrides and o.start <= h.start and h.end <= o.end
        for o in overriding)]


# ---------------------------------------------------------------- public API


def check_text(text: str, year: int | None = None, *, date: _dt.date | DocDate | None = None,
               rules: tuple[str, ...] = ()) -> list[Finding]:
    """All findings in plain text (one paragraph per line), in reading order.

    Outdated formulations are judged at `date` (a day), else `year`, else the text's
    own date (落款, 发布时间, a date line, the title), else today. `rules` names extra
    rule files or folders to use besides the built-in ones.
    """
    return _run(text, resolve_date(text, year, date), None, tuple(rules), structural=True)


def check_document(document, year: int | None = None, *, date: _dt.date | DocDate | None = None,
                   rules: tuple[str, ...] = ()) -> list[Finding]:
    """Findings in a drafter Document, located in its numbered plain lines."""
    return check_text("\n".join(document.plain_lines()), year, date=date, rules=rules)


def check_answer(value: str, *, rules: tuple[str, ...] = ()) -> list[Finding]:
    """Conversion artefacts and punctuation in one questionnaire answer.

    An answer is a fragment, so heading sequences and the document's year mean
    nothing here; outdated formulations are left to the check of the whole draft.
    """
    return _run(value, resolve_date("", None), ANSWER_CATEGORIES, tuple(rules), structural=False)


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
