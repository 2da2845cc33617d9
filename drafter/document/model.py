"""The Document model and the outline markup it is parsed from.

The model is the hinge between content and form: templates produce markup,
writers consume `Document`. Neither side sees the other.

Outline markup, one construct per line (blank lines separate paragraphs)::

    # 标题                      the title (one per document)
    @副标题 ——在……会上的交流发言   a subtitle line under the title
    ## 一级标题                 level-1 heading, numbered 一、 by the writer
    ### 二级标题                level-2 heading, numbered （一）
    #### 三级标题               level-3 heading, numbered 1.
    ##### 四级标题              level-4 heading, numbered （1）
    @结尾                       what follows is the closing, not part of a section
    @署名 某某县科学技术协会      signature line, right aligned
    @日期 2024年5月8日           date line, right aligned
    any other line              paragraph text; consecutive lines join into one paragraph

Inside any text, 【待补充：标签】 is a placeholder for a missing fact and is
kept as its own span so writers can highlight it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from drafter.document.numbering import heading_number

_WHITESPACE_RE = re.compile(r"\s+")
PLACEHOLDER_RE = re.compile(r"【待补充：[^【】]*】")


class Kind(StrEnum):
    TITLE = "title"
    SUBTITLE = "subtitle"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    SIGNATURE = "signature"
    DATE = "date"
    TABLE = "table"  # a simple table read from a Word document; cells in `rows`


class Span(NamedTuple):
    text: str
    placeholder: bool = False


class Block(NamedTuple):
    kind: Kind
    spans: tuple[Span, ...]
    level: int = 0
    closing: bool = False
    line: int = 0  # line in the source markup, for messages
    rows: tuple[tuple[str, ...], ...] = ()  # TABLE only: cell texts, row by row

    @property
    def text(self) -> str:
        if self.kind is Kind.TABLE:
            return "\t".join(cell.replace("\n", "\t") for row in self.rows for cell in row)
        return "".join(s.text for s in self.spans)


class Section(NamedTuple):
    """A stretch of the document measured as one unit (opening, 一、…, closing)."""

    name: str
    blocks: tuple[Block, ...]

    @property
    def chars(self) -> int:
        return sum(count_chars(b.text) for b in self.blocks)


class Document(NamedTuple):
    blocks: tuple[Block, ...]
    author: str = ""

    @property
    def title(self) -> str:
        for block in self.blocks:
            if block.kind is Kind.TITLE:
                return block.text
        return ""

    def headings(self, level: int | None = None) -> list[Block]:
        return [
            b
            for b in self.blocks
            if b.kind is Kind.HEADING and (level is None or b.level == level)
        ]

    def numbered(self) -> list[tuple[Block, str]]:
        """Every block with its heading number ('' for non-headings)."""
        return list(zip(self.blocks, heading_numbers(self.blocks), strict=True))

    def sections(self) -> list[Section]:
        """Title, opening, one section per level-1 heading, closing."""
        sections: list[tuple[str, list[Block]]] = []
        current: list[Block] = []
        name = "开头"
        title_blocks: list[Block] = []
        for block, number in self.numbered():
            if block.kind in (Kind.TITLE, Kind.SUBTITLE):
                title_blocks.append(block)
                continue
            starts_heading = block.kind is Kind.HEADING and block.level == 1
            starts_closing = (block.closing or block.kind in (Kind.SIGNATURE, Kind.DATE)) and (
                name != "结尾"
            )
            if starts_heading or starts_closing:
                if current:
                    sections.append((name, current))
                current = []
                name = "结尾" if starts_closing else number + block.text
            current.append(block)
        if current:
            sections.append((name, current))
        result = [Section("标题", tuple(title_blocks))] if title_blocks else []
        result += [Section(n, tuple(bs)) for n, bs in sections]
        return result

    def plain_lines(self) -> list[str]:
        """The document as numbered plain lines, one per block."""
        return [number + block.text for block, number in self.numbered()]


def count_chars(text: str) -> int:
    """Characters as a word processor counts them: everything but whitespace."""
    return len(text) - sum(len(gap) for gap in _WHITESPACE_RE.findall(text))


def heading_numbers(blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    counters = [0, 0, 0, 0, 0]
    numbers = []
    for block in blocks:
        if block.kind is not Kind.HEADING:
            numbers.append("")
            continue
        level = min(max(block.level, 1), 4)
        counters[level] += 1
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        numbers.append(heading_number(level, counters[level]))
    return numbers


def split_spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            spans.append(Span(text[pos : match.start()]))
        spans.append(Span(match.group(0), placeholder=True))
        pos = match.end()
    if pos < len(text):
        spans.append(Span(text[pos:]))
    return tuple(spans)


_DIRECTIVES = {"@副标题": Kind.SUBTITLE, "@署名": Kind.SIGNATURE, "@日期": Kind.DATE}
_HEADING_RE = re.compile(r"^(#{1,5})(?:\s+(.*))?$")


def _join(lines: list[str]) -> str:
    """Join wrapped lines: no space between CJK, one space between Latin words."""
    text = ""
    for line in lines:
        if text and text[-1].isascii() and text[-1].isalnum() and line[:1].isascii() and line[
            :1
        ].isalnum():
            text += " "
        text += line
    return text


def parse_outline(markup: str, author: str = "") -> Document:
    """Parse outline markup into a Document. Unknown @-lines are kept as text."""
    blocks: list[Block] = []
    pending: list[str] = []
    pending_line = 0
    closing = False

    def flush() -> None:
        nonlocal pending
        if pending:
            text = _join(pending)
            blocks.append(Block(Kind.PARAGRAPH, split_spans(text), closing=closing, line=pending_line))
            pending = []

    for number, raw in enumerate(markup.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = _HEADING_RE.match(line)
        directive = line.split(maxsplit=1)[0] if line.startswith("@") else ""
        if heading:
            flush()
            hashes, text = heading.groups()
            text = (text or "").strip()
            if not text:
                continue
            if len(hashes) == 1:
                blocks.append(Block(Kind.TITLE, split_spans(text), line=number))
            else:
                blocks.append(
                    Block(Kind.HEADING, split_spans(text), level=len(hashes) - 1, line=number)
                )
        elif directive == "@结尾":
            flush()
            closing = True
        elif directive in _DIRECTIVES:
            flush()
            text = line[len(directive) :].strip()
            if text:
                blocks.append(Block(_DIRECTIVES[directive], split_spans(text), closing=closing, line=number))
        else:
            if not pending:
                pending_line = number
            pending.append(line)
    flush()
    return Document(tuple(blocks), author=author)
