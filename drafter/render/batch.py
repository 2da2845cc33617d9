"""Many answers files, one template: one output each, in parallel, nothing half-done.

A batch runs in two passes over a process pool. The first reads and checks
every answers file and names its output; only when no two inputs claim the
same output name does the second pass render and write. A bad answers file
fails alone and is reported with its reason; the others are still written.
Each worker loads the template, the Jinja environment and the style profile
once and reuses them for every document it renders.

Ctrl-C, SIGTERM and SIGHUP (a closed terminal, a stopped service) are handled
alike: workers ignore them, so the documents being written when one arrives are
finished (each write is atomic), no new ones are started, any temporary file
left behind is removed and the report is printed. Workers die with their
parent even when it is killed outright (SIGKILL): on Linux the kernel tells
them (PR_SET_PDEATHSIG), elsewhere they notice their parent is gone.

One answers file never ends the batch: a user mistake is reported with its
reason, and a bug (any other exception) is reported for that file with its
traceback, while the other files are still written and the report printed.
"""

from __future__ import annotations

import glob
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from drafter.errors import UserError
from drafter.files.output import fit_name, prepare_out_dir, temporary_prefix

# Signals that stop a batch the way Ctrl-C does (SIGHUP does not exist on Windows).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


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
    crashed: bool = False  # failed through a bug in drafter, not a mistake in the input

    @property
    def ok(self) -> bool:
        return self.done and not self.error


@dataclass
class BatchResult:
    items: list[Item]
    interrupted: bool = False
    signal: int = 0  # the signal that stopped the batch, if one did

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
        from drafter.render.engine import make_environment
        from drafter.render.pipeline import load_checked_template

        self.settings = settings
        self.template, self.template_warnings = load_checked_template(
            settings.template, list(settings.template_dirs) or None)
        self.env = make_environment(self.template)

    def warm(self) -> None:
        """Compile the outline, import the writer and build its base document once, before
        the pool forks, so every worker starts with them instead of redoing the work."""
        from drafter.document.model import Document
        from drafter.render.pipeline import resolve_style, serialise

        self.env.get_template(self.template.outline_name)
        serialise(Document(()), self.settings.fmt, style=resolve_style(self.template),
                  reference_docx=self.settings.reference_docx or self.template.reference_docx)

    def plan(self, source: Path) -> Item:
        """Read and check one answers file and name its output; nothing is written."""
        from drafter.interview.answers import read_answers
        from drafter.render.engine import render_output_name
        from drafter.render.pipeline import check_answers
        from drafter.writers import get as get_format

        item = Item(source)
        try:
            values, warnings = check_answers(self.template, read_answers(source),
                                             self.settings.allow_missing)
            name = render_output_name(self.template, values, self.env)
        except UserError as exc:
            item.error = exc.message
            return item
        except Exception:  # a bug: report it for this file, keep going with the others
            _record_bug(item)
            return item
        item.values = values
        item.warnings = warnings
        suffix = get_format(self.settings.fmt).suffixes[0]
        item.target = self.settings.out_dir / fit_name(name, suffix)
        return item

    def render(self, item: Item) -> Item:
        """Render and atomically write one planned item."""
        from drafter.render.pipeline import draft_from_values, proofread_line, write_draft

        try:
            draft = draft_from_values(self.template, item.values or {}, item.warnings,
                                      self.settings.allow_missing, self.env)
            _, notes = write_draft(draft, item.target, self.settings.fmt, self.settings.force,
                                   self.settings.reference_docx)
        except UserError as exc:
            item.error = exc.message
        except Exception:  # a bug: report it for this file, keep going with the others
            _record_bug(item)
        else:
            measured = draft.measure
            item.proofread = proofread_line(draft)
            item.notes = notes
            item.chars = measured.total
            item.minutes = measured.minutes
            item.done = True
        item.values = None  # no need to send the answers back
        return item


BUG_MESSAGE = ("drafter 内部错误（程序缺陷，不是答案文件的问题）：处理这份答案文件时出错，其余文件不受影响。"
               "请把下面的信息和这份答案文件一起报告给维护者。")


def _record_bug(item: Item) -> None:
    """Fail one item through an unexpected exception, keeping its traceback for the report."""
    item.error = f"{BUG_MESSAGE}\n{traceback.format_exc().rstrip()}"
    item.crashed = True


_worker: Worker | None = None


def _init_worker(settings: Settings, parent: int) -> None:
    """Pool initializer: leave stop signals to the parent, die with it, reuse a forked Worker."""
    global _worker
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    _die_with_parent(parent)
    if _worker is None or _worker.settings != settings:
        _worker = Worker(settings)


PARENT_POLL = 1.0  # seconds between a worker's checks that its parent is alive


