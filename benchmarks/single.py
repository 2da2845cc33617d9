"""One document: drafter render of the 科协 example, the import floor, docxtpl, pandoc.

Targets (issue 7): one render under 1.3× `python -c "import docx, jinja2, yaml"`;
peak memory under 80 MB.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import fixtures
from bench_lib import (
    EXAMPLE,
    TEMPLATE,
    Check,
    Report,
    drafter_cache,
    drafter_command,
    measure_group,
    pandoc,
    python,
)


def run(work: Path, repeat: int = 20) -> Report:
    report = Report()
    out = work / "single"
    out.mkdir(parents=True, exist_ok=True)
    reference = fixtures.reference_docx(work)
    docs = fixtures.documents([EXAMPLE])
    contexts = fixtures.write_contexts(work / "single-context.json", docs)
    (markdown,) = fixtures.write_markdown(work / "single-md", docs)
    template = fixtures.docxtpl_template(reference, work / "docxtpl-template.docx")

    commands = [
        ("import docx, jinja2, yaml（下限）", [python(), "-c", "import docx, jinja2, yaml"]),
        ("drafter render 科协示例 → docx",
         [*drafter_command(), "render", TEMPLATE, "--answers", str(EXAMPLE), "-o",
          str(out / "drafter.docx"), "--force"]),
        ("drafter render 科协示例 → md",
         [*drafter_command(), "render", TEMPLATE, "--answers", str(EXAMPLE), "-o",
          str(out / "drafter.md"), "--force"]),
        ("docxtpl 同一内容 → docx",
         [python(), str(Path(__file__).with_name("docxtpl_render.py")), str(contexts),
          str(template), str(out / "docxtpl")]),
    ]
    cache = drafter_cache()
    if cache is not None:  # last in each round, so the next round's runs find the cache again
        commands.append(("drafter render 科协示例 → docx（首次运行，缓存为空）", commands[1][1],
                         lambda: shutil.rmtree(cache, ignore_errors=True)))
    exe = pandoc()
    if exe:
        commands.append(("pandoc Markdown → docx（同一内容）",
                         [exe, str(markdown), "-f", "markdown", "-t", "docx", "--reference-doc",
                          str(reference), "-o", str(out / "pandoc.docx")]))
    measured = measure_group(commands, repeat)
    floor, render, render_md, docxtpl = measured[:4]
    report.stats += [floor, render, render_md, docxtpl]
    if cache is not None:
        cold = measured[4]
        report.stats.append(cold)
        report.notes.append(f"首次运行（缓存为空）：{cold.wall_min_ms / floor.wall_min_ms:.2f} 倍下限；"
                            "此后各次读缓存（见 README“缓存”一节）。")
    if exe:
        pandoc_stats = measured[-1]
        report.stats.append(pandoc_stats)
        report.notes.append(f"pandoc 单篇 {pandoc_stats.wall_min_ms:.0f} ms；drafter 单篇为其 "
                            f"{render.wall_min_ms / pandoc_stats.wall_min_ms:.1f} 倍"
                            "（原生程序，issue 7 不以它为目标）。")
    else:
        report.notes.append("未安装 pandoc，跳过 pandoc 对比（Debian/Ubuntu：apt-get install pandoc）。")
    report.checks.append(Check("单篇 render ÷ 导入下限", render.wall_min_ms / floor.wall_min_ms,
                               1.3, "倍"))
    report.checks.append(Check("单篇 render 峰值内存", render.maxrss_mb, 80, "MB"))
    report.notes.append(f"单篇：docxtpl 用时为 drafter 的 {docxtpl.wall_min_ms / render.wall_min_ms:.2f} 倍"
                        "（均含 Python 启动和导入）。")
    return report


if __name__ == "__main__":
    from run_all import standalone

    standalone(run)
