"""Chinese filters and how answers print inside an outline.

Everything here is a pure function of one value: the markers an empty fact
leaves (`Missing`, dropped with its sentence later) or a forced render shows
(`Placeholder`), `finalize` (how every ``{{ value }}`` prints) and the filters
template authors use (`join_cn`, `wan`, `quote`, ...). The render module wires
them into the sandbox; question expressions use a few of them too.
"""

from __future__ import annotations

import datetime as dt

import jinja2

from drafter.document.dates import date_text
from drafter.document.numbering import cn_number

# Internal markers are Unicode noncharacters, never text: private-use characters such as
# U+E000 are real characters in Chinese offices (造字, GB18030 user-defined area).
GAP = "\ufdd0"  # marks an empty optional fact; its sentence is dropped
ESCAPE = "\ufdd1"  # keeps an answer that starts with # or @ from becoming markup


class Missing:
    """An optional fact left empty: falsy, iterates as nothing, prints as a gap."""

    def __init__(self, name: str = ""):
        self.name = name

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return GAP

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Missing) or other is None or other == ""

    def __hash__(self) -> int:
        return 0


class Placeholder:
    """A required fact still missing in a forced render: visible and highlighted."""

    def __init__(self, label: str):
        self.label = label

    def __str__(self) -> str:
        return f"【待补充：{self.label}】"

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        return iter((self,))

    def __len__(self) -> int:
        return 1


def is_empty(value: object) -> bool:
    return value is None or isinstance(value, Missing) or value == "" or value == []


def format_date(value: object) -> object:
    """2024年5月8日: the date form 公文 uses, no leading zeros."""
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    if isinstance(value, dt.date):
        return date_text(value)
    return value


def join_cn(items: object, last: str = "和", sep: str = "、") -> object:
    """甲、乙和丙: joins a list the Chinese way, skipping empty items.

    Between quoted or titled items (“甲”“乙”, 《甲》《乙》) the 顿号 is left out, as
    GB/T 15834—2011 4.5.3.5 prescribes.
    """
    if isinstance(items, (Missing, Placeholder)) or items is None:
        return items if items is not None else Missing()
    if isinstance(items, str):
        return items
    parts = [str(finalize(i)) for i in items if not is_empty(i)]
    parts = [p for p in parts if p and p != GAP]
    if not parts:
        return Missing()
    if len(parts) == 1 or not last:
        return _series(parts, sep)
    return _series(parts[:-1], sep) + last + parts[-1]


def _series(parts: list[str], sep: str) -> str:
    text = parts[0]
    for part in parts[1:]:
        marked = sep == "、" and text[-1] in "”》" and part[0] in "“《"
        text += part if marked else sep + part
    return text


def cn_num(value: object) -> object:
    """3 → 三, for ordinal words (第三届); counts in prose stay Arabic."""
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    try:
        return cn_number(int(value))
    except (TypeError, ValueError):
        return value


def quote(value: object) -> object:
    """“名称”: Chinese double quotes around a named activity or slogan."""
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    text = str(value).strip().strip("“”\"")
    return f"“{text}”"


def book(value: object) -> object:
    """《名称》: title marks around a document, book or periodical."""
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    text = str(value).strip().strip("《》")
    return f"《{text}》"


def strip_end(value: object) -> object:
    """Drop a trailing 。；， from an answer woven mid-sentence."""
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    return str(value).rstrip("。；，！？;,.!? ")


ENDINGS = "。！？…"  # a paragraph ending in one of these needs no full stop
CLOSERS = "”’」）》】"


def ended(value: object) -> object:
    """Each paragraph of an answer ends with one full stop: 。 added only where none is.

    “……” ends a sentence on its own (no 。 after an ellipsis); a closing quote ends one
    only when a stop stands inside it (…。” but not “名称”).
    """
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    lines = []
    for line in str(value).split("\n"):
        text = line.rstrip(" ，、；,;:：")
        core = text.rstrip(CLOSERS)
        if text and not (core and core[-1] in ENDINGS) and not text.endswith(tuple(".!?")):
            text += "。"
        elif text.endswith(tuple(".!?")) and not text.endswith("..."):
            text = text[:-1] + {".": "。", "!": "！", "?": "？"}[text[-1]]
        lines.append(text)
    result = "\n".join(lines)
    return Paragraphs(result) if isinstance(value, Paragraphs) else result


def wan(value: object) -> object:
    """126000 → 12.6万: how large counts read in Chinese prose; small numbers stay as they are."""
    if is_empty(value) or isinstance(value, Placeholder) or isinstance(value, bool):
        return value
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if abs(number) < 10_000:
        return str(number)
    unit, divisor = ("亿", 100_000_000) if abs(number) >= 100_000_000 else ("万", 10_000)
    text = f"{number / divisor:.2f}".rstrip("0").rstrip(".")
    return text + unit


class Paragraphs(str):
    """An answer whose line breaks are meant as paragraph breaks (see the `paragraphs` filter)."""


def paragraphs(value: object) -> object:
    """Keep a multi-paragraph answer's paragraphs: place it on a line of its own in the outline."""
    if is_empty(value) or isinstance(value, Placeholder):
        return value
    return Paragraphs(str(value))


def finalize(value: object) -> object:
    """How every {{ value }} is printed: dates in Chinese, gaps for nothing."""
    if value is None or isinstance(value, jinja2.Undefined):
        return GAP
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return format_date(value)
    if isinstance(value, (list, tuple)):
        return join_cn(value)
    if isinstance(value, Paragraphs):
        # splitlines: U+2028, U+0085 … break lines in the outline markup just as \n does.
        lines = [line.strip() for line in value.splitlines()]
        return "\n\n".join(ESCAPE + line if line[:1] in ("#", "@") else line
                           for line in lines if line)
    if isinstance(value, str):
        text = "".join(value.splitlines())  # no answer may start a markup line of its own
        if text[:1] in ("#", "@"):
            text = ESCAPE + text
        return text
    return value


FILTERS = {
    "date_cn": format_date, "join_cn": join_cn, "cn_num": cn_num, "quote": quote, "book": book,
    "strip_end": strip_end, "wan": wan, "paragraphs": paragraphs, "ended": ended,
}
