"""Proofreading rules: YAML files a non-programmer can extend, validated once and cached.

The files in drafter/check/rules/ are the whole rule base; `--rules` adds more.
Loading is lazy (first check) and cached in memory and in the user cache, keyed by
the files' contents, so a later run neither parses YAML nor validates. The cold
path parses with libyaml and keeps no line numbers; only when a file is wrong is
it parsed again with drafter.files.yamlio so every problem can be reported as file:line.
A regex is compiled only when a text could match it: each carries `needles`, the
strings one of which every match needs, and a text holding none skips the rule.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from drafter.check.dated import DatedSet
from drafter.check.dates import DocDate
from drafter.check.model import CATEGORIES, CONFIDENCES
from drafter.errors import Problem, ProblemsError, UserError
from drafter.files.schema import Fields

RULES_DIR = Path(__file__).parent / "rules"

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇"
CN_PUNCT = "，。、；：！？“”‘’（）《》【】…—·〔〕"
HAN = "{汉字}"
# Compiling a class of 28,000 ideographs costs milliseconds per pattern, so a regex
# that uses {汉字} runs on a shadow of the text in which every ideograph is this one
# private-use character (same length, same offsets), and {汉字} stands for it alone.
HAN_SENTINEL = "\U000F0000"
# Names a regex may use inside a character class, e.g. [{汉字}] or [{汉字}{中文标点}].
MACROS = {HAN: CJK, "{中文标点}": CN_PUNCT}


def is_han(ch: str) -> bool:
    """A Chinese character (CJK ideograph, extension A, compatibility or extension B-G)."""
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F or ch == "〇")


class _ShadowTable(dict):
    """A str.translate table sending every Chinese character to HAN_SENTINEL, filled in
    as characters are met (a regex class of all ideographs cost ~1.5 ms to compile)."""

    def __missing__(self, code: int) -> str | int:
        self[code] = HAN_SENTINEL if is_han(chr(code)) else code
        return self[code]


_SHADOW = _ShadowTable()


def han_shadow(text: str) -> str:
    """The text with every Chinese character replaced by HAN_SENTINEL."""
    return text.translate(_SHADOW)


@lru_cache(maxsize=256)
def compiled(source: str) -> re.Pattern:
    """A rule's regex, compiled on first use: on most texts most regex rules never run."""
    return re.compile(source, re.MULTILINE)


# What a context list item 【标点】 accepts: the edge of the line, whitespace or punctuation.
PUNCT_CHARS = frozenset(CN_PUNCT + ",.;:!?()[]\"'<>「」『』〝〞 \t\r\u3000")
BUILTIN_LISTS = ("标点",)

CHECKS = (
    "straight-quotes",
    "halfwidth-parentheses",
    "unbalanced-pairs",
    "heading-sequence",
    "enumeration-sequence",
)

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LIST_REF = re.compile(r"^【(.+)】$")
_KINDS = ("wrong", "regex", "table", "check")
_CONTEXT_KEYS = ("preceded_by", "followed_by", "not_preceded_by", "not_followed_by")
_RULE_KEYS = frozenset(
    ("id", "category", "right", "suggestion", "fix", "exceptions", "confidence", "reason",
     "since", "until", "event", "examples", "overrides", "not_in_line") + _KINDS + _CONTEXT_KEYS
)
_FILE_KEYS = frozenset(("category", "lists", "rules"))


class RulesError(ProblemsError):
    headline = "校对规则文件有误"


