"""Proofreading rules: YAML files a non-programmer can extend, validated and compiled once.

The files in drafter/check/rules/ are the whole rule base; `--rules` adds more.
Loading is lazy (first check) and cached. The fast path parses with libyaml and
keeps no line numbers; only when a file is wrong is it parsed again with
drafter.yamlio so every problem can be reported as file:line.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from drafter.check.model import CATEGORIES, CONFIDENCES
from drafter.errors import Problem, ProblemsError, UserError

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


@lru_cache(maxsize=1)
def _han_re() -> re.Pattern:
    return re.compile(f"[{CJK}]")


def is_han(ch: str) -> bool:
    """A Chinese character (CJK ideograph, extension A, compatibility or extension B-G)."""
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F or ch == "〇")


def han_shadow(text: str) -> str:
    """The text with every Chinese character replaced by HAN_SENTINEL."""
    return _han_re().sub(HAN_SENTINEL, text)
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
     "since", "until", "event", "examples") + _KINDS + _CONTEXT_KEYS
)
_FILE_KEYS = frozenset(("category", "lists", "rules"))


class RulesError(ProblemsError):
    headline = "校对规则文件有误"


@dataclass(frozen=True)
class Context:
    """Words that must (or must not) stand right next to a match; 【标点】 means an edge."""

    words: tuple[str, ...] = ()
    punct: bool = False
    # the words grouped by length, so a test is one slice and one set lookup per length
    by_length: tuple[tuple[int, frozenset[str]], ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, words: list[str], punct: bool) -> Context:
        lengths = sorted({len(w) for w in words})
        groups = tuple((n, frozenset(w for w in words if len(w) == n)) for n in lengths)
        return cls(tuple(words), punct, groups)

    def __bool__(self) -> bool:
        return bool(self.words) or self.punct

    def before(self, line: str, start: int) -> bool:
        if self.punct and (start == 0 or line[start - 1] in PUNCT_CHARS):
            return True
        return any(n <= start and line[start - n:start] in group for n, group in self.by_length)

    def after(self, line: str, end: int) -> bool:
        if self.punct and (end == len(line) or line[end] in PUNCT_CHARS):
            return True
        return any(line[end:end + n] in group for n, group in self.by_length)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    confidence: str
    reason: str
    kind: str  # one of _KINDS
    right: str | None = None
    suggestion: str = ""
    fix: bool = True
    wrong: str = ""
    pattern: re.Pattern | None = None
    on_shadow: bool = False  # the pattern is matched against han_shadow(text)
    table: dict[str, str] = field(default_factory=dict)
    check: str = ""
    preceded_by: Context = Context()
    followed_by: Context = Context()
    not_preceded_by: Context = Context()
    not_followed_by: Context = Context()
    exceptions: tuple[str, ...] = ()
    since: _dt.date | None = None
    until: _dt.date | None = None
    event: str = ""
    file: str = ""
    examples_flag: tuple[str, ...] = ()
    examples_silent: tuple[str, ...] = ()

    def confidence_for(self, year: int) -> str | None:
        """The confidence in a document of `year`, or None if the rule does not apply then.

        In the year a formulation changed, a document may predate the change, so the
        finding is only a low-confidence hint.
        """
        if self.since is not None:
            if year < self.since.year:
                return None
            if year == self.since.year:
                return "low"
        if self.until is not None:
            if year > self.until.year:
                return None
            if year == self.until.year:
                return "low"
        return self.confidence

    def context_ok(self, line: str, start: int, end: int) -> bool:
        """Whether the neighbours of line[start:end] make this an error."""
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


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    # first character -> [(literal, rules with that literal)], longest literal first
    literal_index: dict[str, list[tuple[str, tuple[Rule, ...]]]]
    literal_starts: re.Pattern | None

    @property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


# ---------------------------------------------------------------- loading


def rule_files(extra: tuple[str, ...] = ()) -> list[Path]:
    files = sorted(RULES_DIR.glob("*.yaml"))
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
    rules: list[Rule] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in rule_files(extra):
        file_rules, file_problems = _load_file(path)
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
    return _index(tuple(rules))


def _index(rules: tuple[Rule, ...]) -> RuleSet:
    grouped: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.kind == "wrong":
            grouped.setdefault(rule.wrong, []).append(rule)
    index: dict[str, list[tuple[str, tuple[Rule, ...]]]] = {}
    for literal in sorted(grouped, key=len, reverse=True):
        index.setdefault(literal[0], []).append((literal, tuple(grouped[literal])))
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted(index)) + "]") if index else None
    return RuleSet(rules, index, starts)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"规则文件 {path} 不是 UTF-8 编码，请另存为 UTF-8。") from None
    except OSError as exc:
        raise UserError(f"无法读取规则文件 {path}：{exc.strerror or exc}。") from None


def _load_file(path: Path) -> tuple[list[Rule], list[Problem]]:
    import yaml

    text = _read(path)
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
    from drafter.yamlio import YamlProblem, load_yaml_text

    try:
        loaded = load_yaml_text(text, str(path))
    except YamlProblem as exc:
        return [], [exc.problem]
    return _compile_file(loaded.data, str(path), loaded.line)


# ---------------------------------------------------------------- validation


class _Collector:
    def __init__(self, file: str, line_of):
        self.file = file
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, message: str, *path: object) -> None:
        self.problems.append(Problem(message, file=self.file, line=self.line_of(*path)))


def _compile_file(data, file: str, line_of) -> tuple[list[Rule], list[Problem]]:
    out = _Collector(file, line_of)
    if not isinstance(data, dict):
        out.add("规则文件应当是一个映射，包含 category、rules 等项，请参照内置规则文件的写法。")
        return [], out.problems
    for key in data:
        if key not in _FILE_KEYS:
            out.add(f"未知的项“{key}”。文件顶层只能有：category、lists、rules。", key)
    category = data.get("category")
    if category is not None and category not in CATEGORIES:
        out.add(f"category 应为 {'、'.join(CATEGORIES)} 之一，而不是“{category}”。", "category")
        category = None
    lists = _compile_lists(data.get("lists"), out)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        out.add("缺少 rules 列表（每条规则以“- id: …”开头）。", "rules")
        return [], out.problems
    rules = []
    for i, raw in enumerate(raw_rules):
        rule = _compile_rule(raw, ("rules", i), category, lists, out, file)
        if rule is not None:
            rules.append(rule)
    return rules, out.problems


def _compile_lists(raw, out: _Collector) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        out.add("lists 应当是“名称: [词, 词, …]”的映射。", "lists")
        return {}
    lists = {}
    for name, words in raw.items():
        if name in BUILTIN_LISTS:
            out.add(f"词表名“{name}”是内置名称，请换一个。", "lists", name)
        elif _is_str_list(words):
            lists[str(name)] = tuple(words)
        else:
            out.add(f"词表“{name}”应当是非空文字的列表。", "lists", name)
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


def _date(value, out: _Collector, *path) -> _dt.date | None:
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
    out.add(f"日期“{value}”无法识别，请写成 2016-10-27 或 2016-10 的形式。", *path)
    return None


def _context(raw, key: str, lists, out: _Collector, path) -> Context:
    if raw is None:
        return Context()
    if isinstance(raw, str):
        raw = [raw]
    if not _is_str_list(raw):
        out.add(f"{key} 应当是词语的列表，例如 [群众, 干部]。", *path, key)
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
            out.add(f"{key} 引用了不存在的词表“{item}”。可用的词表：{known}。", *path, key)
    return Context.of(words, punct)


def _pattern(source: str, out: _Collector, path) -> tuple[re.Pattern | None, bool]:
    """The compiled regex and whether it runs on the shadow text (see HAN_SENTINEL)."""
    shadow = HAN in source and not any(is_han(c) for c in source.replace(HAN, ""))
    expanded = source.replace(HAN, HAN_SENTINEL) if shadow else source
    for name, value in MACROS.items():
        expanded = expanded.replace(name, value)
    try:
        pattern = re.compile(expanded, re.MULTILINE)
    except re.error as exc:
        out.add(f"正则表达式有误（{exc.msg}，位置 {exc.pos}）：{source}", *path, "regex")
        return None, False
    if pattern.search("") is not None:
        out.add(f"正则表达式能匹配空文字，会到处报错：{source}", *path, "regex")
        return None, False
    return pattern, shadow


def _compile_rule(raw, path, category, lists, out: _Collector, file: str) -> Rule | None:
    if not isinstance(raw, dict):
        out.add("每条规则应当是一个映射（以“- id: …”开头）。", *path)
        return None
    before = len(out.problems)
    rule_id = _as_text(raw.get("id"))
    if not rule_id or not _ID_RE.match(rule_id):
        out.add("规则缺少 id，或 id 不合规：只能用小写英文字母、数字和连字符，如 xiaolao-fuwu。",
                *path, "id")
        rule_id = rule_id or "?"
    for key in raw:
        if key not in _RULE_KEYS:
            out.add(f"规则 {rule_id} 有未知的项“{key}”。可用的项：{'、'.join(sorted(_RULE_KEYS))}。",
                    *path, key)
    kinds = [k for k in _KINDS if k in raw]
    if len(kinds) != 1:
        out.add(f"规则 {rule_id} 须有且只有 wrong（字面）、regex（正则）、table（对照表）、"
                "check（内置检查）中的一项。", *path)
        return None
    kind = kinds[0]
    cat = raw.get("category", category)
    if cat not in CATEGORIES:
        out.add(f"规则 {rule_id} 的 category 应为 {'、'.join(CATEGORIES)} 之一"
                "（可在文件顶层统一写）。", *path, "category")
    confidence = raw.get("confidence")
    if confidence not in CONFIDENCES:
        out.add(f"规则 {rule_id} 的 confidence 应为 high、medium 或 low。", *path, "confidence")
    reason = _as_text(raw.get("reason")) or ""
    event = _as_text(raw.get("event")) or ""
    since = until = None
    if cat == "formulation":
        if "since" not in raw or not event:
            out.add(f"提法规则 {rule_id} 须写明 since（起始日期）和 event（哪次会议或文件改变了提法）。",
                    *path)
        else:
            since = _date(raw["since"], out, *path, "since")
        if "until" in raw:
            until = _date(raw["until"], out, *path, "until")
    elif "since" in raw or "until" in raw:
        out.add(f"规则 {rule_id}：since/until 只用于 category 为 formulation 的提法规则。", *path)
    if not reason and cat != "formulation":
        out.add(f"规则 {rule_id} 缺少 reason（用中文说明为什么是错的）。", *path, "reason")

    right = raw.get("right")
    if right is not None and _as_text(right) is None:
        out.add(f"规则 {rule_id} 的 right 应当是文字。", *path, "right")
    right = _as_text(right) if right is not None else None
    suggestion = _as_text(raw.get("suggestion")) or ""
    fix = raw.get("fix", True)
    if not isinstance(fix, bool):
        out.add(f"规则 {rule_id} 的 fix 只能是 true 或 false。", *path, "fix")
    if kind in ("wrong", "regex") and right is None and not suggestion:
        out.add(f"规则 {rule_id} 须有 right（正确写法）或 suggestion（修改建议）。", *path)

    contexts = {k: _context(raw.get(k), k, lists, out, path) for k in _CONTEXT_KEYS}
    exceptions = raw.get("exceptions") or []
    if not _is_str_list(exceptions):
        out.add(f"规则 {rule_id} 的 exceptions 应当是短语的列表。", *path, "exceptions")
        exceptions = []

    wrong, pattern, shadow, table, check = "", None, False, {}, ""
    if kind == "wrong":
        wrong = _as_text(raw["wrong"]) or ""
        if not wrong:
            out.add(f"规则 {rule_id} 的 wrong 不能为空。", *path, "wrong")
        for phrase in exceptions:
            if wrong and wrong not in phrase:
                out.add(f"规则 {rule_id} 的例外“{phrase}”不含“{wrong}”，不起作用。"
                        "例外应是包含错误写法的正确短语。", *path, "exceptions")
    elif kind == "regex":
        if not isinstance(raw["regex"], str):
            out.add(f"规则 {rule_id} 的 regex 应当是文字（建议用单引号括起）。", *path, "regex")
        else:
            pattern, shadow = _pattern(raw["regex"], out, path)
    elif kind == "table":
        table_raw = raw["table"]
        if isinstance(table_raw, str):  # "們们 這这": each pair is wrong then right
            pairs = table_raw.split()
            if all(len(p) == 2 for p in pairs) and pairs:
                table_raw = {p[0]: p[1] for p in pairs}
            else:
                bad = next((p for p in pairs if len(p) != 2), "")
                out.add(f"规则 {rule_id} 的 table 应当是两字一组、用空格隔开的对照（如“們们 這这”），"
                        f"“{bad}”不是两个字。", *path, "table")
                table_raw = {}
        if not isinstance(table_raw, dict) or not table_raw:
            if not isinstance(table_raw, dict):
                out.add(f"规则 {rule_id} 的 table 应当是“錯: 错”的映射，或“們们 這这”这样的对照。",
                        *path, "table")
        else:
            for key, value in table_raw.items():
                if not isinstance(key, str) or len(key) != 1 or _as_text(value) is None:
                    out.add(f"规则 {rule_id} 的对照表项“{key}: {value}”有误：左边须是单个字符，"
                            "右边是替换的文字。", *path, "table", key)
                else:
                    table[key] = _as_text(value)
        if any(contexts.values()) or exceptions:
            out.add(f"规则 {rule_id}：对照表规则不支持上下文条件和例外。", *path)
        if table:
            pattern = re.compile("[" + "".join(re.escape(c) for c in table) + "]+")
    else:
        check = _as_text(raw["check"]) or ""
        if check not in CHECKS:
            out.add(f"规则 {rule_id} 的 check“{check}”不存在。内置检查有：{'、'.join(CHECKS)}。",
                    *path, "check")

    examples = raw.get("examples") or {}
    flag = silent = []
    if not isinstance(examples, dict) or not set(examples) <= {"flag", "silent"}:
        out.add(f"规则 {rule_id} 的 examples 应当只有 flag（应查出的句子）和 silent（不应查出的句子）。",
                *path, "examples")
    else:
        flag, silent = examples.get("flag") or [], examples.get("silent") or []
        if not (_is_str_list(flag) and _is_str_list(silent)):
            out.add(f"规则 {rule_id} 的 examples 里应当是句子的列表。", *path, "examples")
            flag = silent = []

    if len(out.problems) != before:
        return None
    return Rule(
        id=rule_id, category=cat, confidence=confidence, reason=reason, kind=kind,
        right=right, suggestion=suggestion, fix=fix, wrong=wrong, pattern=pattern, on_shadow=shadow,
        table=table, check=check, exceptions=tuple(exceptions), since=since, until=until,
        event=event, file=file, examples_flag=tuple(flag), examples_silent=tuple(silent),
        **contexts,
    )
