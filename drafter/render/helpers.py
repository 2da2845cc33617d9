"""What an outline can use besides the answers: derived values and helper functions.

Derived values are computed once per render from the answers and visible in
every block, so no block repeats a ``{% set area = ... %}`` line:

    area       县 / 区 / 市 / 旗, from the county's last character (全{{ area }})
    place      the county without its suffix (安澜县 → 安澜), for 中国式现代化安澜实践
    spoken     true for a 口头交流发言 (answer `genre: spoken`); `written` is its opposite
    since      一年来 / 近年来, from the reporting period (answer `report_period`)
    all_year   全年 / 近年来累计, the same period as an adverb for totals
    doc_date   the document's date: the answer `date`, else a day in `year`

Helpers (functions called in the outline):

    did("id")          whether the measure was ticked (and kept: a spoken draft keeps
                       the first few of each section); wrap each measure's paragraph in it
    nth("id")          一是 / 二是 / … in the order the kept measures of a section appear
                       (我们重点 when the section keeps only one)
    wording("key")     the political formulation in force on doc_date, from the shared
                       data file drafter/data/formulations.yaml; none known → sentence dropped
    variant("slot", n) 1…n, stable for one organisation (from its name and the answer
                       `phrasing`); picks one of n wordings of a fixed paragraph. A third
                       argument, an answer such as title_style, overrides the choice.

The template check asks this module what the outline does with them: unknown
measures or formulation keys, measures never written, facts not tied to their measure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import jinja2
from jinja2 import nodes

from drafter.document.dates import date_text
from drafter.files.schema import did_you_mean
from drafter.interview.questions import Question
from drafter.render.filters import Missing, is_empty
from drafter.templates.checklists import kept, measure_owners

COUNTY_SUFFIXES = ("自治县", "自治旗", "县", "区", "市", "旗")
PERIODS = {"year": ("一年来", "全年"), "years": ("近年来", "近年来累计")}
DERIVED = {"area": "县", "place": "", "spoken": False, "written": True, "since": "一年来",
           "all_year": "全年", "doc_date": None}
# Answers read by the derived values and helpers rather than by the outline text itself.
INPUTS = frozenset({"county", "genre", "report_period", "date", "year", "phrasing",
                    "org_full_name"})
HELPERS = ("did", "nth", "wording", "variant")
STEPS = "\ufdd3steps"  # per-render counters for nth(); not a name an outline can write


# ---------------------------------------------------------------- derived values


def default_day(year: int, today: dt.date | None = None) -> dt.date:
    """A day in `year`: today if it is that year, else today's month and day in it."""
    today = today or dt.date.today()
    if today.year == year:
        return today
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, today.month, 28)


def document_date(values: dict, today: dt.date | None = None) -> dt.date | None:
    """The date the draft speaks from: its `date` answer, else a day in its `year`."""
    date = values.get("date")
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    year = values.get("year")
    if isinstance(year, int) and not isinstance(year, bool) and 1949 <= year <= 2200:
        return default_day(year, today)
    return None


def answer_warnings(values: dict) -> list[str]:
    """Answers that contradict each other without being wrong on their own."""
    date, year = values.get("date"), values.get("year")
    if isinstance(date, dt.date) and isinstance(year, int) and date.year != year:
        return [f"落款日期 {date_text(date)} 不在材料年份 {year} 年内。"
                "时效提法按落款日期选取；请核对 date 和 year 两项答案。"]
    return []


def _text(value: object) -> str:
    return "" if is_empty(value) or not isinstance(value, str) else value


def place_name(county: str) -> str:
    """安澜县 → 安澜; a one-character name keeps its suffix (泾县 stays 泾县)."""
    for suffix in COUNTY_SUFFIXES:
        if county.endswith(suffix) and len(county) - len(suffix) >= 2:
            return county[: -len(suffix)]
    return county


def derive(values: dict) -> dict:
    """The derived values for one render (see the module docstring)."""
    county = _text(values.get("county"))
    spoken = values.get("genre") == "spoken"
    since, all_year = PERIODS.get(values.get("report_period"), PERIODS["year"])
    return {
        "area": county[-1] if county[-1:] in "县区市旗" and county else "县",
        "place": place_name(county),
        "spoken": spoken,
        "written": not spoken,
        "since": since,
        "all_year": all_year,
        "doc_date": document_date(values) or Missing("doc_date"),
        STEPS: {},
    }


