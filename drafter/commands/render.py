"""drafter render: drafts from answers files, no questions asked; one file or a whole batch."""

from __future__ import annotations

import sys


def register(sub) -> None:
    from drafter.writers import add_format_option

    p = sub.add_parser(
        "render",
        help="根据答案文件生成文稿（可批量）",
        description="根据模板和答案文件生成文稿（.docx、.md 或 .txt）。"
                    "给出多个答案文件、一个文件夹或通配符时批量生成，每份答案一份文稿，多核并行。",
        epilog="示例：drafter render kexie --answers 答案/*.yaml --out-dir 输出/ -j 2",
    )
    p.add_argument("template", metavar="模板", nargs="?",
                   help="模板编号（如 kexie）或模板文件夹路径")
    p.add_argument("--answers", "-a", required=True, nargs="+", metavar="答案文件",
                   help="YAML 答案文件；可给多个文件、文件夹或通配符（如 '答案/*.yaml'）批量生成")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="输出文件名；“-”表示输出到屏幕（仅 md/txt）；不写则按模板规定命名")
    p.add_argument("--out-dir", metavar="文件夹",
                   help="输出文件夹（批量生成时使用；文件名按模板规定，如按单位名称）")
    p.add_argument("-j", "--jobs", type=_positive, metavar="N",
                   help="批量生成时同时运行的进程数（默认：全部 CPU 核心；1 表示不开子进程）")
    add_format_option(p)
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的输出文件")
    p.add_argument("--allow-missing", action="store_true",
                   help="必填内容缺失时仍然出稿，缺项以【待补充：…】醒目标出")
    p.add_argument("--template-dir", action="append", metavar="文件夹", help="另外查找模板的文件夹，可多次使用")
    p.add_argument("--reference-docx", metavar="参考文档", help="从这个 .docx 取页面设置、样式和页眉页脚")
    p.set_defaults(func=run, _parser=p)


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"-j 应为正整数，例如 -j 2；“{text}”不行")
    return value


def _template_and_answers(args) -> tuple[str, list[str]]:
    """`render --answers a.yaml kexie` used to work: the greedy list swallowed the template."""
    answers = list(args.answers)
    if args.template is not None:
        return args.template, answers
    if len(answers) > 1 and not answers[-1].lower().endswith((".yaml", ".yml")):
        return answers[-1], answers[:-1]
    args._parser.error("缺少模板：请写在 --answers 之前，例如 drafter render kexie --answers 答案.yaml")
    raise AssertionError  # error() exits


def run(args) -> int:
    from pathlib import Path

    from drafter.render.batch_inputs import is_batch

    template, answers = _template_and_answers(args)
    reference = Path(args.reference_docx) if args.reference_docx else None
    if is_batch(answers):
        return _run_batch(args, template, answers, reference)

    from drafter.render.pipeline import render_file, summary_lines

    out_dir = None
    if args.out_dir and not args.output:
        from drafter.files.output import prepare_out_dir

        out_dir = Path(args.out_dir)
        prepare_out_dir(out_dir)
    draft, path, notes = render_file(
        template, answers[0], args.output, args.format, args.force, args.allow_missing,
        args.template_dir, reference, out_dir,
    )
    info = sys.stderr if path is None else sys.stdout
    for warning in draft.warnings + notes:
        print(f"提示：{warning}", file=sys.stderr)
    for line in summary_lines(draft, path):
        print(line, file=info)
    return 0


def _run_batch(args, template: str, answers: list[str], reference) -> int:
    from pathlib import Path

    from drafter.errors import UserError
    from drafter.render import batch
    from drafter.render.batch_inputs import collect_answers

    if args.output:
        raise UserError("批量生成时不能用 -o 指定一个输出文件：请用 --out-dir 指定输出文件夹，"
                        "文件名按模板规定（如按单位名称）自动生成。")
    fmt = args.format or "docx"
    sources = collect_answers(answers)
    settings = batch.Settings(
        template=template,
        template_dirs=tuple(args.template_dir or ()),
        fmt=fmt,
        out_dir=Path(args.out_dir) if args.out_dir else Path.cwd(),
        force=args.force,
        allow_missing=args.allow_missing,
        reference_docx=reference,
    )
    result = batch.run_batch(settings, sources, args.jobs)
    return batch.report(result)
