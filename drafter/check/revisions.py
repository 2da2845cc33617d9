"""Proofreading findings written into a Word document as 修订 and 批注.

Nobody in an office accepts a silently rewritten copy: they expect Word's own
tracked changes, to accept or reject one by one, each with its reason in a
comment. So a change becomes a deletion (w:del) of exactly the flagged
characters and an insertion (w:ins) of the replacement, by “drafter校对” and
dated; the finding's reason and confidence become a comment anchored on it.

Findings are located in the text check read (drafter.document.docx_text), which may cut
across runs of different formatting: those runs are split where the change
begins and ends, each piece keeping its run's formatting, and every run the
change does not touch stays exactly as it was. Accepting every revision gives
the text `apply_fixes` gives for the same findings, which is what `--fix`
writes for a text file.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from drafter.check.model import CATEGORY_LABELS, CONFIDENCE_LABELS, Finding
from drafter.document.docx_text import W, paragraph_text, paragraphs, pieces

AUTHOR = "drafter校对"
INITIALS = "校对"
_TRACKABLE_PARENTS = {W + "p", W + "hyperlink"}


@dataclass
class Revised:
    """The document with its revisions, and what became of each finding."""

    data: bytes
    revised: list[Finding]  # written as tracked changes
    commented: list[Finding]  # given a comment (revised ones included)
    skipped: list[tuple[Finding, str]]  # a change that could not be tracked, and why


def comment_text(f: Finding) -> str:
    """What the comment says: category, confidence, the change and the reason."""
    label = f"{CATEGORY_LABELS[f.category]}（可信度：{CONFIDENCE_LABELS[f.confidence]}）"
    return f"{label}：“{f.text}”{f.suggestion_phrase()}。{f.reason}"


def tracked_copy(package, revise: list[Finding], annotate: list[Finding],
                 now: dt.datetime | None = None) -> Revised:
    """Write `revise` (findings with a fix) as tracked changes and comment on `annotate`.

    `package` is the python-docx document the findings were found in; it is changed
    in place and saved. Overlapping changes keep the first, as apply_fixes does; a
    comment that overlaps a change is anchored on the whole change.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = _Ids(package.element)
    every = paragraphs(package.element.body)
    by_line: dict[int, tuple[list[Finding], list[Finding]]] = {}
    for f in revise:
        if f.fix is not None:
            by_line.setdefault(f.line, ([], []))[0].append(f)
    for f in annotate:
        by_line.setdefault(f.line, ([], []))[1].append(f)

    result = Revised(b"", [], [], [])
    for line, (changes, notes) in sorted(by_line.items()):
        if not 1 <= line <= len(every):
            result.skipped += [(f, "文档内容与检查时不一致") for f in changes]
            continue
        _Paragraph(every[line - 1], ids, stamp, package, result).mark(changes, notes)
    stream = io.BytesIO()
    package.save(stream)
    result.data = stream.getvalue()
    return result


class _Ids:
    """Fresh w:id values: above every id the document already uses for annotations."""

    def __init__(self, root):
        used = [int(v) for e in root.iter() for k, v in e.attrib.items()
                if k == W + "id" and v.lstrip("-").isdigit()]
        self.next = max(used, default=0) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


