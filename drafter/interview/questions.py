"""The question model: everything about one question lives here.

A question knows its type, how to turn a raw answer (typed in a terminal or
read from YAML) into a clean value, and how to say in Chinese what is wrong.
The interview and the answers reader only ask and report.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import NamedTuple

from drafter.document.dates import date_text, parse_date
from drafter.errors import Problem
from drafter.files.schema import Fields, did_you_mean

TYPES = {
    "text": "单行文字",
    "textarea": "多行文字",
    "int": "整数",
    "bool": "是/否",
    "choice": "单项选择",
    "multichoice": "多项选择",
    "list": "清单（逐项填写）",
    "date": "日期",
    "year": "年份",
    "checklist": "做法清单（勾选确实做了的工作）",
}

QUESTION_KEYS = {
    "name": "字段名（英文字母、数字、下划线）",
    "type": "类型",
    "label": "问题标题",
    "help": "说明文字",
    "example": "示例",
    "default": "默认值",
    "when": "提问条件",
    "required": "是否必填",
    "group": "所属分组",
    "min": "最小值",
    "max": "最大值",
    "min_length": "最少字数",
    "max_length": "最多字数",
    "min_items": "最少项数",
    "max_items": "最多项数",
    "pattern": "格式（正则表达式）",
    "message": "校验不通过时的提示",
    "choices": "选项",
    "measure": "所属做法：只在做法清单中勾选了这项做法时才问",
    "spoken_max": "做法清单：口头发言时本节最多用几项做法",
}
CHILD_ONLY_KEYS = {"remove", "after"}
CHOICE_KEYS = {"value", "label", "help"}

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TRUE_WORDS = {"是", "对", "有", "y", "yes", "true", "1"}
FALSE_WORDS = {"否", "不", "无", "没有", "n", "no", "false", "0"}
MAX_TEXT = 200_000


class Choice(NamedTuple):
    value: str
    label: str
    help: str = ""  # one line saying what the option means (a checklist measure's description)


class Question(NamedTuple):
    """One question of a template, validated. A NamedTuple rather than a frozen dataclass
    of 23 fields (~3 ms to create at every import); equality compares every field."""

    name: str
    type: str = "text"
    label: str = ""
    help: str = ""
    example: object = None
    default: object = None
    when: str = ""
    required: bool = False
    group: str = ""
    min: int | None = None
    max: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    pattern: str = ""
    message: str = ""
    choices: tuple[Choice, ...] = ()
    measure: str = ""  # a fact of this measure: asked only while the measure is ticked
    checklist: str = ""  # the checklist question holding `measure` (set when the template loads)
    spoken_max: int | None = None  # a checklist: how many ticked measures a spoken draft keeps
    source: str = ""  # file where it was defined
    line: int | None = None

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def caption(self) -> str:
        """The title where an answer follows it (“标题：答案”): a label that asks a
        question drops its ？ so the line does not read “……哪些工作？：理论武装”."""
        return self.title.rstrip("？?：:") or self.title

    @property
    def default_is_expression(self) -> bool:
        return isinstance(self.default, str) and ("{{" in self.default or "{%" in self.default)

    @property
    def is_checklist(self) -> bool:
        return self.type == "checklist"

    def tick_allows(self, answers: dict) -> bool:
        """A measure's fact applies only while its measure is ticked in its checklist."""
        if not self.checklist:
            return True
        ticked = answers.get(self.checklist)
        return isinstance(ticked, (list, tuple)) and self.measure in ticked

    def choice(self, value: str) -> Choice | None:
        for choice in self.choices:
            if choice.value == value:
                return choice
        return None

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value

    def is_empty(self, value: object) -> bool:
        return value is None or value == "" or value == [] or (
            isinstance(value, str) and not value.strip()
        )

    def coerce(self, raw: object) -> tuple[object, str]:
        """Return (clean value, '') or (None, Chinese reason it was refused).

        Empty answers come back as None; whether that is allowed is `check`'s job.
        """
        if self.is_empty(raw):
            return None, ""
        try:
            value = _COERCERS[self.type](self, raw)
        except _Refused as refused:
            return None, self.message or refused.reason
        if self.is_empty(value):  # e.g. a list of blank items: as empty as no answer
            return None, ""
        return value, ""

    def check(self, raw: object) -> tuple[object, str]:
        """Coerce and validate: required, ranges, lengths, pattern."""
        value, error = self.coerce(raw)
        if error:
            return None, error
        if value is None:
            if self.required:
                return None, self.message or "此项必填，请填写。"
            return None, ""
        error = self.limits_error(value)
        return (None, error) if error else (value, "")

    def limits_error(self, value: object) -> str:
        """Why a coerced, non-empty value breaks the question's limits, or ''."""
        error = self._limits(value)
        return self.message or error if error else ""

    def _limits(self, value: object) -> str:
        if self.type in ("int", "year"):
            if self.min is not None and value < self.min:
                if value == 0 and not self.required:
                    return f"应不小于 {self.min}。没有这一项就留空（直接回车），文中会略去这句话。"
                return f"应不小于 {self.min}。"
            if self.max is not None and value > self.max:
                return f"应不大于 {self.max}。"
        if isinstance(value, str):
            length = len(value.strip())
            if self.min_length is not None and length < self.min_length:
                return f"至少 {self.min_length} 个字，现有 {length} 个字。"
            if self.max_length is not None and length > self.max_length:
                return f"最多 {self.max_length} 个字，现有 {length} 个字。"
            if self.pattern and not self.matches_pattern(value.strip()):
                return "格式不符合要求。"
        if isinstance(value, list):
            if self.min_items is not None and len(value) < self.min_items:
                return f"至少填写 {self.min_items} 项，现有 {len(value)} 项。"
            if self.max_items is not None and len(value) > self.max_items:
                return f"最多填写 {self.max_items} 项，现有 {len(value)} 项。"
        return ""


    def matches_pattern(self, text: str) -> bool:
        """Whether `text` matches the question's `pattern:` regex, which is template-supplied
        code: it runs under the sandbox's time limit, so a catastrophic regex is stopped
        with a message naming the question instead of hanging."""
        from drafter.errors import SandboxError, TemplateError
        from drafter.render.sandbox import guarded

        try:
            return guarded(lambda: re.fullmatch(self.pattern, text), "格式 pattern ") is not None
        except SandboxError as exc:
            raise TemplateError([Problem(exc.message, file=self.source, line=self.line,
                                         field=self.name)]) from None


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _text(q: Question, raw: object) -> str:
    if isinstance(raw, bool) or isinstance(raw, (list, dict)):
        raise _Refused("应为一段文字。")
    if isinstance(raw, (dt.date, dt.datetime)):
        return date_text(raw)
    text = str(raw)
    if len(text) > MAX_TEXT:
        raise _Refused(f"内容过长（{len(text)} 字），最多 {MAX_TEXT} 字。")
    if q.type == "text":
        text = " ".join(text.split("\n")).strip()
        if (q.pattern and half_width(text) != text and not q.matches_pattern(text)
                and q.matches_pattern(half_width(text))):
            text = half_width(text)  # 13.2％ from the IME where the pattern wants 13.2%
    else:
        text = "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()
    return text


