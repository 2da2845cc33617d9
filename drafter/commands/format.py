"""drafter format: lay out a text the user already wrote in 公文 form (the daily 排版 job)."""

from __future__ import annotations

import sys


def register(sub) -> None:
    from drafter.writers import add_format_option

    p = sub.add_parser(
        "format",
        help="把已有文字排成公文版式",
        description="把已写好的 Word 文档、纯文本或 Markdown 排成公文版式：一、（一）1.（1）开头的段落"
                    "（手打的序号或 Word 的自动编号）和 Word 的标题样式识别为各级标题（序号由程序重新编排），"
                    "首段短句作标题，“总之”起为结尾，末尾的日期和署名作落款；文字一字不改。"
                    "也接受 drafter 的提纲标记（# 标题、## 一级标题、@署名 …）。",
        epilog="示例：drafter format 原稿.docx -o 排好版.docx；drafter format 原稿.txt",
    )
    p.add_argument("input", metavar="原稿",
                   help=".docx、.txt 或 .md 文件（文本为 UTF-8 或 GBK）；“-”表示从标准输入读取文本")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="输出文件名；“-”表示输出到屏幕（仅 md/txt）；不写则与原稿同名，扩展名为 .docx"
                        "（原稿本身是 .docx 时为“原名.排版.docx”）")
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
    from drafter.document.measure import measure, report
    from drafter.document.model import Kind
    from drafter.errors import UserError
    from drafter.files.output import atomic_write, check_target
    from drafter.render.pipeline import format_for, serialise
    from drafter.writers import ensure_printable
    from drafter.writers import get as get_format

    fmt = format_for(args.output, args.format)
    if args.output == "-":
        ensure_printable(get_format(fmt))
    output = args.output
    if output is None:
        if args.input == "-":
            raise UserError("从标准输入读取原稿时，请用 -o 指定输出文件，例如 -o 排好版.docx。")
        source = Path(args.input)
        suffix = get_format(fmt).suffixes[0]
        same = source.suffix.lower() == suffix
        output = str(source.with_name(f"{source.stem}.排版{suffix}") if same
                     else source.with_suffix(suffix))
    path = None if output == "-" else Path(output)
    if path is not None:
        check_target(path, args.force)

    document, notes = read_original(args.input)
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
    print(f"识别出：{recognition_summary(document)}。请打开文档核对层级；序号已按层级重新编排。",
          file=info)
    for line in report(measure(document)):
        print(line, file=info)
    findings = check_document(document, year=args.year)
    print(summary_line(findings, path=str(path) if path is not None else args.input), file=info)
    return 0


def read_original(name: str):
    """The user's original as a Document, with notes: a Word document or a text file."""
    from pathlib import Path

    from drafter.errors import UserError

    suffix = Path(name).suffix.lower() if name != "-" else ""
    if suffix == ".doc":
        raise UserError(f"{name} 是旧版 Word 文档（.doc），无法直接读取。"
                        "请用 Word 或 WPS 另存为 .docx 后再试。")
    if suffix == ".docx":
        from drafter.document.docx_reader import read_docx

        reading = read_docx(Path(name))
        return reading.document, reading.notes
    from drafter.document.plaintext import read_source

    return read_source(name)


ROLE_LABELS = (("title", "标题"), ("subtitle", "副标题"), ("heading1", "一级标题"),
               ("heading2", "二级标题"), ("heading3", "三级标题"), ("heading4", "四级标题"))


def recognition_summary(document) -> str:
    """“标题 1，一级标题 6，二级标题 14，正文 40 段，落款 1”: what was recognised, so a misread shows."""
    from collections import Counter

    from drafter.document.model import Kind

    counts: Counter[str] = Counter()
    for block in document.blocks:
        if block.kind is Kind.HEADING:
            counts[f"heading{min(max(block.level, 1), 4)}"] += 1
        else:
            counts[block.kind.value] += 1
    parts = [f"{label} {counts[role]}" for role, label in ROLE_LABELS if counts[role]]
    parts.append(f"正文 {counts['paragraph']} 段")
    if counts["table"]:
        parts.append(f"表格 {counts['table']}")
    if any(block.closing for block in document.blocks if block.kind is Kind.PARAGRAPH):
        parts.append("结尾 1")
    if counts["signature"] or counts["date"]:
        parts.append("落款 1")
    return "，".join(parts)