def _die_with_parent(parent: int) -> None:
    """End this worker when the batch process is gone, however it ended.

    A worker blocks reading its next task from a pipe whose write end the other
    workers also hold, so it would never see the end of the file and would wait
    forever. On Linux the kernel sends SIGKILL when the parent dies; everywhere a
    daemon thread checks the parent pid and exits the process.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # no prctl: the thread below still ends the worker
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="drafter-parent-watch", daemon=True).start()


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
         progress: Progress, on_done: Callable[[Item], None], stop: _Stop) -> None:
    """Run func over items in chunks, in the pool or (pool is None) in this process."""
    failed = 0
    done = 0
    if pool is None:
        for item in items:
            if stop.requested:
                raise KeyboardInterrupt
            (result,) = func([item])
            on_done(result)
            done += 1
            failed += bool(result.error)
            progress.update(done, failed)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    def collect(future, chunk: list) -> None:
        nonlocal done, failed
        for result in _chunk_results(future, chunk):
            on_done(result)
            done += 1
            failed += bool(result.error)

    from concurrent.futures.process import BrokenProcessPool

    chunks = {}
    for chunk in _chunks(items, jobs):
        try:
            chunks[pool.submit(func, chunk)] = chunk
        except BrokenProcessPool:  # a worker died earlier: carry on in this process
            for result in func(chunk):
                on_done(result)
                done += 1
                failed += bool(result.error)
    pending = set(chunks)
    while pending and not stop.requested:
        finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
        for future in finished:
            collect(future, chunks[future])
        progress.update(done, failed)
    if stop.requested:
        # Start nothing new, let the chunks in flight finish, and record what they wrote.
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
        for future in pending:
            if future.done() and not future.cancelled():
                collect(future, chunks[future])
        raise KeyboardInterrupt


def _chunk_results(future, chunk: list) -> list[Item]:
    """A finished chunk's items; if its worker process died (BrokenProcessPool, out of
    memory), each of its items fails with the reason instead of ending the batch."""
    exc = future.exception()
    if exc is None:
        return future.result()
    reason = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    results = []
    for entry in chunk:
        item = entry if isinstance(entry, Item) else Item(entry)
        item.values = None
        item.error = (f"{BUG_MESSAGE}\n处理它的子进程意外退出（可能是内存不足或被强行结束）：{reason}")
        item.crashed = True
        results.append(item)
    return results


class _Stop:
    """Ctrl-C, SIGTERM and SIGHUP during a batch, all handled as Ctrl-C.

    The first signal only sets a flag, checked between documents (or chunks, in a
    pool): an exception may strike anywhere, e.g. between writing a file and
    recording it, and then a file written would go unreported. A second signal
    interrupts at once. Outside the main thread (a library caller) signals cannot
    be handled here and keep Python's defaults.
    """

    def __init__(self):
        self.requested = False
        self.signum = 0
        self.previous: dict[int, object] = {}

    def __enter__(self) -> _Stop:
        if threading.current_thread() is not threading.main_thread():
            return self
        for signum in STOP_SIGNALS:
            self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.signum = self.signum or signum
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc) -> None:
        for signum, previous in self.previous.items():
            signal.signal(signum, previous)


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
        pattern = glob.escape(temporary_prefix(item.target)) + "*.tmp"
        for leftover in item.target.parent.glob(pattern):
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
    with _Stop() as stop:
        try:
            if jobs > 1:
                from concurrent.futures import ProcessPoolExecutor

                pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                           initargs=(settings, os.getpid()))

            def run_pass(label: str, func: Callable[[list], list[Item]], todo: list) -> None:
                progress = Progress(len(todo), label, progress_stream, show_progress)
                try:
                    _run(pool, func, todo, jobs, progress,
                         lambda i: items.__setitem__(i.source, i), stop)
                finally:
                    progress.close()

            run_pass("正在检查答案文件", _plan_chunk, order)
            planned = [items[s] for s in order]
            _check_targets(planned, settings)
            clashes = _duplicates(planned)
            if clashes:
                raise UserError(_clash_message(clashes, planned))
            todo = [i for i in planned if not i.error]
            if todo:
                prepare_out_dir(settings.out_dir)
            if stop.requested:
                raise KeyboardInterrupt
            run_pass("正在生成", _render_chunk, todo)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        result = BatchResult([items.get(s) or Item(s) for s in order], interrupted,
                             stop.signum if interrupted else 0)
        if interrupted:
            _remove_temporaries(result.items)
    return result


def _check_targets(items: list[Item], settings: Settings) -> None:
    """An existing output without --force fails that item before anything is written."""
    from drafter.files.output import check_target

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

SIGNAL_NAMES = {
    getattr(signal, name): label for name, label in (
        ("SIGINT", ""), ("SIGTERM", "（收到终止信号 SIGTERM）"), ("SIGHUP", "（终端已关闭，SIGHUP）"))
    if hasattr(signal, name)
}


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
        why = SIGNAL_NAMES.get(result.signal, "")
        print(f"已中断{why}：共 {total} 份，已生成 {ok} 份，失败 {bad} 份，未处理 {skipped} 份。"
              "已生成的文件完整可用，未处理的没有留下任何文件。", file=err)
        return 128 + (result.signal or signal.SIGINT)
    if any(item.crashed for item in result.items):
        print(f"批量生成结束：共 {total} 份，成功 {ok} 份，失败 {bad} 份，其中有 drafter 内部错误"
              "（见上面的报错信息，请报告给维护者）。", file=err)
        return 1
    if bad:
        print(f"批量生成结束：共 {total} 份，成功 {ok} 份，失败 {bad} 份（原因见上）。"
              "改正后可加 --force 重新生成全部，或只对失败的答案文件重新运行。", file=err)
        return 2
    print(f"批量生成完成：共 {total} 份，全部成功。", file=out)
    return 0
