"""Findings as a person reads them (grouped, repeats folded) and as scripts read them (JSON)."""

from __future__ import annotations

import json
from collections import Counter

from drafter.check.dates import DocDate
from drafter.check.engine import CONTEXT_CHARS
from drafter.check.model import (
    CATEGORIES,
    CATEGORY_LABELS,
    CONFIDENCE_LABELS,
    Finding,
    at_least,
)

LOCATIONS_PER_LINE = 6


def counts_text(findings: list[Finding]) -> str:
    """错词 2，标点 1 — categories in their fixed order."""
    counts = Counter(f.category for f in findings)
    return "，".join(f"{CATEGORY_LABELS[c]} {counts[c]}" for c in CATEGORIES if counts[c])


def summary_line(findings: list[Finding], min_confidence: str = "medium",
                 path: str | None = None) -> str:
    """One line for the end of `render`/`new`: 校对：未发现问题 / 校对：发现 3 处问题（…）…"""
    shown = [f for f in findings if at_least(f.confidence, min_confidence)]
    if not shown:
        return "校对：未发现问题"
    command = f"drafter check {path}" if path else "drafter check"
    return (f"校对：发现 {len(shown)} 处问题（{counts_text(shown)}），"
            f"请运行 {command} 查看详情")


def _change(f: Finding) -> str:
    if f.fix == "":
        return f"“{f.text}” → 删去"
    if f.fix is not None:
        return f"“{f.text}” → “{f.fix}”"
    if f.suggestion:
        return f"“{f.text}”：{f.suggestion}"
    return f"“{f.text}”"


def _marked_context(f: Finding) -> str:
    """The context with the flagged text in [brackets], so the eye finds it."""
    context = f.context
    at = min(f.column - 1, CONTEXT_CHARS)
    if context[at:at + len(f.text)] != f.text:
        at = context.find(f.text)
    if at < 0:
        return context.strip()
    marked = f"{context[:at]}[{f.text}]{context[at + len(f.text):]}"
    return marked.strip(" \u3000\t")


def _group(findings: list[Finding]) -> list[list[Finding]]:
    """Identical findings (same rule, text and change) together, in order of first appearance."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.text, f.fix, f.suggestion, f.confidence), []).append(f)
    return list(groups.values())


def format_text(label: str, findings: list[Finding], min_confidence: str = "medium",
                year_note: str = "", fixed: frozenset[int] = frozenset()) -> str:
    """The human-readable report for one file; `fixed` holds ids (id()) of findings fixed."""
    shown = [f for f in findings if at_least(f.confidence, min_confidence)]
    hidden = len(findings) - len(shown)
    lines = []
    note = f"；{year_note}" if year_note else ""
    if not shown:
        lines.append(f"{label}：未发现问题{note}。")
    else:
        lines.append(f"{label}：发现 {len(shown)} 处问题（{counts_text(shown)}）{note}")
    for category in CATEGORIES:
        in_category = [f for f in shown if f.category == category]
        if not in_category:
            continue
        lines.append("")
        lines.append(f"{CATEGORY_LABELS[category]} {len(in_category)} 处")
        for group in _group(in_category):
            first = group[0]
            level = f"［{CONFIDENCE_LABELS[first.confidence]}］"
            done = "（已修正）" if all(id(f) in fixed for f in group) else ""
            if len(group) == 1:
                where = first.location if first.paragraph else f"{first.location} "
                lines.append(f"  {where}{_change(first)}{level}{done}")
            else:
                lines.append(f"  {_change(first)}{level}{done} 共 {len(group)} 处：")
                for at in range(0, len(group), LOCATIONS_PER_LINE):
                    chunk = group[at:at + LOCATIONS_PER_LINE]
                    lines.append("      " + "、".join(f.location for f in chunk))
            lines.append(f"      {_marked_context(first)}")
            lines.append(f"      {first.reason}")
    fixable = sum(1 for f in shown if f.fixable and id(f) not in fixed)
    if fixable and not fixed:
        lines.append("")
        lines.append(f"其中 {fixable} 处把握较大，可加 --fix 生成自动修正的副本。")
    if hidden:
        lines.append(f"另有 {hidden} 处可信度较低的提示未列出，加 --min-confidence low 查看。")
    return "\n".join(lines)


def date_note(date: DocDate) -> str:
    """提法按 2021年10月2日 核对（取自落款日期（第 19 行））."""
    return f"提法按 {date.label} 核对（{date.origin()}）"


def date_json(date: DocDate) -> dict:
    """The date a file was checked against, for the JSON report's header of that file."""
    return {"date": date.iso, "date_precision": date.precision, "date_source": date.source,
            "date_line": date.line or None}


def format_json(results: list[tuple], min_confidence: str = "medium") -> str:
    """{"files": [{"file", date header, "findings": [...]}, ...]} with findings at or above
    min_confidence.

    Each result is (file label, findings, ids of fixed findings or None when not fixing,
    the DocDate checked against); when fixing, every finding also says whether it was fixed.
    """
    files = []
    for label, findings, fixed, date in results:
        items = []
        for f in findings:
            if at_least(f.confidence, min_confidence):
                item = f.to_json()
                if fixed is not None:
                    item["fixed"] = id(f) in fixed
                items.append(item)
        files.append({"file": label, **date_json(date), "findings": items})
    return json.dumps({"files": files}, ensure_ascii=False, indent=2)
