"""A team's batch: N answers files (500 by default) with -j 1 and -j 2, docxtpl, pandoc.

Targets (issue 7): under 20 ms of CPU per document; -j 2 at least 1.7× the
throughput of -j 1; faster per document than docxtpl rendering the same
content in one process; at least 2× the throughput of running pandoc once
per document.
"""

from __future__ import annotations

import shlex
import shutil
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fixtures
from bench_lib import (
    TEMPLATE,
    Check,
    Report,
    Stats,
    drafter_command,
    measure_group,
    pandoc,
    python,
    run_once,
)


def _fresh(folder: Path):
    def clear() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    return clear


def _pandoc_batch(exe: str, markdown: list[Path], reference: Path, out: Path, jobs: int,
                  repeat: int) -> Stats:
    """pandoc once per document, `jobs` at a time (wall time of the whole batch)."""
    out.mkdir(parents=True, exist_ok=True)

    def one(path: Path) -> tuple[float, int]:
        _, cpu, rss = run_once([exe, str(path), "-f", "markdown", "-t", "docx", "--reference-doc",
                                str(reference), "-o", str(out / (path.stem + ".docx"))])
        return cpu, rss

    walls, cpus, peak = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(one, markdown))
        walls.append(time.perf_counter() - start)
        cpus.append(sum(cpu for cpu, _ in results))
        peak = max(peak, *(rss for _, rss in results))
    return Stats(f"pandoc 每篇一次 ×{len(markdown)}（{jobs} 路并行）", f"{exe} …", repeat,
                 statistics.median(walls) * 1000, min(walls) * 1000,
                 statistics.median(cpus) * 1000, peak / 1024)


def run(work: Path, count: int = 500, repeat: int = 6) -> Report:
    report = Report()
    answers = work / "answers"
    paths = fixtures.answers_files(answers, count)
    docs = fixtures.documents(paths)
    reference = fixtures.reference_docx(work)
    template = fixtures.docxtpl_template(reference, work / "docxtpl-template.docx")
    contexts = fixtures.write_contexts(work / "contexts.json", docs)
    markdown = fixtures.write_markdown(work / "md", docs)

    # The machine's own ceiling for two processes: two independent -j 1 runs on half each.
    halves = [work / "answers-half-1", work / "answers-half-2"]
    for index, half in enumerate(halves):
        half.mkdir(exist_ok=True)
        for path in paths[index::2]:
            shutil.copy2(path, half / path.name)
    half_runs = " & ".join(
        shlex.join([*drafter_command(), "render", TEMPLATE, "--answers", str(half), "--out-dir",
                    str(work / f"out-half-{index}"), "-j", "1"])
        for index, half in enumerate(halves, 1))

    def fresh_halves() -> None:
        for index in (1, 2):
            shutil.rmtree(work / f"out-half-{index}", ignore_errors=True)

    docxtpl_out = work / "out-docxtpl"
    j1, j2, docxtpl, pair = measure_group([
        (f"drafter render ×{count}（-j 1）",
         [*drafter_command(), "render", TEMPLATE, "--answers", str(answers), "--out-dir",
          str(work / "out-j1"), "-j", "1"], _fresh(work / "out-j1")),
        (f"drafter render ×{count}（-j 2）",
         [*drafter_command(), "render", TEMPLATE, "--answers", str(answers), "--out-dir",
          str(work / "out-j2"), "-j", "2"], _fresh(work / "out-j2")),
        (f"docxtpl 同一内容 ×{count}（单进程）",
         [python(), str(Path(__file__).with_name("docxtpl_render.py")), str(contexts),
          str(template), str(docxtpl_out)], _fresh(docxtpl_out)),
        (f"两个独立的 -j 1 进程同时各做 {count // 2} 篇（本机两路并行的上限）",
         ["sh", "-c", f"{half_runs} & wait"], fresh_halves),
    ], repeat, warmup=0)
    runs = {1: j1, 2: j2}
    produced = len(list((work / "out-j2").glob("*.docx")))
    if produced != count:
        raise RuntimeError(f"drafter wrote {produced} of {count} documents")
    report.stats += [j1, j2, docxtpl, pair]

    per_doc_cpu = runs[1].cpu_ms / count
    report.checks.append(Check("批量 -j 1 每篇 CPU（含启动，均摊）", per_doc_cpu, 20, "ms"))
    report.checks.append(Check("-j 2 吞吐量 ÷ -j 1 吞吐量", runs[1].wall_min_ms / runs[2].wall_min_ms,
                               1.7, "倍", higher_is_better=True))
    report.checks.append(Check("docxtpl 每篇用时 ÷ drafter -j 1 每篇用时",
                               docxtpl.wall_min_ms / runs[1].wall_min_ms, 1.0, "倍",
                               higher_is_better=True))
    report.notes.append(f"drafter -j 2 每篇 CPU {runs[2].cpu_ms / count:.1f} ms（含两个工作进程的启动）。")
    report.notes.append(f"-j 2 ÷ -j 1 按中位数算为 {j1.wall_ms / j2.wall_ms:.2f} 倍（目标按最快一次判定，"
                        "中位数含机器上其他任务的干扰）。")
    report.notes.append(
        f"本机两路并行的上限：两个互不相干的 -j 1 进程同时各做一半，吞吐量为单个 -j 1 的 "
        f"{j1.wall_min_ms / pair.wall_min_ms:.2f} 倍；drafter -j 2 达到这一上限的 "
        f"{pair.wall_min_ms / j2.wall_min_ms:.0%}。")

    exe = pandoc()
    if exe:
        sequential = _pandoc_batch(exe, markdown, reference, work / "out-pandoc", 1, 1)
        parallel = _pandoc_batch(exe, markdown, reference, work / "out-pandoc", 2, 1)
        report.stats += [sequential, parallel]
        report.checks.append(Check("drafter -j 1 吞吐量 ÷ pandoc 逐篇（单路）",
                                   sequential.wall_min_ms / runs[1].wall_min_ms, 2.0, "倍",
                                   higher_is_better=True))
        report.checks.append(Check("drafter -j 2 吞吐量 ÷ pandoc 逐篇（两路并行）",
                                   parallel.wall_min_ms / runs[2].wall_min_ms, 2.0, "倍",
                                   higher_is_better=True))
    else:
        report.notes.append("未安装 pandoc，跳过 pandoc 批量对比（Debian/Ubuntu：apt-get install pandoc）。")
    return report


if __name__ == "__main__":
    from run_all import standalone

    standalone(run)
