"""drafter preview: a PDF (and a PNG of page 1) of a draft, laid out by LibreOffice."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "preview",
        help="用 LibreOffice 生成 PDF 预览（可附第 1 页图片）",
        description="把 .docx 文稿，或“模板 + 答案文件”生成的文稿，用 LibreOffice 转成 PDF，"
                    "查看分页、页码和版式。需要本机装有 LibreOffice。",
        epilog="示例：drafter preview 经验交流材料.docx --png\n"
               "      drafter preview kexie --answers examples/kexie.yaml -o 预览.pdf",
    )
    p.add_argument("source", metavar="文稿或模板",
                   help=".docx 文件；或模板编号（如 kexie）/模板文件夹，此时需加 --answers")
    p.add_argument("--answers", "-a", metavar="答案文件", help="YAML 答案文件（预览模板时必填）")
    p.add_argument("-o", "--output", metavar="输出.pdf",
                   help="PDF 文件名（默认：与 .docx 同名；预览模板时按模板规定命名）")
    p.add_argument("--png", action="store_true", help="同时生成第 1 页的 PNG 图片（与 PDF 同名）")
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的 PDF/PNG")
    p.add_argument("--allow-missing", action="store_true",
                   help="必填内容缺失时仍然出稿，缺项以【待补充：…】醒目标出")
    p.add_argument("--template-dir", action="append", metavar="文件夹", help="另外查找模板的文件夹，可多次使用")
    p.add_argument("--reference-docx", metavar="参考文档", help="从这个 .docx 取页面设置、样式和页眉页脚")
    p.add_argument("--timeout", type=float, default=None, metavar="秒",
                   help="LibreOffice 转换的时限（默认 180 秒）")
    p.set_defaults(func=run, _parser=p)


def run(args) -> int:
    from pathlib import Path

    from drafter.errors import UserError
    from drafter.office import preview

    timeout = args.timeout if args.timeout and args.timeout > 0 else preview.TIMEOUT
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() != ".pdf":
        raise UserError(f"预览只生成 PDF：请用 .pdf 结尾的文件名，例如 {output.with_suffix('.pdf')}。")
    source = Path(args.source)
    is_docx = source.suffix.lower() == ".docx"
    if is_docx and args.answers:
        raise UserError("预览 .docx 文件时不需要 --answers；预览模板时，请先写模板编号，再写 --answers。")
    if is_docx:
        pdf = output or preview.default_pdf_for(source)
        png = pdf.with_suffix(".png") if args.png else None
        result = preview.preview_docx(source, pdf, png, args.force, timeout)
    else:
        if not args.answers:
            raise UserError(f"“{args.source}”不是 .docx 文件，按模板处理时需要答案文件："
                            f"drafter preview {args.source} --answers 答案.yaml")
        reference = Path(args.reference_docx) if args.reference_docx else None
        _, result = preview.preview_answers(
            args.source, args.answers, output, args.png, args.force, args.allow_missing,
            args.template_dir, reference, timeout,
        )
    for note in result.notes:
        print(f"提示：{note}", file=sys.stderr)
    print(f"已生成 PDF：{result.pdf}")
    if result.png is not None:
        print(f"已生成第 1 页图片：{result.png}")
    return 0
