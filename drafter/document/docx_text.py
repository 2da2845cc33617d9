"""What text a Word paragraph shows, and where each character of it lives in the XML.

Three commands read the text of someone's .docx and must agree on it character
for character: `check` finds problems at line:column of that text, `check --fix`
turns the findings back into tracked changes at those very characters, and
`format` lays the text out again. So the rule for "the text of a paragraph" is
written once, here: the runs a reader sees (directly in the paragraph, or inside
a hyperlink, a pending insertion, a content control, a smart tag or a simple
field), never deleted text; inside a run, w:t text, one character per tab and
non-breaking hyphen, and nothing for line breaks, field codes or pictures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"

# Elements between a paragraph and its runs whose runs are part of the visible text.
_RUN_CONTAINERS = {W + tag for tag in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent",
                                       "fldSimple", "customXml", "moveTo", "dir", "bdo")}
# Run children that count as characters of the text, and the character they stand for.
_ONE_CHARACTER = {W + "tab": "\t", W + "ptab": "\t", W + "noBreakHyphen": "-"}


def child_text(child) -> str:
    """The text one run child contributes: w:t text, a tab, a hyphen, or nothing."""
    if child.tag == W + "t":
        return (child.text or "").replace("\n", "")
    return _ONE_CHARACTER.get(child.tag, "")


def runs(paragraph) -> Iterator:
    """The w:r elements of a paragraph (lxml element) whose text a reader sees, in order."""
    for child in paragraph:
        if child.tag == W + "r":
            yield child
        elif child.tag in _RUN_CONTAINERS:
            yield from runs(child)


def run_text(run) -> str:
    return "".join(child_text(child) for child in run)


def paragraph_text(paragraph) -> str:
    return "".join(run_text(run) for run in runs(paragraph))


def paragraphs(body) -> list:
    """Every w:p under the body in reading order, table cells included (one line each in check)."""
    return list(body.iter(W + "p"))


@dataclass(frozen=True)
class Piece:
    """A stretch of a paragraph's text held by one run: text[start:end] lives in `run`."""

    run: object
    start: int
    end: int


def pieces(paragraph) -> list[Piece]:
    """Where each character of paragraph_text(paragraph) is: one Piece per visible run."""
    out, offset = [], 0
    for run in runs(paragraph):
        length = len(run_text(run))
        out.append(Piece(run, offset, offset + length))
        offset += length
    return out
