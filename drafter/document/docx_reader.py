"""A Word document someone typed by hand → the Document model, for `drafter format`.

Offices type their drafts in Word: 宋体 小四, headings typed as “一、” in bold,
or made with Word's heading styles and automatic numbering, the title centred,
the signature pushed right. This reads what Word shows (the text of
drafter.document.docx_text, the formatting of drafter.document.docx_styles) and recognises the
parts of a 公文 the same way `format` does for plain text (the grammar lives in
drafter.document.plaintext, drafter.document.numbering and drafter.document.dates): title, subtitle, heading
levels, body, closing, signature and date. Typed and automatic heading numbers are dropped, because the writer
numbers headings again; nothing else of the text is dropped or reordered.
Simple tables stay tables; what the Document cannot hold (footnotes, pictures,
text boxes, comments) is named in a note rather than silently lost.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from drafter.document.dates import date_line
from drafter.document.docx_text import W, child_text, runs
from drafter.document.model import Block, Document, Kind, split_spans
from drafter.document.numbering import cn_number, heading_level, read_number
from drafter.document.plaintext import (
    CLOSING_WORDS,
    MAX_TITLE,
    ORGANISATION_ENDINGS,
    ends_sentence,
    is_signature,
    is_title,
    split_heading,
)
from drafter.errors import UserError

_SPACES = " \t\u3000\u00a0"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_ROLE_STYLES = {"title": "title", "标题": "title", "subtitle": "subtitle", "副标题": "subtitle",
                "signature": "signature", "签名": "signature", "date": "date", "日期": "date"}
_SUBTITLE_START = ("——", "—", "--")
_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographTraditional",
                    "japaneseCounting", "taiwaneseCounting", "ideographDigital",
                    "chineseLegalSimplified", "taiwaneseCountingThousand", "japaneseDigitalTenThousand"}


@dataclass
class Para:
    """One paragraph of the original (or one line of it, where Shift+Enter split it)."""

    element: object  # the w:p
    text: str
    style_role: str = ""  # title/subtitle/signature/date from the paragraph style's name
    style_level: int = 0  # heading level from a heading style or outline level
    number: str = ""  # the automatic number Word shows in front, e.g. “二、”
    align: str = "left"
    bold: bool = False  # every character bold
    bold_prefix: int = 0  # characters from the start that are bold, when not all are
    size: float = 0.0  # largest font size in the paragraph


@dataclass
class Reading:
    """What `format` read: the Document, what each original paragraph became, and notes."""

    document: Document
    # (w:p, profile role, characters of a heading that runs on into body text, else 0)
    roles: list[tuple[object, str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_docx(path: Path) -> Reading:
    """Read a .docx the user typed into a Document (UserError if it cannot be read)."""
    from drafter.check.source import open_docx

    reading = read_package(open_docx(path, "原稿文件"))
    if not reading.document.blocks:
        raise UserError(f"{path} 中没有文字，未生成文稿。")
    return reading


def read_package(package) -> Reading:
    """A python-docx document → Reading."""
    from drafter.document.docx_styles import Resolver

    reader = _Reader(Resolver(package))
    reader.walk(package.element.body)
    return reader.reading()


# ---------------------------------------------------------------- collecting


class _Reader:
    def __init__(self, resolver):
        self.resolver = resolver
        self.items: list[Para | Block] = []  # paragraphs, and tables already made blocks
        self.counters: dict[str, dict[int, int]] = {}  # per list: level → value
        self.started: set[str] = set()  # w:num ids seen
        self.dropped: Counter[str] = Counter()

    def walk(self, container) -> None:
        for child in container:
            if child.tag == W + "p":
                self.items += self.paragraph(child)
            elif child.tag == W + "tbl":
                self.table(child)
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.walk(content)

    def table(self, table) -> None:
        rows = _simple_rows(table)
        if rows is None:
            self.dropped["complex_table"] += 1
            for paragraph in table.iter(W + "p"):
                self.items += self.paragraph(paragraph)
            return
        if any(any(cell.strip(_SPACES) for cell in row) for row in rows):
            self.items.append(Block(Kind.TABLE, (), rows=rows))

    def paragraph(self, p) -> list[Para]:
        self._count_dropped(p)
        form = self.resolver.paragraph_format(p)
        number = self._number(form.numbering)
        lines, bold_marks, sizes = self._lines(p)
        role = next((_ROLE_STYLES[n.casefold()] for n in form.style_names
                     if n.casefold() in _ROLE_STYLES), "")
        level = 0
        for name in form.style_names:
            match = _HEADING_STYLE.match(name.strip())
            if match:
                level = int(match.group(1))
                break
        if not level and form.outline_level is not None:
            level = form.outline_level + 1
        out = []
        for text, bolds in zip(lines, bold_marks, strict=True):
            stripped = text.strip(_SPACES)
            if not stripped:
                continue
            lead = len(text) - len(text.lstrip(_SPACES))
            marks = bolds[lead:lead + len(stripped)]
            prefix = next((i for i, bold in enumerate(marks) if not bold), len(marks))
            out.append(Para(p, stripped, role, min(level, 4), number if not out else "",
                            form.align, all(marks), prefix if prefix < len(marks) else 0,
                            max(sizes, default=form.size)))
        return out

    def _lines(self, p) -> tuple[list[str], list[list[bool]], list[float]]:
        """The paragraph's text split at manual line breaks (Shift+Enter), re-joined where a
        break only wraps a sentence; with each character's boldness and the run sizes."""
        pieces: list[tuple[str, list[bool]]] = [("", [])]
        sizes = []
        for run in runs(p):
            form = self.resolver.run_format(p, run)
            for child in run:
                if child.tag in (W + "br", W + "cr") and child.get(W + "type") in (
                        None, "textWrapping"):
                    pieces.append(("", []))
                    continue
                text = child_text(child)
                if text:
                    last, marks = pieces[-1]
                    pieces[-1] = (last + text, marks + [form.bold] * len(text))
                    if text.strip(_SPACES):
                        sizes.append(form.size)
        lines: list[str] = []
        bolds: list[list[bool]] = []
        for text, marks in pieces:
            stripped = text.strip(_SPACES)
            joins = (lines and stripped and lines[-1].strip(_SPACES)
                     and not ends_sentence(lines[-1].strip(_SPACES))
                     and not date_line(stripped))
            if joins:
                lines[-1] = lines[-1].rstrip(_SPACES)
                bolds[-1] = bolds[-1][:len(lines[-1])]
                lead = len(text) - len(text.lstrip(_SPACES))
                lines[-1] += text[lead:]
                bolds[-1] += marks[lead:]
            else:
                lines.append(text)
                bolds.append(marks)
        return lines, bolds, sizes

    def _number(self, numbering: tuple[str, int] | None) -> str:
        """The automatic number Word shows for this paragraph (counted like Word does)."""
        if numbering is None:
            return ""
        found = self.resolver.number_format(numbering)
        if found is None:
            return ""
        num_id, ilvl = numbering
        counters = self.counters.setdefault(found.list_id, {})
        if num_id not in self.started:  # a w:num that restarts levels begins them anew
            self.started.add(num_id)
            for level in found.restarts:
                counters.pop(level, None)
        level = ilvl + 1
        counters[level] = counters[level] + 1 if level in counters else found.starts.get(level, 0)
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if found.formats.get(level) in ("bullet", "none"):
            return ""

        def value(match: re.Match) -> str:
            shown = int(match.group(1))
            return _render_number(counters.get(shown, found.starts.get(shown, 0)),
                                  found.formats.get(shown, "decimal"))

        return re.sub(r"%([1-9])", value, found.text)

    def _count_dropped(self, p) -> None:
        for tag, what in (("footnoteReference", "footnote"), ("endnoteReference", "endnote"),
                          ("commentReference", "comment"), ("drawing", "picture"),
                          ("pict", "picture"), ("txbxContent", "textbox")):
            self.dropped[what] += sum(1 for _ in p.iter(W + tag))

    # ------------------------------------------------------------ recognising

    def reading(self) -> Reading:
        paras = [item for item in self.items if isinstance(item, Para)]
        kinds = _recognise(paras)
        blocks: list[Block] = []
        roles: list[tuple[object, str, int]] = []
        closing = False
        for item in self.items:
            if isinstance(item, Block):
                blocks.append(item if not closing else Block(item.kind, (), rows=item.rows,
                                                                closing=True))
                continue
            for kind, level, text in kinds[id(item)]:
                if kind is Kind.PARAGRAPH and not closing and text.startswith(CLOSING_WORDS):
                    closing = True
                blocks.append(Block(kind, split_spans(text), level=level,
                                    closing=closing and kind is not Kind.HEADING))
            parts = kinds[id(item)]
            role = _role(parts[0]) if parts else "title"  # a title's second line
            run_in = len(parts) == 2 and parts[0][0] is Kind.HEADING  # heading, then its body
            heading_chars = len(item.text) - len(parts[1][2]) if run_in else 0
            if not roles or roles[-1][0] is not item.element:
                roles.append((item.element, role, heading_chars))
        return Reading(Document(tuple(blocks), author=_signature(blocks)), roles,
                       _notes(self.dropped))