# ---------------------------------------------------------------- helper functions


def _date_of(context) -> dt.date:
    date = context.get("doc_date")
    return date if isinstance(date, dt.date) else dt.date.today()


@jinja2.pass_context
def wording(context, key: str) -> object:
    from drafter.render.formulations import load

    try:
        text = load().current(str(key), _date_of(context))
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    return Missing(str(key)) if text is None else text


def stable_index(seed: str, slot: str, count: int) -> int:
    """1…count from a digest: the same organisation gets the same wording every time."""
    digest = hashlib.sha256(f"{seed}\n{slot}".encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


@jinja2.pass_context
def variant(context, slot: str, count: int, chosen: object = None) -> int:
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"variant(\"{slot}\", …) 的第二个参数应为写法的种数（正整数）")
    if not is_empty(chosen):
        try:
            return min(max(int(str(chosen)), 1), count)
        except ValueError:
            pass
    seed = "|".join(_text(context.get(name)) or str(context.get(name) or "")
                    for name in ("org_full_name", "phrasing"))
    return stable_index(seed, str(slot), count)


def globals_for(template) -> dict:
    """The helpers bound to one template's checklists, plus neutral derived values.

    The neutral values make the derived names known to the template check; every
    render replaces them with the values computed from its answers.
    """
    owners = measure_owners(template.questions)

    def checklist(measure: str) -> Question:
        owner = owners.get(measure)
        if owner is None:
            hint = did_you_mean(str(measure), set(owners))
            raise ValueError(f"没有名为“{measure}”的做法：它不在任何做法清单中。{hint}".rstrip())
        return owner

    def kept_for(context, owner: Question) -> list[str]:
        return kept(owner, context.get(owner.name), bool(context.get("spoken")))

    @jinja2.pass_context
    def did(context, measure: str) -> bool:
        return measure in kept_for(context, checklist(measure))

    @jinja2.pass_context
    def nth(context, measure: str) -> str:
        from drafter.document.numbering import cn_number

        owner = checklist(measure)
        if len(kept_for(context, owner)) == 1:
            return "我们重点"  # 一是 without 二是 reads as a slip
        counters = context.get(STEPS)
        if not isinstance(counters, dict):
            counters = {}
        counters[owner.name] = counters.get(owner.name, 0) + 1
        return f"{cn_number(counters[owner.name])}是"

    return {**DERIVED, "did": did, "nth": nth, "wording": wording, "variant": variant}


# ---------------------------------------------------------------- what the check asks


@dataclass
class _Scan:
    calls: list[tuple[str, object, int, str]] = field(default_factory=list)  # fn, arg, line, file
    inside: dict[str, set[str]] = field(default_factory=dict)  # name → measures around it
    outside: set[str] = field(default_factory=set)


def _measure_tests(test: nodes.Node) -> set[str]:
    calls = [test, *test.find_all(nodes.Call)] if isinstance(test, nodes.Call) else list(
        test.find_all(nodes.Call))
    return {call.args[0].value for call in calls
            if isinstance(call.node, nodes.Name) and call.node.name == "did" and call.args
            and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)}


def _walk(node: nodes.Node, around: frozenset, scan: _Scan, path: str) -> None:
    if isinstance(node, nodes.Block):
        return  # rendered through its own (live) definition
    if isinstance(node, nodes.If):
        _walk(node.test, around, scan, path)
        inner = around | _measure_tests(node.test)
        for child in node.body:
            _walk(child, inner, scan, path)
        for child in (*node.elif_, *node.else_):
            _walk(child, around, scan, path)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if around:
            scan.inside.setdefault(node.name, set()).update(around)
        else:
            scan.outside.add(node.name)
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and (
            node.node.name in HELPERS):
        arg = node.args[0].value if node.args and isinstance(node.args[0], nodes.Const) else None
        scan.calls.append((node.node.name, arg, node.lineno, path))
    for child in node.iter_child_nodes():
        _walk(child, around, scan, path)


