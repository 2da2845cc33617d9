"""Many answers files, one template: one output each, in parallel, nothing half-done.

A batch runs in two passes over a process pool. The first reads and checks
every answers file and names its output; only when no two inputs claim the
same output name does the second pass render and write. A bad answers file
fails alone and is reported with its reason; the others are still written.
Each worker loads the template, the Jinja environment and the style profile
once and reuses them for every document it renders.

Ctrl-C: workers ignore SIGINT, so the documents being written when it arrives
are finished (each write is atomic), no new ones are started, and any
temporary file left behind is removed.
"""

from __future__ import annotations

import glob
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from drafter.errors import UserError
from drafter.output import prepare_out_dir


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs to rebuild the parent's state; must pickle."""

    template: str
    template_dirs: tuple[str, ...] = ()
    fmt: str = "docx"
    out_dir: Path = Path(".")
    force: bool = False
    allow_missing: bool = False
    reference_docx: Path | None = None


@dataclass
class Item:
    """One answers file on its way through the batch."""

    source: Path
    target: Path | None = None
    values: dict | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    chars: int = 0
    minutes: float = 0.0
    proofread: str = ""
    done: bool = False

    @property
    def ok(self) -> bool:
        return self.done and not self.error


@dataclass
class BatchResult:
    items: list[Item]
    interrupted: bool = False

    @property
    def succeeded(self) -> list[Item]:
        return [i for i in self.items if i.ok]

    @property
    def failed(self) -> list[Item]:
        return [i for i in self.items if i.error]

    @property
    def skipped(self) -> list[Item]:
        return [i for i in self.items if not i.done and not i.error]


# ------------------------------------------------------------------ inputs


def default_jobs() -> int:
    """The cores this process may use (respects affinity and container limits where visible)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


# ------------------------------------------------------------------ worker


class Worker:
    """Per-process state: template, Jinja environment and writer caches, loaded once."""

    def __init__(self, settings: Settings):
        from drafter.pipeline import load_checked_template
        from drafter.render import make_environment

        self.settings = settings
        self.template, self.template_warnings = load_checked_template(
            settings.template, list(settings.template_dirs) or None)
        self.env = make_environment(self.template)

    def warm(self) -> None:
        """Compile the outline, import the writer and build its base document once, before
        the pool forks, so every worker starts with them instead of redoing the work."""
        from drafter.document import Document
        from drafter.pipeline import resolve_style, serialise

        self.env.get_template(self.template.outline_name)
        serialise(Document(()), self.settings.fmt, style=resolve_style(self.template),
                  reference_docx=self.settings.reference_docx or self.template.reference_docx)

    def plan(self, source: Path) -> Item:
        """Read and check one answers file and name its output; nothing is written."""
        from drafter.answers import read_answers
        from drafter.pipeline import check_answers
        from drafter.render import render_output_name
        from drafter.writers import get as get_format

        item = Item(source)
        try:
            values, warnings = check_answers(self.template, read_answers(source),
                                             self.settings.allow_missing)
            name = render_output_name(self.template, values, self.env)
        except UserError as exc:
            item.error = exc.message
            return item
        item.values = values
        item.warnings = warnings
        item.target = self.settings.out_dir / f"{name}{get_format(self.settings.fmt).suffixes[0]}"
        return item

    def render(self, item: Item) -> Item:
        """Render and atomically write one planned item."""
        from drafter.pipeline import draft_from_values, proofread_line, write_draft

        try:
            draft = draft_from_values(self.template, item.values or {}, item.warnings,
                                      self.settings.allow_missing, self.env)
            _, notes = write_draft(draft, item.target, self.settings.fmt, self.settings.force,
                                   self.settings.reference_docx)
        except UserError as exc:
            item.error = exc.message
        else:
            measured = draft.measure
            item.proofread = proofread_line(draft)
            item.notes = notes
            item.chars = measured.total
            item.minutes = measured.minutes
            item.done = True
        item.values = None  # no need to send the answers back
        return item


_worker: Worker | None = None


def _init_worker(settings: Settings) -> None:
    """Pool initializer: ignore Ctrl-C (the parent decides) and reuse a forked Worker."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker is None or _worker.settings != settings:
        _worker = Worker(settings)