def _recognise(paras: list[Para]) -> dict[int, list[tuple[Kind, int, str]]]:
    """Each paragraph's kind(s), level and text: a numbered line may give a heading and a
    run-in body paragraph."""
    kinds: dict[int, list[tuple[Kind, int, str]]] = {}
    if not paras:
        return kinds
    start = _title(paras, kinds)
    end = _closing_lines(paras, start, kinds)
    for para in paras[start:end]:
        # a numbered item that is no heading keeps the number Word shows as its text
        kinds[id(para)] = _heading(para) or [(Kind.PARAGRAPH, 0, para.number + para.text)]
    return kinds


def _title(paras: list[Para], kinds: dict) -> int:
    """Mark the title (one or more centred lines) and subtitle; return where the body starts."""
    first = paras[0]
    styled = first.style_role == "title"
    looks = (is_title(first.text) and not first.number and not first.style_role
             and not heading_level(first.text)[0])
    if not styled and not (looks and (not first.style_level or first.align == "center")):
        return 0  # (a centred first line in a heading style is a title all the same)
    kinds[id(first)] = [(Kind.TITLE, 0, first.text)]
    index = 1
    while index < len(paras):  # a long title broken over centred lines
        para = paras[index]
        same = (first.align == para.align == "center" and para.size == first.size
                and para.bold == first.bold and not _subtitle(para) and not para.style_level
                and para.style_role in ("", first.style_role) and is_title(para.text))
        if not same:
            break
        kinds[id(first)] = [(Kind.TITLE, 0, kinds[id(first)][0][2] + para.text)]
        kinds[id(para)] = []
        index += 1
    if index < len(paras) and _subtitle(paras[index]):
        kinds[id(paras[index])] = [(Kind.SUBTITLE, 0, paras[index].text)]
        index += 1
    return index