class Context(NamedTuple):
    """Words that must (or must not) stand right next to a match; 【标点】 means an edge."""

    words: tuple[str, ...] = ()
    punct: bool = False
    # the words grouped by length, so a test is one slice and one set lookup per length
    by_length: tuple[tuple[int, frozenset[str]], ...] = ()

    @classmethod
    def of(cls, words: list[str], punct: bool) -> Context:
        lengths = sorted({len(w) for w in words})
        groups = tuple((n, frozenset(w for w in words if len(w) == n)) for n in lengths)
        return cls(tuple(words), punct, groups)

    def __bool__(self) -> bool:
        return bool(self.words) or self.punct

    # Plain loops, not any(): these run for every literal found, and a generator costs a third.
    def before(self, line: str, start: int) -> bool:
        if self.punct and (start == 0 or line[start - 1] in PUNCT_CHARS):
            return True
        for n, group in self.by_length:
            if n <= start and line[start - n:start] in group:
                return True
        return False

    def after(self, line: str, end: int) -> bool:
        if self.punct and (end == len(line) or line[end] in PUNCT_CHARS):
            return True
        for n, group in self.by_length:
            if line[end:end + n] in group:
                return True
        return False


_NO_CONTEXT = Context()
_NO_TABLE: Mapping[str, str] = MappingProxyType({})


class Rule(NamedTuple):
    """One proofreading rule, as validated from its file.

    A NamedTuple, not a frozen dataclass: it is created at every import of this
    module (~0.3 ms, against ~3.5 ms for a dataclass of these 27 fields) and each
    rule comes back from the cache as one tuple, not 27 frozen setattrs.
    """

    id: str
    category: str
    confidence: str
    reason: str
    kind: str  # one of _KINDS
    right: str | None = None
    suggestion: str = ""
    fix: bool = True
    wrong: str = ""
    source: str = ""  # the regex of a regex or table rule, macros expanded; see `pattern`
    on_shadow: bool = False  # the pattern is matched against han_shadow(text)
    # A text the pattern matches in holds at least one of these; None: nothing is known.
    needles: frozenset[str] | None = None
    table: Mapping[str, str] = _NO_TABLE  # a table rule's wrong -> right, by character
    check: str = ""
    preceded_by: Context = _NO_CONTEXT
    followed_by: Context = _NO_CONTEXT
    not_preceded_by: Context = _NO_CONTEXT
    not_followed_by: Context = _NO_CONTEXT
    exceptions: tuple[str, ...] = ()
    since: _dt.date | None = None
    until: _dt.date | None = None
    event: str = ""  # the source of the change: which meeting, document or law, and when
    overrides: tuple[str, ...] = ()  # ids of rules whose findings inside this one's are dropped
    not_in_line: tuple[str, ...] = ()  # a line holding any of these is not checked by the rule
    file: str = ""
    examples_flag: tuple[str, ...] = ()
    examples_silent: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern | None:
        return compiled(self.source) if self.source else None

    def confidence_for(self, date: DocDate) -> str | None:
        """The confidence in a document of `date`, or None if the rule does not apply then.

        When the document's known period (its day, or only its month or year) contains
        the change, it may predate the change, so the finding is only a low hint.
        """
        if self.since is not None:
            order = date.compare(self.since)
            if order < 0:
                return None
            if order == 0:
                return "low"
        if self.until is not None:
            order = date.compare(self.until)
            if order > 0:
                return None
            if order == 0:
                return "low"
        return self.confidence

    def context_ok(self, line: str, start: int, end: int) -> bool:
        """Whether the neighbours of line[start:end] make this an error."""
        for word in self.not_in_line:
            if word in line:
                return False
        if self.preceded_by and not self.preceded_by.before(line, start):
            return False
        if self.followed_by and not self.followed_by.after(line, end):
            return False
        if self.not_preceded_by and self.not_preceded_by.before(line, start):
            return False
        if self.not_followed_by and self.not_followed_by.after(line, end):
            return False
        for phrase in self.exceptions:
            first = max(0, end - len(phrase))
            at = line.find(phrase, first)
            while at != -1 and at <= start:
                if at + len(phrase) >= end:
                    return False
                at = line.find(phrase, at + 1)
        return True


