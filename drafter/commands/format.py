"""drafter format: lay out a text the user already wrote in 公文 form (the daily 排版 job)."""

from __future__ import annotations

import sys


def register(sub) -> None:
    from drafter.writers import add_format_option

    p = sub.add_parser(
        "format",
        help="把已有文字排成公文版式",
        description="把已写好的纯文本或 Markdown 排成公文版式：一、（一）1.（1）开头的行识别为各级标题"
                    "（序号由程序重新编排），首行短句作标题，“总之”起为结尾，末尾的日期和署名作落款；"
                    "也接受 drafter 的提纲标记（# 标题、## 一级标题、@署名 …）。",
        epilog="示例：drafter format 原稿.txt -o 排好版.docx",
    )
    p.add_argument("input", metavar="原稿", help=".txt 或 .md 文件（UTF-8 或 GBK）；“-”表示从标准输入读取")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="输出文件名；“-”表示输出到屏幕（仅 md/txt）；不写则与原稿同名，扩展名为 .docx")
    add_format_option(p)
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的输出文件")
    p.add_argument("--style", metavar="版式", default="gongwen",
                   help="版式名称或版式 YAML 文件（默认 gongwen，即党政机关公文格式）")
    p.add_argument("--reference-docx", metavar="参考文档", help="从这个 .docx 取页面设置、样式和页眉页脚")
    p.add_argument("--year", type=int, metavar="年份",
                   help="文稿年份，用于检查过时提法（默认从标题等处的年份推断）")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from drafter.check import check_document, summary_line
    from drafter.document import Kind
    from drafter.errors import UserError
    from drafter.measure import measure, report
    from drafter.output import atomic_write, check_target
    from drafter.pipeline import format_for, serialise
    from drafter.plaintext import read_source
    from drafter.writers import ensure_printable
    from drafter.writers import get as get_format

    fmt = format_for(args.output, args.format)
    if args.output == "-":
        ensure_printable(get_format(fmt))
    output = args.output
    if output is None:
        if args.input == "-":
            raise UserError("从标准输入读取原稿时，请用 -o 指定输出文件，例如 -o 排好版.docx。")
        output = str(Path(args.input).with_suffix(get_format(fmt).suffixes[0]))
    path = None if output == "-" else Path(output)
    if path is not None:
        check_target(path, args.force)

    document, notes = read_source(args.input)
    reference = Path(args.reference_docx) if args.reference_docx else None
    signature = next((b.text for b in document.blocks if b.kind is Kind.SIGNATURE), "")
    data, more = serialise(document, fmt, style=args.style, reference_docx=reference,
                           properties={"title": document.title, "author": signature})
    notes += more
    if path is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    else:
        atomic_write(path, lambda stream: stream.write(data), force=args.force)

    info = sys.stderr if path is None else sys.stdout
    for note in notes:
        print(f"提示：{note}", file=sys.stderr)
    if path is not None:
        print(f"已生成：{path}", file=info)
    headings = len(document.headings())
    print(f"识别出标题 {'1' if document.title else '0'} 个、各级小标题 {headings} 个。"
          "请打开文档核对层级；序号已按层级重新编排。", file=info)
    for line in report(measure(document)):
        print(line, file=info)
    findings = check_document(document, year=args.year)
    print(summary_line(findings, path=str(path) if path is not None else args.input), file=info)
    return 0