def _subtitle(para: Para) -> bool:
    if para.style_role == "subtitle":
        return True
    text = para.text
    return (len(text) <= MAX_TITLE and not para.style_level and not para.number
            and (text.startswith(_SUBTITLE_START) or (text[0] in "（(" and text[-1] in "）)")))


def _closing_lines(paras: list[Para], start: int, kinds: dict) -> int:
    """Mark the 落款 (signature lines and date) at the end; return where it starts."""
    end = len(paras)
    if end - start < 2:
        return end
    last = paras[-1]
    dated = last.style_role == "date" or bool(date_line(last.text))
    if dated:
        kinds[id(last)] = [(Kind.DATE, 0, last.text)]
        end -= 1
    while end - start > 1:
        para = paras[end - 1]
        above = paras[end - 2]
        styled = para.style_role == "signature"
        set_apart = para.align == "right" and is_signature(para.text)
        plain = (dated and end == len(paras) - 1 and is_signature(para.text)
                 and not heading_level(para.text)[0] and not para.style_level)
        named = (not dated and is_signature(para.text) and para.text.endswith(ORGANISATION_ENDINGS)
                 and ends_sentence(above.text))
        if not (styled or set_apart or plain or named):
            break
        kinds[id(para)] = [(Kind.SIGNATURE, 0, para.text)]
        end -= 1
        if not (styled or set_apart):
            break
    return end