class _Paragraph:
    def __init__(self, p, ids: _Ids, stamp: str, package, result: Revised):
        self.p, self.ids, self.stamp, self.package, self.result = p, ids, stamp, package, result

    def mark(self, changes: list[Finding], notes: list[Finding]) -> None:
        text = paragraph_text(self.p)
        if any("\n" in (t.text or "") for t in self.p.iter(W + "t")):
            self.result.skipped += [(f, "这一段的文字中有特殊换行，请在 Word 中手工修改") for f in changes]
            changes = []
        chosen: list[tuple[Finding, int, int]] = []
        end_of_last = 0
        for f in sorted(changes, key=lambda f: f.column):
            start = f.column - 1
            end = start + len(f.text)
            if text[start:end] != f.text:
                self.result.skipped.append((f, "文档内容与检查时不一致"))
            elif start < end_of_last:
                self.result.skipped.append((f, "与前一处修正重叠"))
            else:
                chosen.append((f, start, end))
                end_of_last = end
        spans = []  # comment ranges, widened to whole changes they overlap
        for f in notes:
            start = f.column - 1
            end = start + len(f.text)
            if text[start:end] != f.text:
                continue
            for _, a, b in chosen:
                if a < end and start < b:
                    start, end = min(start, a), max(end, b)
            spans.append((f, start, end))
        cuts = {x for _, a, b in chosen for x in (a, b)} | {x for _, a, b in spans for x in (a, b)}
        self._split(cuts)
        placed = list(pieces(self.p))

        def covered(a: int, b: int) -> tuple[list, bool]:
            """The runs holding text[a:b], and whether a picture, field or break sits inside."""
            inside = [piece.run for piece in placed
                      if a <= piece.start and piece.end <= b and piece.end > piece.start]
            stray = any(piece.end == piece.start and a < piece.start < b for piece in placed)
            return inside, stray

        insertions: dict[int, object] = {}  # id(last deleted run) → its w:ins
        for f, start, end in chosen:
            runs, stray = covered(start, end)
            why = self._untrackable(runs, stray)
            if why:
                self.result.skipped.append((f, why))
                continue
            insertions.update(self._change(runs, f.fix or ""))
            self.result.revised.append(f)
        for f, start, end in spans:
            runs, _ = covered(start, end)
            if not runs:
                continue
            first, last = _outer(runs[0]), _outer(runs[-1])
            last = insertions.get(id(runs[-1]), last)
            comment = self.package.comments.add_comment(text=comment_text(f), author=AUTHOR,
                                                        initials=INITIALS)
            comment._comment_elm.set(W + "date", self.stamp)
            from drafter.writers.ooxml import mark_comment

            mark_comment(first, last, comment.comment_id)
            self.result.commented.append(f)

    def _split(self, cuts: set[int]) -> None:
        from drafter.writers.ooxml import split_run

        for piece in list(pieces(self.p)):
            inner = [c - piece.start for c in cuts if piece.start <= c <= piece.end]
            if inner:
                split_run(piece.run, inner)

    @staticmethod
    def _untrackable(runs: list, stray: bool) -> str:
        from drafter.writers.ooxml import DELETABLE

        if not runs or stray:
            return "这处文字中间夹有图片、域或换行，请在 Word 中手工修改"
        if any(run.getparent().tag not in _TRACKABLE_PARENTS for run in runs):
            return "这处文字在已有的修订、域或内容控件中，请在 Word 中手工修改"
        if any(child.tag not in DELETABLE for run in runs for child in run):
            return "这处文字中间夹有图片、域或换行，请在 Word 中手工修改"
        return ""

    def _change(self, runs: list, replacement: str) -> dict[int, object]:
        """Delete `runs` and insert `replacement` after them, as tracked changes."""
        from drafter.writers.ooxml import track_deletion, track_insertion

        groups: list[list] = []
        for run in runs:
            if groups and groups[-1][-1].getnext() is run:
                groups[-1].append(run)
            else:
                groups.append([run])
        deletions = [track_deletion(group, self.ids.take(), AUTHOR, self.stamp) for group in groups]
        if not replacement:
            return {}
        insertion = track_insertion(deletions[-1], replacement, runs[0].find(W + "rPr"),
                                    self.ids.take(), AUTHOR, self.stamp)
        return {id(runs[-1]): insertion}


def _outer(run):
    """The run, or the w:del/w:ins wrapping it: where a comment mark goes beside it."""
    parent = run.getparent()
    return parent if parent.tag in (W + "del", W + "ins") else run


def accept_all(package) -> None:
    """Accept every tracked change, as Word's 审阅 ▸ 接受所有修订 does (for tests and checks)."""
    body = package.element.body
    for deletion in list(body.iter(W + "del")):
        deletion.getparent().remove(deletion)
    for insertion in list(body.iter(W + "ins")):
        parent = insertion.getparent()
        for child in list(insertion):
            insertion.addprevious(child)
        parent.remove(insertion)