class RuleSet(NamedTuple):
    rules: tuple[Rule, ...]
    # first character -> [(literal, rules with that literal)], longest literal first
    literal_index: dict[str, list[tuple[str, tuple[Rule, ...]]]]
    literal_source: str  # a regex that matches every literal; "" if there are none
    dated: DatedSet

    @property
    def literal_pattern(self) -> re.Pattern | None:
        return compiled(self.literal_source) if self.literal_source else None

    @property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


# ---------------------------------------------------------------- loading


def rule_files(extra: tuple[str, ...] = ()) -> list[Path]:
    # listdir, not glob: compiling a glob's pattern costs more than the rest of a warm load
    files = sorted(RULES_DIR / name for name in os.listdir(RULES_DIR) if name.endswith(".yaml"))
    for item in extra:
        path = Path(item)
        if path.is_dir():
            found = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
            if not found:
                raise UserError(f"规则文件夹 {path} 里没有 .yaml 文件。")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"找不到规则文件或文件夹：{path}。请检查 --rules 给出的路径。")
    return files


@lru_cache(maxsize=8)
def load_rules(extra: tuple[str, ...] = ()) -> RuleSet:
    """All rules, built-in first, then the files or folders in `extra`; cached."""
    from drafter.files.cache import cached_file, read_cached, write_cached

    sources = [(path, _read(path)) for path in rule_files(extra)]
    # the rules of exactly these files (and the dated formulations, which ship in the
    # package), read by exactly this code: the cache's package fingerprint covers both
    cached = cached_file("rules", "".join(f"{path}\0{text}\0" for path, text in sources).encode())
    stored = read_cached(cached)
    rules = _from_plain(stored.get("rules")) if isinstance(stored, dict) else None
    dated = _dated_from_plain(stored.get("dated")) if rules is not None else None
    if rules is None or dated is None:
        rules = _validated(sources)
        dated = DatedSet.load()
        write_cached(cached, {"rules": _plain(rules), "dated": dated.plain()})
    return _index(rules, dated)


def _dated_from_plain(plain) -> DatedSet | None:
    try:
        return DatedSet.from_plain(plain)
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, it is rebuilt
        return None


def _validated(sources: list[tuple[Path, str]]) -> tuple[Rule, ...]:
    """The rules of these files, or a RulesError listing every problem by file and line."""
    rules: list[Rule] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path, text in sources:
        file_rules, file_problems = _load_file(path, text)
        problems += file_problems
        for rule in file_rules:
            if rule.id in seen:
                problems.append(Problem(f"规则编号 {rule.id} 与 {seen[rule.id]} 中的规则重复，"
                                        "请改用一个新的编号。", file=str(path)))
                continue
            seen[rule.id] = str(path)
            rules.append(rule)
    if problems:
        raise RulesError(problems)
    return tuple(rules)


def _index(rules: tuple[Rule, ...], dated: DatedSet) -> RuleSet:
    grouped: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.kind == "wrong":
            grouped.setdefault(rule.wrong, []).append(rule)
    longest_first = sorted(grouped, key=len, reverse=True)
    index: dict[str, list[tuple[str, tuple[Rule, ...]]]] = {}
    for literal in longest_first:
        index.setdefault(literal[0], []).append((literal, tuple(grouped[literal])))
    return RuleSet(rules, index, "|".join(map(re.escape, longest_first)), dated)