def _int(q: Question, raw: object) -> int:
    if isinstance(raw, bool):
        raise _Refused("应为整数，例如 12。")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    value = parse_count(str(raw))
    if value is None:
        raise _Refused(f"应为整数，例如 12；“{_short(raw)}”不是整数。")
    if isinstance(value, str):
        raise _Refused(value)
    return value


def _year(q: Question, raw: object) -> int:
    try:
        year = _int(q, raw)
    except _Refused:
        year = 0
    if not 1949 <= year <= 2200:
        raise _Refused(f"应为四位年份，例如 {dt.date.today().year}。")
    return year


# How people write counts in Chinese: 13.8万, 2.3亿, 2021年, 第八次, １２０ from a full-width IME.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．，％＋－　", "0123456789.,%+- ")
_MULTIPLIERS = {"": 1, "万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000}
_COUNT_RE = re.compile(r"([+-]?\d+(?:\.\d+)?)(万亿|万|亿)?")
_MEASURE_RE = re.compile(r"(?<=[\d万亿])(?:年|个|人次|人|名|场次|场|次|篇|项|支|户|期|家|所|届|元)$")
_ORDINAL_RE = re.compile(r"第(.+?)(?:次|届|期)?(?:代表大会|大会|会议)?")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def half_width(text: str) -> str:
    """Full-width digits, point, comma, percent and sign as typed by a Chinese IME, made ASCII."""
    return text.translate(_HALF_WIDTH)


def parse_count(text: str) -> int | str | None:
    """A whole number as people write it, or a Chinese reason, or None if it is no number.

    Accepts thousands separators, full-width digits, 万/亿 (13.8万 → 138000), a trailing
    measure word (2021年, 120场) and an ordinal (第八次, 第8届 → 8). Plain Chinese numerals
    are not guessed at: 十一 in a figure is more often a slip than a count.
    """
    compact = re.sub(r"[\s,_]", "", half_width(text))
    ordinal = _ORDINAL_RE.fullmatch(compact)
    if ordinal:
        inner = ordinal[1]
        return int(inner) if inner.isdigit() else _chinese_numeral(inner)
    compact = _MEASURE_RE.sub("", compact)
    match = _COUNT_RE.fullmatch(compact)
    if not match or len(match[1]) > 16:
        return None
    number, unit = match[1], match[2] or ""
    if "." not in number and not unit:
        return int(number)
    from decimal import Decimal

    value = Decimal(number) * _MULTIPLIERS[unit]
    if value != value.to_integral_value():
        return f"“{_short(text.strip())}”折合 {value.normalize():f}，不是整数；请写整数。"
    return int(value)


def _chinese_numeral(text: str) -> int | None:
    """八 → 8, 十二 → 12, 二十 → 20, 一百零五 → 105; None for anything else."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _bool(q: Question, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _Refused("请回答“是”或“否”。")


def _choice(q: Question, raw: object) -> str:
    text = str(raw).strip()
    for choice in q.choices:
        if text in (choice.value, choice.label):
            return choice.value
    options = "、".join(c.label if c.label == c.value else f"{c.value}（{c.label}）" for c in q.choices)
    hint = did_you_mean(text, [c.value for c in q.choices]) if text.isascii() else ""
    raise _Refused(f"“{_short(text)}”不是可选项。{hint}可选：{options}。")


def valid_choices(q: Question, raw: object) -> list[str]:
    """The recognisable items of a multiple-choice answer that has wrong ones as well: the
    questions it gates are still checked, so every problem is reported at once."""
    found = []
    for item in _choice_items(raw):
        try:
            found.append(_choice(q, item))
        except _Refused:
            continue
    return found


def _choice_items(raw: object) -> list:
    items = raw if isinstance(raw, list) else re.split(r"[、，,;；\n]+", str(raw))
    return [item for item in items if str(item).strip()]


def _multichoice(q: Question, raw: object) -> list[str]:
    return [_choice(q, item) for item in _choice_items(raw)]


def _list(q: Question, raw: object) -> list[str]:
    if isinstance(raw, dict):
        raise _Refused("应为逐项列出的清单（每行以“- ”开头）。")
    items = raw if isinstance(raw, list) else split_items(str(raw))
    result = []
    for item in items:
        if isinstance(item, (list, dict)):
            raise _Refused("清单中的每一项应为一段文字。")
        if item is None or not str(item).strip():
            continue
        result.append(_text(Question(name=q.name, type="text"), item))
    return result


_OPENERS, _CLOSERS = "“‘《（(〈「『【[", "”’》）)〉」』】]"


def split_items(text: str) -> list[str]:
    """Typed or pasted list items: one per line, and 、 or ； between items on one line.

    A 、 inside quotes or brackets belongs to the item (“科普进校园、进社区”活动).
    """
    items: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        depth, current = 0, ""
        for char in line:
            if char in _OPENERS:
                depth += 1
            elif char in _CLOSERS:
                depth = max(0, depth - 1)
            if char in "、；;" and depth == 0:
                items.append(current)
                current = ""
            else:
                current += char
        items.append(current)
    return [item.strip() for item in items if item.strip()]


def _date(q: Question, raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    day = parse_date(str(raw))
    if day is not None:
        return day
    raise _Refused(f"应为日期，例如 2024-05-08 或 2024年5月8日；“{_short(raw)}”无法识别。")


def _short(raw: object) -> str:
    text = str(raw)
    return text if len(text) <= 20 else text[:20] + "…"


_COERCERS = {
    "text": _text,
    "textarea": _text,
    "int": _int,
    "year": _year,
    "bool": _bool,
    "choice": _choice,
    "multichoice": _multichoice,
    "list": _list,
    "date": _date,
    "checklist": _multichoice,
}


def parse_question(spec: object, file: str, line: int | None, allow_child_keys: bool) -> tuple[
    Question | None, list[Problem]
]:
    """Build a Question from one YAML mapping, collecting every problem in it (each at
    the question's line, naming the question)."""
    name = spec.get("name", "") if isinstance(spec, dict) else ""
    fields = Fields(lambda path: (file, line), lambda path: name)
    problem = partial(fields.problem, ())
    if not isinstance(spec, dict):
        problem("每个问题应是“键: 值”形式的一组设置。")
        return None, fields.problems
    allowed = set(QUESTION_KEYS) | (CHILD_ONLY_KEYS if allow_child_keys else set())
    fields.mapping((), spec, allowed, "未知的设置“{key}”。")
    if not isinstance(name, str) or not NAME_RE.match(name):
        problem("缺少字段名 name，或字段名不合规（只能用英文字母、数字和下划线，不能以数字开头）。")
        return None, fields.problems
    kind = spec.get("type", "text")
    if kind not in TYPES:
        problem(f"未知的类型“{kind}”。可用类型：{'、'.join(TYPES)}。{did_you_mean(str(kind), TYPES)}")
        return None, fields.problems
    choices = _choices(fields, kind, spec.get("choices") or [])
    numeric = {key: fields.number((key,), spec.get(key), low=None, high=None, required=False,
                                  integer=True, message=f"{key} 应为整数。")
               for key in ("min", "max", "min_length", "max_length", "min_items", "max_items",
                           "spoken_max")}
    pattern = spec.get("pattern") or ""
    if pattern:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            problem(f"pattern 不是有效的正则表达式：{exc}。")
            pattern = ""
    texts = {key: fields.text((key,), spec.get(key), numbers=False, message=f"{key} 应为文字。")
             for key in ("label", "help", "when", "group", "message", "measure")}
    required = fields.flag(("required",), spec.get("required", False),
                           "required 应为 true 或 false。") or False
    if numeric.get("spoken_max") is not None and kind != "checklist":
        problem("只有 checklist（做法清单）可以设置 spoken_max。")
    if texts["measure"] and required:
        problem("属于做法的事实（写了 measure）不能设为必填：没有勾选这项做法时不会问它。请删去 required。")
    if texts["measure"] and kind == "checklist":
        problem("做法清单本身不能设置 measure；measure 写在属于某项做法的事实问题上。")
    if fields.problems:
        return None, fields.problems
    question = Question(
        name=name,
        type=kind,
        label=texts["label"],
        help=texts["help"],
        example=spec.get("example"),
        default=spec.get("default"),
        when=texts["when"],
        required=required,
        group=texts["group"],
        pattern=str(pattern),
        message=texts["message"],
        choices=tuple(choices),
        measure=texts["measure"],
        source=file,
        line=line,
        **numeric,
    )
    return question, []


def _choices(fields: Fields, kind: str, raw: object) -> list[Choice]:
    """The options of a choice question; each as text, or as value, label and help."""
    problem = partial(fields.problem, ())
    if kind not in ("choice", "multichoice", "checklist"):
        if raw:
            problem("只有 choice、multichoice、checklist 类型可以设置 choices。")
        return []
    if not isinstance(raw, list) or not raw:
        problem("选择题需要 choices 选项列表。")
        return []
    choices = []
    for item in raw:
        if isinstance(item, dict) and "value" in item:
            value = str(item["value"])
            fields.mapping((), item, CHOICE_KEYS,
                           f"选项 {value}：未知的设置“{{key}}”（可用 value、label、help）。")
            choices.append(Choice(value, str(item.get("label", value)), str(item.get("help") or "")))
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            choices.append(Choice(str(item), str(item)))
        else:
            problem("choices 中每一项应为文字，或含 value 与 label 的设置。")
    if kind == "checklist" and len({c.value for c in choices}) != len(choices):
        problem("做法清单中有重复的 value。每项做法的 value 必须各不相同。")
    return choices