def _heading(para: Para) -> list[tuple[Kind, int, str]] | None:
    """A heading (and any run-in body) from a heading style, automatic number or typed number."""
    typed, body = heading_level(para.text)
    if para.style_level:
        return [(Kind.HEADING, para.style_level, body if typed else para.text)]
    shown = read_number(para.number) if para.number else None
    level = shown.level if shown else 0
    if level:
        typed, body = 0, para.text
    else:
        level = typed
    if not level:
        return None
    start = len(para.text) - len(body)
    if para.bold_prefix > start:  # “（一）强化引领。”in bold, the body run on after it
        heading = para.text[start:para.bold_prefix].strip(_SPACES)
        rest = para.text[para.bold_prefix:].strip(_SPACES)
        if heading:
            return [(Kind.HEADING, level, heading)] + ([(Kind.PARAGRAPH, 0, rest)] if rest else [])
    split = split_heading(body)
    if split is None:
        return None
    heading, rest = split
    return [(Kind.HEADING, level, heading)] + ([(Kind.PARAGRAPH, 0, rest)] if rest else [])


def _role(kind: tuple[Kind, int, str]) -> str:
    """The style-profile role a recognised paragraph is laid out in."""
    kind_, level, _ = kind
    if kind_ is Kind.HEADING:
        return f"heading{min(max(level, 1), 4)}"
    return {Kind.TITLE: "title", Kind.SUBTITLE: "subtitle", Kind.SIGNATURE: "signature",
            Kind.DATE: "date"}.get(kind_, "body")


def _signature(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if b.kind is Kind.SIGNATURE), "")


# ---------------------------------------------------------------- helpers


def _render_number(value: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS:
        return cn_number(value)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    if fmt in ("upperLetter", "lowerLetter") and 1 <= value <= 26:
        return chr((65 if fmt == "upperLetter" else 97) + value - 1)
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _simple_rows(table) -> tuple[tuple[str, ...], ...] | None:
    """The cell texts row by row, or None if the table merges cells or nests tables."""
    from drafter.document.docx_text import paragraph_text

    rows = []
    for row in table.iter(W + "tr"):
        cells = []
        for cell in row.iter(W + "tc"):
            props = cell.find(W + "tcPr")
            if props is not None and (props.find(W + "gridSpan") is not None
                                      or props.find(W + "vMerge") is not None):
                return None
            if cell.find(f".//{W}tbl") is not None:
                return None
            texts = [paragraph_text(p).strip(_SPACES) for p in cell.iter(W + "p")]
            cells.append("\n".join(t for t in texts if t))
        rows.append(tuple(cells))
    widths = {len(row) for row in rows}
    return tuple(rows) if len(widths) <= 1 else None  # no rows at all: an empty table


_DROPPED = {
    "footnote": "原稿中的 {n} 处脚注未排入（公文正文不用脚注），请核对是否需要把脚注内容写进正文。",
    "endnote": "原稿中的 {n} 处尾注未排入，请核对是否需要把尾注内容写进正文。",
    "comment": "原稿中的 {n} 条批注未保留。",
    "picture": "原稿中的 {n} 张图片未排入，请在新文档中重新插入。",
    "textbox": "原稿中的 {n} 个文本框未排入（其中的文字也未排入），请把需要的文字移到正文后再试。",
    "complex_table": "原稿中的 {n} 个表格有合并单元格或嵌套表格，已按单元格顺序排成正文段落。",
}


def _notes(dropped: Counter[str]) -> list[str]:
    return [message.format(n=dropped[key]) for key, message in _DROPPED.items() if dropped[key]]