def _plan_chunk(sources: list[Path]) -> list[Item]:
    assert _worker is not None
    return [_worker.plan(s) for s in sources]


def _render_chunk(items: list[Item]) -> list[Item]:
    assert _worker is not None
    return [_worker.render(i) for i in items]


# ------------------------------------------------------------------ progress


class Progress:
    """A one-line counter on a terminal; silent when stderr is piped or the batch is quick."""

    DELAY = 0.5  # seconds before the line first appears
    INTERVAL = 0.1

    def __init__(self, total: int, label: str, stream: TextIO | None = None,
                 enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.total = total
        self.label = label
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, done: int, failed: int = 0) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.DELAY or (now - self.last < self.INTERVAL and done < self.total):
            return
        self.last = now
        extra = f"，失败 {failed} 份" if failed else ""
        self.stream.write(f"\r{self.label}：{done}/{self.total}{extra}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


# ------------------------------------------------------------------ running


def _chunks(items: list, jobs: int) -> list[list]:
    size = max(1, min(8, len(items) // (jobs * 4)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _run(pool, func: Callable[[list], list[Item]], items: list, jobs: int,
         progress: Progress, on_done: Callable[[Item], None]) -> None:
    """Run func over items in chunks, in the pool or (pool is None) in this process."""
    failed = 0
    done = 0
    if pool is None:
        for item in items:
            (result,) = func([item])
            on_done(result)
            done += 1
            failed += bool(result.error)
            progress.update(done, failed)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    with _CtrlC() as ctrl_c:
        pending = {pool.submit(func, chunk) for chunk in _chunks(items, jobs)}
        while pending and not ctrl_c.pressed:
            finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in finished:
                for result in future.result():
                    on_done(result)
                    done += 1
                    failed += bool(result.error)
            progress.update(done, failed)
        if ctrl_c.pressed:
            # Start nothing new, let the chunks in flight finish, and record what they wrote.
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    for result in future.result():
                        on_done(result)
            raise KeyboardInterrupt


class _CtrlC:
    """While a pool runs, the first Ctrl-C only sets a flag, checked between chunks.

    A KeyboardInterrupt may strike anywhere, e.g. between submitting a chunk and
    keeping its future, and then files a worker wrote would go unreported. A second
    Ctrl-C interrupts at once. Outside the main thread (a library caller) signals
    cannot be handled here, and Ctrl-C behaves as Python's default.
    """

    def __init__(self):
        self.pressed = False
        self.previous = None

    def __enter__(self) -> _CtrlC:
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread
            self.previous = None
        return self

    def _handle(self, signum, frame) -> None:
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _duplicates(items: Iterable[Item]) -> dict[str, list[Item]]:
    """Items that would write the same file; case-folded, as Windows and macOS compare names."""
    by_name: dict[str, list[Item]] = {}
    for item in items:
        if item.target is not None and not item.error:
            by_name.setdefault(item.target.name.casefold(), []).append(item)
    return {k: v for k, v in by_name.items() if len(v) > 1}


def _remove_temporaries(items: Iterable[Item]) -> None:
    """Temp files of an interrupted write (atomic_write names them .<name>.*.tmp)."""
    for item in items:
        if item.target is None or item.done:
            continue
        for leftover in item.target.parent.glob(f".{glob.escape(item.target.name)}.*.tmp"):
            try:
                leftover.unlink()
            except OSError:
                pass


def run_batch(settings: Settings, sources: list[Path], jobs: int | None = None,
              progress_stream: TextIO | None = None, show_progress: bool | None = None
              ) -> BatchResult:
    """Render every answers file; return what happened to each. Raises UserError only for
    problems that stop the whole batch (unknown template, duplicate output names)."""
    global _worker
    jobs = max(1, min(jobs or default_jobs(), len(sources)))
    worker = Worker(settings)  # fails fast, once, on a bad template
    for warning in worker.template_warnings:
        print(f"提示：{warning}", file=sys.stderr)
    worker.warm()
    _worker = worker
    items: dict[Path, Item] = {}
    order = list(sources)
    pool = None
    interrupted = False
    try:
        if jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                       initargs=(settings,))
        progress = Progress(len(sources), "正在检查答案文件", progress_stream, show_progress)
        try:
            _run(pool, _plan_chunk, order, jobs, progress, lambda i: items.__setitem__(i.source, i))
        finally:
            progress.close()
        planned = [items[s] for s in order]
        _check_targets(planned, settings)
        clashes = _duplicates(planned)
        if clashes:
            raise UserError(_clash_message(clashes, planned))
        todo = [i for i in planned if not i.error]
        if todo:
            prepare_out_dir(settings.out_dir)
        progress = Progress(len(todo), "正在生成", progress_stream, show_progress)
        try:
            _run(pool, _render_chunk, todo, jobs, progress,
                 lambda i: items.__setitem__(i.source, i))
        finally:
            progress.close()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    result = BatchResult([items.get(s) or Item(s) for s in order], interrupted)
    if interrupted:
        _remove_temporaries(result.items)
    return result


def _check_targets(items: list[Item], settings: Settings) -> None:
    """An existing output without --force fails that item before anything is written."""
    from drafter.output import check_target

    if not settings.out_dir.exists():
        return
    for item in items:
        if item.error or item.target is None:
            continue
        try:
            check_target(item.target, settings.force)
        except UserError as exc:
            item.error = exc.message


def _clash_message(clashes: dict[str, list[Item]], items: list[Item]) -> str:
    lines = ["以下答案文件会生成同名文件，为免互相覆盖，未生成任何文件："]
    for group in clashes.values():
        sources = "、".join(str(i.source) for i in group)
        lines.append(f"  {group[0].target} ← {sources}")
    lines.append("请修改其中的单位名称、年份等决定文件名的内容，或把它们分批生成到不同的 --out-dir。")
    failed = [i for i in items if i.error]
    if failed:
        lines.append(f"另有 {len(failed)} 份答案文件有误：")
        lines += [f"  {i.source}：{_indent(i.error)}" for i in failed]
    return "\n".join(lines)


def _indent(text: str, prefix: str = "    ") -> str:
    return text.replace("\n", "\n" + prefix)


# ------------------------------------------------------------------ report


def report(result: BatchResult, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print what was written and what failed, with reasons; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    shown_notes: set[str] = set()
    for item in result.items:
        for warning in item.warnings:
            where = "" if str(item.source) in warning else f"{item.source}："
            print(f"提示：{where}{warning}", file=err)
        for note in item.notes:
            if note not in shown_notes:
                shown_notes.add(note)
                print(f"提示：{note}", file=err)
    for item in result.succeeded:
        check = f"；{item.proofread}" if item.proofread else ""
        print(f"已生成：{item.target}（{item.chars} 字，宣读约 {item.minutes:.1f} 分钟{check}）", file=out)
    for item in result.failed:
        print(f"未生成：{item.source}\n    {_indent(item.error)}", file=err)
    total = len(result.items)
    ok, bad, skipped = len(result.succeeded), len(result.failed), len(result.skipped)
    if result.interrupted:
        print(f"已中断：共 {total} 份，已生成 {ok} 份，失败 {bad} 份，未处理 {skipped} 份。"
              "已生成的文件完整可用，未处理的没有留下任何文件。", file=err)
        return 130
    if bad:
        print(f"批量生成结束：共 {total} 份，成功 {ok} 份，失败 {bad} 份（原因见上）。"
              "改正后可加 --force 重新生成全部，或只对失败的答案文件重新运行。", file=err)
        return 2
    print(f"批量生成完成：共 {total} 份，全部成功。", file=out)
    return 0