def _read(path: Path) -> str:
    """The file as read_text(encoding="utf-8-sig") gives it, without that codec's import."""
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise UserError(f"规则文件 {path} 不是 UTF-8 编码，请另存为 UTF-8。") from None
    except OSError as exc:
        raise UserError(f"无法读取规则文件 {path}：{exc.strerror or exc}。") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _load_file(path: Path, text: str) -> tuple[list[Rule], list[Problem]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        data = None
        fast_ok = False
    else:
        fast_ok = True
    if fast_ok:
        rules, problems = _compile_file(data, str(path), lambda *p: None)
        if not problems:
            return rules, []
    # Slow path: parse again, keeping line numbers, to say where each problem is.
    from drafter.files.yamlio import YamlProblem, load_yaml_text

    try:
        loaded = load_yaml_text(text, str(path))
    except YamlProblem as exc:
        return [], [exc.problem]
    return _compile_file(loaded.data, str(path), loaded.line)


# ---------------------------------------------------------------- validation


def _compile_file(data, file: str, line_of) -> tuple[list[Rule], list[Problem]]:
    out = Fields(lambda path: (file, line_of(*path)), lambda path: "")
    if not isinstance(data, dict):
        out.problem((), "规则文件应当是一个映射，包含 category、rules 等项，请参照内置规则文件的写法。")
        return [], out.problems
    out.mapping((), data, _FILE_KEYS, "未知的项“{key}”。文件顶层只能有：category、lists、rules。")
    category = data.get("category")
    if category is not None and category not in CATEGORIES:
        out.problem(("category",), f"category 应为 {'、'.join(CATEGORIES)} 之一，而不是“{category}”。")
        category = None
    lists = _compile_lists(data.get("lists"), out)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        out.problem(("rules",), "缺少 rules 列表（每条规则以“- id: …”开头）。")
        return [], out.problems
    rules = []
    for i, raw in enumerate(raw_rules):
        rule = _compile_rule(raw, ("rules", i), category, lists, out, file)
        if rule is not None:
            rules.append(rule)
    return rules, out.problems


def _compile_lists(raw, out: Fields) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        out.problem(("lists",), "lists 应当是“名称: [词, 词, …]”的映射。")
        return {}
    lists = {}
    for name, words in raw.items():
        if name in BUILTIN_LISTS:
            out.problem(("lists", name), f"词表名“{name}”是内置名称，请换一个。")
        elif _is_str_list(words):
            lists[str(name)] = tuple(words)
        else:
            out.problem(("lists", name), f"词表“{name}”应当是非空文字的列表。")
    return lists


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(w, str) and w for w in value)


