"""drafter render: a draft from an answers file, no questions asked."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "render",
        help="根据答案文件生成文稿",
        description="根据模板和答案文件生成文稿（.docx、.md 或 .txt）。",
    )
    p.add_argument("template", metavar="模板", help="模板编号（如 kexie）或模板文件夹路径")
    p.add_argument("--answers", "-a", required=True, metavar="答案文件", help="YAML 答案文件")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="输出文件名；“-”表示输出到屏幕（仅 md/txt）；不写则按模板规定命名")
    p.add_argument("--format", "-f", choices=("docx", "md", "txt"), help="输出格式（默认按文件名判断）")
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的输出文件")
    p.add_argument("--allow-missing", action="store_true",
                   help="必填内容缺失时仍然出稿，缺项以【待补充：…】醒目标出")
    p.add_argument("--template-dir", action="append", metavar="文件夹", help="另外查找模板的文件夹，可多次使用")
    p.add_argument("--reference-docx", metavar="参考文档", help="从这个 .docx 取页面设置、样式和页眉页脚")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from drafter.measure import report
    from drafter.pipeline import render_file

    reference = Path(args.reference_docx) if args.reference_docx else None
    draft, path, notes = render_file(
        args.template, args.answers, args.output, args.format, args.force, args.allow_missing,
        args.template_dir, reference,
    )
    info = sys.stderr if path is None else sys.stdout
    for warning in draft.warnings + notes:
        print(f"提示：{warning}", file=sys.stderr)
    if path is not None:
        print(f"已生成：{path}", file=info)
    for line in report(draft.measure, draft.template.target_chars, draft.template.target_minutes):
        print(line, file=info)
    return 0