@lru_cache(maxsize=1)
def _parser() -> jinja2.Environment:
    return jinja2.Environment()


@lru_cache(maxsize=64)
def _parse(source: str, path: str) -> nodes.Template:
    """The syntax tree of one outline file (already known to parse: the check did it)."""
    return _parser().parse(source, filename=path)


def _calls_super(block: nodes.Block) -> bool:
    return any(isinstance(c.node, nodes.Name) and c.node.name == "super"
               for c in block.find_all(nodes.Call))


def scan_outline(files: list) -> _Scan:
    """What the rendered outline does with the helpers: live blocks only.

    `files` are the outline files from the template's own up to the root, each with
    `.path` and `.source` (the template check's parsed outline).
    """
    trees = [(info.path, _parse(info.source, info.path)) for info in files]
    scan = _Scan()
    root_path, root = trees[-1]
    for node in root.body:
        _walk(node, frozenset(), scan, root_path)
    names: list[str] = []
    for _, tree in trees:
        names += [b.name for b in tree.find_all(nodes.Block) if b.name not in names]
    for name in names:
        for path, tree in trees:
            block = next((b for b in tree.find_all(nodes.Block) if b.name == name), None)
            if block is None:
                continue
            for node in block.body:
                _walk(node, frozenset(), scan, path)
            if not _calls_super(block):
                break
    return scan


def check_outline(template, files: list) -> tuple[list, set[str]]:
    """Findings about measures and helpers, and the questions they use.

    A checklist counts as used when the outline asks `did` about one of its
    measures; the answers the derived values read count as used too.
    """
    from drafter.render.formulations import load
    from drafter.templates.loader import TemplateProblem

    def problem(message: str, file: str, line: int | None, name: str = "") -> None:
        findings.append(TemplateProblem(message, file=file, line=line, field=name,
                                        code="measure"))

    findings: list = []
    scan = scan_outline(files)
    owners = measure_owners(template.questions)
    keys = set(load().wordings)
    written: set[str] = set()
    for function, arg, line, path in scan.calls:
        if not isinstance(arg, str):
            continue
        if function in ("did", "nth"):
            if arg in owners:
                written.add(arg)
            else:
                hint = did_you_mean(arg, set(owners))
                problem(f"{function}(\"{arg}\")：没有这项做法，它不在任何做法清单（checklist）中。{hint}"
                        .rstrip(), path, line)
        elif function == "wording" and arg not in keys:
            hint = did_you_mean(arg, keys)
            problem(f"wording(\"{arg}\")：时效提法数据中没有这个键。{hint}".rstrip(), path, line)
    used = {owner.name for measure, owner in owners.items() if measure in written}
    used |= INPUTS & {q.name for q in template.questions}
    expressions = " ".join([template.output] + [f"{q.when} {q.default or ''}"
                                                for q in template.questions])
    for question in template.questions:
        if question.is_checklist:
            for choice in question.choices:
                if choice.value not in written:
                    problem(f"做法“{choice.value}”（{choice.label}）在提纲中没有用到。请在本节的措施 block 中"
                            f"写 {{% if did(\"{choice.value}\") %}}……{{% endif %}}，或从清单中删去这一项。",
                            question.source, question.line, question.name)
                if not choice.help.strip():
                    problem(f"做法“{choice.value}”（{choice.label}）缺少一句说明（help）：问卷靠它告诉"
                            "填写人这项做法指什么。", question.source, question.line, question.name)
            continue
        around = scan.inside.get(question.name, set())
        if not around or question.name in scan.outside or question.name in INPUTS or re.search(
                rf"(?<![\w.]){re.escape(question.name)}(?!\w)", expressions):
            continue
        if question.measure and question.measure not in around:
            problem(f"它属于做法“{question.measure}”，却只用在做法 {'、'.join(sorted(around))} 的段落中。"
                    "请改正 measure，或把它移到所属做法的段落里。", question.source, question.line,
                    question.name)
        elif not question.measure and len(around) == 1:
            [measure] = around
            problem(f"它只用在做法“{measure}”的段落中，却没有写 measure: {measure}。加上以后，只有勾选了"
                    "这项做法才会问它。", question.source, question.line, question.name)
    return findings, used