def _as_text(value) -> str | None:
    """YAML turns 2020 into an int and 是/否-like words stay text; accept scalars as text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _date(value, out: Fields, *path) -> _dt.date | None:
    if isinstance(value, _dt.date):
        return value
    text = _as_text(value)
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text or "")
    if match:
        year, month, day = (int(g) if g else 1 for g in match.groups())
        try:
            return _dt.date(year, month, day)
        except ValueError:
            pass
    out.problem(path, f"日期“{value}”无法识别，请写成 2016-10-27 或 2016-10 的形式。")
    return None


def _events() -> dict:
    """The events of the shared file of dated formulations (read only when rules are built)."""
    from drafter.render.formulations import load

    return load().events


def _formulation_dates(raw, rule_id: str, event: str, out: Fields, path):
    """(since, until, source text) of a formulation rule.

    A built-in rule names an event of drafter/data/formulations.yaml, so that every
    date lives once; a user's own rule may instead give since and an event text.
    """
    events = _events()
    since = until = None
    if event in events:
        if "since" in raw:
            out.problem((*path, "since"), f"提法规则 {rule_id} 的事件 {event} 已有日期（{events[event].date}），"
                        "请删去 since，日期只写在 drafter/data/formulations.yaml 一处。")
        since, event = events[event].date, events[event].source
    elif "since" in raw and event:
        since = _date(raw["since"], out, *path, "since")
    else:
        known = "、".join(sorted(events))
        out.problem(path, f"提法规则 {rule_id} 须写明 event：drafter/data/formulations.yaml 中的事件名"
                    f"（{known}），或者自己写 since（起始日期）和 event（哪次会议或文件改变了提法）。")
    if "until" in raw:
        value = raw["until"]
        until = events[value].date if isinstance(value, str) and value in events else _date(
            value, out, *path, "until")
    return since, until, event


def _expand_lists(source: str, lists: dict[str, tuple[str, ...]]) -> str:
    """【词表名】 in a regex stands for any word of that list of the file (longest first)."""
    def alternatives(ref: re.Match) -> str:
        words = lists.get(ref.group(1))
        if words is None:
            return ref.group()
        return "(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")"

    return re.sub(r"【([^】]+)】", alternatives, source) if "【" in source else source


def _context(raw, key: str, lists, out: Fields, path) -> Context:
    if raw is None:
        return Context()
    if isinstance(raw, str):
        raw = [raw]
    if not _is_str_list(raw):
        out.problem((*path, key), f"{key} 应当是词语的列表，例如 [群众, 干部]。")
        return Context()
    words: list[str] = []
    punct = False
    for item in raw:
        ref = _LIST_REF.match(item)
        if not ref:
            words.append(item)
        elif ref.group(1) == "标点":
            punct = True
        elif ref.group(1) in lists:
            words += lists[ref.group(1)]
        else:
            known = "、".join(f"【{n}】" for n in (*BUILTIN_LISTS, *lists))
            out.problem((*path, key), f"{key} 引用了不存在的词表“{item}”。可用的词表：{known}。")
    return Context.of(words, punct)


def _pattern(source: str, out: Fields, path) -> tuple[str, bool, frozenset[str] | None]:
    """The regex with macros expanded ("" if it is wrong), whether it runs on the shadow
    text (see HAN_SENTINEL), and its needles."""
    from re import _compiler, _parser

    shadow = HAN in source and not any(is_han(c) for c in source.replace(HAN, ""))
    expanded = source.replace(HAN, HAN_SENTINEL) if shadow else source
    for name, value in MACROS.items():
        expanded = expanded.replace(name, value)
    try:  # parsed once for both: parsing is half the cost of compiling
        parsed = _parser.parse(expanded, re.MULTILINE)
        needles = _needles_in(parsed)
        pattern = _compiler.compile(parsed, re.MULTILINE)
    except re.error as exc:
        out.problem((*path, "regex"), f"正则表达式有误（{exc.msg}，位置 {exc.pos}）：{source}")
        return "", False, None
    if pattern.search("") is not None:
        out.problem((*path, "regex"), f"正则表达式能匹配空文字，会到处报错：{source}")
        return "", False, None
    return expanded, shadow, needles


def _compile_rule(raw, path, category, lists, out: Fields, file: str) -> Rule | None:
    if not isinstance(raw, dict):
        out.problem(path, "每条规则应当是一个映射（以“- id: …”开头）。")
        return None
    before = len(out.problems)
    rule_id = _as_text(raw.get("id"))
    if not rule_id or not _ID_RE.match(rule_id):
        out.problem((*path, "id"), "规则缺少 id，或 id 不合规：只能用小写英文字母、数字和连字符，如 xiaolao-fuwu。")
        rule_id = rule_id or "?"
    out.mapping(path, raw, _RULE_KEYS,
                f"规则 {rule_id} 有未知的项“{{key}}”。可用的项：{'、'.join(sorted(_RULE_KEYS))}。")
    kinds = [k for k in _KINDS if k in raw]
    if len(kinds) != 1:
        out.problem(path, f"规则 {rule_id} 须有且只有 wrong（字面）、regex（正则）、table（对照表）、"
                    "check（内置检查）中的一项。")
        return None
    kind = kinds[0]
    cat = raw.get("category", category)
    if cat not in CATEGORIES:
        out.problem((*path, "category"), f"规则 {rule_id} 的 category 应为 {'、'.join(CATEGORIES)} 之一"
                    "（可在文件顶层统一写）。")
    confidence = raw.get("confidence")
    if confidence not in CONFIDENCES:
        out.problem((*path, "confidence"), f"规则 {rule_id} 的 confidence 应为 high、medium 或 low。")
    reason = _as_text(raw.get("reason")) or ""
    event = _as_text(raw.get("event")) or ""
    since = until = None
    if cat == "formulation":
        since, until, event = _formulation_dates(raw, rule_id, event, out, path)
    elif "since" in raw or "until" in raw:
        out.problem(path, f"规则 {rule_id}：since/until 只用于 category 为 formulation 的提法规则。")
    if not reason and cat != "formulation":
        out.problem((*path, "reason"), f"规则 {rule_id} 缺少 reason（用中文说明为什么是错的）。")

    right = raw.get("right")
    if right is not None and _as_text(right) is None:
        out.problem((*path, "right"), f"规则 {rule_id} 的 right 应当是文字。")
    right = _as_text(right) if right is not None else None
    suggestion = _as_text(raw.get("suggestion")) or ""
    fix = out.flag((*path, "fix"), raw.get("fix"), f"规则 {rule_id} 的 fix 只能是 true 或 false。")
    fix = True if fix is None else fix
    if kind in ("wrong", "regex") and right is None and not suggestion:
        out.problem(path, f"规则 {rule_id} 须有 right（正确写法）或 suggestion（修改建议）。")

    contexts = {k: _context(raw.get(k), k, lists, out, path) for k in _CONTEXT_KEYS}
    exceptions = raw.get("exceptions") or []
    if not _is_str_list(exceptions):
        out.problem((*path, "exceptions"), f"规则 {rule_id} 的 exceptions 应当是短语的列表。")
        exceptions = []

    wrong, source, shadow, needles, table, check = "", "", False, None, {}, ""
    if kind == "wrong":
        wrong = _as_text(raw["wrong"]) or ""
        if not wrong:
            out.problem((*path, "wrong"), f"规则 {rule_id} 的 wrong 不能为空。")
        for phrase in exceptions:
            if wrong and wrong not in phrase:
                out.problem((*path, "exceptions"), f"规则 {rule_id} 的例外“{phrase}”不含“{wrong}”，不起作用。"
                            "例外应是包含错误写法的正确短语。")
    elif kind == "regex":
        if not isinstance(raw["regex"], str):
            out.problem((*path, "regex"), f"规则 {rule_id} 的 regex 应当是文字（建议用单引号括起）。")
        else:
            source, shadow, needles = _pattern(_expand_lists(raw["regex"], lists), out, path)
    elif kind == "table":
        table_raw = raw["table"]
        if isinstance(table_raw, str):  # "們们 這这": each pair is wrong then right
            pairs = table_raw.split()
            if all(len(p) == 2 for p in pairs) and pairs:
                table_raw = {p[0]: p[1] for p in pairs}
            else:
                bad = next((p for p in pairs if len(p) != 2), "")
                out.problem((*path, "table"), f"规则 {rule_id} 的 table 应当是两字一组、用空格隔开的对照（如“們们 這这”），"
                            f"“{bad}”不是两个字。")
                table_raw = {}
        if not isinstance(table_raw, dict) or not table_raw:
            if not isinstance(table_raw, dict):
                out.problem((*path, "table"), f"规则 {rule_id} 的 table 应当是“錯: 错”的映射，或“們们 這这”这样的对照。")
        else:
            for key, value in table_raw.items():
                if not isinstance(key, str) or len(key) != 1 or _as_text(value) is None:
                    out.problem((*path, "table", key), f"规则 {rule_id} 的对照表项“{key}: {value}”有误：左边须是单个字符，"
                                "右边是替换的文字。")
                else:
                    table[key] = _as_text(value)
        if any(contexts.values()) or exceptions:
            out.problem(path, f"规则 {rule_id}：对照表规则不支持上下文条件和例外。")
        if table:
            source = "[" + "".join(re.escape(c) for c in table) + "]+"
            needles = frozenset(table) if len(table) <= MAX_NEEDLES else None
    else:
        check = _as_text(raw["check"]) or ""
        if check not in CHECKS:
            out.problem((*path, "check"), f"规则 {rule_id} 的 check“{check}”不存在。内置检查有：{'、'.join(CHECKS)}。")

    overrides = raw.get("overrides") or []
    not_in_line = raw.get("not_in_line") or []
    for key, value in (("overrides", overrides), ("not_in_line", not_in_line)):
        if not _is_str_list(value):
            out.problem((*path, key), f"规则 {rule_id} 的 {key} 应当是{'规则编号' if key == 'overrides' else '词语'}的列表。")

    examples = raw.get("examples") or {}
    flag = silent = []
    if not isinstance(examples, dict) or not set(examples) <= {"flag", "silent"}:
        out.problem((*path, "examples"), f"规则 {rule_id} 的 examples 应当只有 flag（应查出的句子）和 silent（不应查出的句子）。")
    else:
        flag, silent = examples.get("flag") or [], examples.get("silent") or []
        if not (_is_str_list(flag) and _is_str_list(silent)):
            out.problem((*path, "examples"), f"规则 {rule_id} 的 examples 里应当是句子的列表。")
            flag = silent = []

    if len(out.problems) != before:
        return None
    return Rule(
        id=rule_id, category=cat, confidence=confidence, reason=reason, kind=kind,
        right=right, suggestion=suggestion, fix=fix, wrong=wrong, source=source, on_shadow=shadow,
        needles=needles, table=table, check=check, exceptions=tuple(exceptions), since=since, until=until,
        event=event, overrides=tuple(overrides), not_in_line=tuple(not_in_line), file=file,
        examples_flag=tuple(flag), examples_silent=tuple(silent),
        **contexts,
    )


# ---------------------------------------------------------------- needles (regex prefilter)


MAX_NEEDLES = 40
# Characters in nearly every text: poor needles; ideographs (in the shadow) the poorest.
_COMMON = frozenset("，。、 ")
_EMPTY = frozenset([""])


def needles_of(source: str) -> frozenset[str] | None:
    """Strings of which any text the regex matches in holds at least one; None if unknown.

    Read from the parse tree. An element of a sequence is known by the few strings
    it can match, or else by strings its match must contain. Neighbours join up: a
    match of 、(?=[，；]) lies in "、，" or "、；", and a lookbehind's text ends where
    the match goes on. Of all such sets the rarest is kept. Anything optional,
    negated, case-insensitive or a back-reference tells nothing.
    """
    from re import _parser

    return _needles_in(_parser.parse(source, re.MULTILINE))


def _needles_in(parsed) -> frozenset[str] | None:
    return None if parsed.state.flags & re.IGNORECASE else _sequence(parsed)[1]


def _sequence(items) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """(exact, needles) of a sequence: all it can match if that is a small set; its best needles."""
    from re import _constants as sre

    options: list[frozenset[str] | None] = []
    whole: frozenset[str] | None = _EMPTY
    run = _EMPTY  # what the text can be from the last gap up to here
    for op, value in items:
        if op in (sre.ASSERT_NOT, sre.AT):  # zero width, and no text it needs
            continue
        if op is sre.ASSERT:
            direction, inner = value
            exact, needles = _sequence(inner)
            options.append(needles)
            if exact is not None and direction > 0:  # the text right after the run
                options.append(_product(run, exact))
            elif exact is not None:  # the text right before here: a run of its own
                options.append(run)
                run = exact
            continue
        exact, needles, edge = _element(op, value)
        options.append(needles)
        if exact is not None:
            joined = _product(run, exact)
            if joined is None:
                options.append(run)
            run = joined if joined is not None else exact
            whole = _product(whole, exact)
        else:  # a repeat's text starts and ends with `edge`; other gaps break the run
            options.append(_product(run, edge))
            options.append(run)
            run = edge if edge is not None else _EMPTY
            whole = None
    options.append(run)
    known = [o for o in options if o and "" not in o]
    return whole, min(known, key=_commonness, default=None)


def _element(op, value):
    """(exact, needles, edge) of one element that consumes text; see _sequence."""
    from re import _constants as sre

    if op is sre.LITERAL:
        exact = frozenset([chr(value)])
        return exact, exact, None
    if op is sre.IN:
        chars: set[str] = set()
        for item, arg in value:
            if item is sre.LITERAL:
                chars.add(chr(arg))
            elif item is sre.RANGE and arg[1] - arg[0] < MAX_NEEDLES:
                chars.update(map(chr, range(arg[0], arg[1] + 1)))
            else:  # a negated class, a category such as \d, a big range
                return None, None, None
        exact = frozenset(chars) if len(chars) <= MAX_NEEDLES else None
        return exact, exact, None
    if op is sre.BRANCH:
        branches = [_sequence(branch) for branch in value[1]]
        return _union(e for e, _ in branches), _union(n for _, n in branches), None
    if op is sre.SUBPATTERN and not value[1] & re.IGNORECASE:
        return (*_sequence(value[3]), None)
    if op is sre.ATOMIC_GROUP:
        return (*_sequence(value), None)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and value[0] > 0:
        low, high, item = value
        exact, needles = _sequence(item)
        count = min(low, 8)  # a match starts and ends with this many of the item in a row
        edge = exact
        for _ in range(count - 1):
            edge = _product(edge, exact)
        if low == high == count:
            return edge, edge or needles, None
        return None, edge or needles, edge
    return None, None, None  # backreference, any character, optional, case-insensitive


def _product(first: frozenset[str] | None, then: frozenset[str] | None) -> frozenset[str] | None:
    """Every string of `first` followed by one of `then`, if there are not too many."""
    if first is None or then is None or len(first) * len(then) > MAX_NEEDLES:
        return None
    return frozenset(a + b for a in first for b in then)


def _union(sets) -> frozenset[str] | None:
    sets = list(sets)
    if None in sets:
        return None
    union = frozenset().union(*sets)
    return union if len(union) <= MAX_NEEDLES else None


def _commonness(needles: frozenset[str]) -> tuple[int, int]:
    """How many texts a needle set lets through, and how long it takes to look for it,
    roughly: lower is better, then longer."""
    cost = 0
    for needle in needles:
        if set(needle) == {HAN_SENTINEL}:
            cost += 1000
        elif needle in _COMMON or set(needle) <= {HAN_SENTINEL, " "}:
            cost += 100
        else:
            cost += 10 if len(needle) == 1 else 3
    return cost, -min(map(len, needles))


# ---------------------------------------------------------------- disk cache


_DATES = ("since", "until")
_RULE_FIELDS = frozenset(Rule._fields)


def _plain(rules: tuple[Rule, ...]) -> list[dict]:
    """The rules as plain data for the cache (patterns stay source text)."""
    plain = []
    for rule in rules:
        fields = rule._asdict()
        for key in _CONTEXT_KEYS:
            fields[key] = (fields[key].words, fields[key].punct, fields[key].by_length)
        for key in _DATES:
            fields[key] = fields[key].toordinal() if fields[key] else None
        plain.append(fields)
    return plain


def _from_plain(plain: object) -> tuple[Rule, ...] | None:
    """The rules _plain stored, or None if there were none or they are unusable."""
    if plain is None:
        return None
    try:
        rules = []
        for fields in plain:
            for key in _CONTEXT_KEYS:
                words, punct, by_length = fields[key]
                fields[key] = Context(words, punct, by_length) if words or punct else _NO_CONTEXT
            for key in _DATES:
                if fields[key] is not None:
                    fields[key] = _dt.date.fromordinal(fields[key])
            if fields.keys() != _RULE_FIELDS:
                return None
            rules.append(Rule(**fields))
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, it is rebuilt
        return None
    return tuple(rules)
