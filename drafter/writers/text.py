"""Plain-text and Markdown writers: the same Document, for chat and e-mail."""

from __future__ import annotations

from drafter.document.model import Document, Kind

INDENT = "\u3000\u3000"  # two ideographic spaces: the first-line indent of Chinese prose


def _span_text(block, markdown: bool) -> str:
    if not markdown:
        return block.text
    return "".join(f"**{s.text}**" if s.placeholder else s.text for s in block.spans)


def _table_text(block) -> str:
    """A table row per line, cells separated by tabs (a cell's own paragraphs by spaces)."""
    return "\n".join("\t".join(cell.replace("\n", " ") for cell in row) for row in block.rows)


def _table_markdown(block) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    header, *rows = block.rows
    lines = ["| " + " | ".join(cell(c) for c in header) + " |",
             "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def to_text(document: Document) -> str:
    """Paragraphs indented with two full-width spaces, headings numbered, blank line between."""
    out: list[str] = []
    for block, number in document.numbered():
        text = block.text
        if block.kind is Kind.TABLE:
            out.append(_table_text(block))
        elif block.kind is Kind.TITLE:
            out.append(text)
        elif block.kind is Kind.SUBTITLE:
            out.append(text)
        elif block.kind is Kind.HEADING:
            out.append(INDENT + number + text)
        elif block.kind in (Kind.SIGNATURE, Kind.DATE):
            out.append(text)
        else:
            out.append(INDENT + text)
    return "\n\n".join(out) + "\n"


def to_markdown(document: Document) -> str:
    """Markdown with numbered headings; placeholders in bold so they stand out."""
    out: list[str] = []
    for block, number in document.numbered():
        text = _span_text(block, markdown=True)
        if block.kind is Kind.TABLE:
            out.append(_table_markdown(block))
        elif block.kind is Kind.TITLE:
            out.append(f"# {text}")
        elif block.kind is Kind.SUBTITLE:
            out.append(f"*{text}*")
        elif block.kind is Kind.HEADING:
            out.append(f"{'#' * (block.level + 1)} {number}{text}")
        elif block.kind in (Kind.SIGNATURE, Kind.DATE):
            out.append(f"<p align=\"right\">{text}</p>")
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


def write_text(document: Document, options=None) -> tuple[bytes, list[str]]:
    return to_text(document).encode("utf-8"), []


def write_markdown(document: Document, options=None) -> tuple[bytes, list[str]]:
    return to_markdown(document).encode("utf-8"), []
