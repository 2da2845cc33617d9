"""drafter check: proofread .docx/.txt/.md for conversion artefacts, outdated formulations,
punctuation and heading numbers; optionally write a copy with the sure fixes applied."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass


def _year(value: str) -> int:
    if not value.isdigit() or not 1949 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"年份应为四位数字，如 2024，而不是“{value}”")
    return int(value)


def _date(value: str):
    from drafter.check.dates import parse_date

    found = parse_date(value)
    if found is None:
        raise argparse.ArgumentTypeError(
            f"日期应写成 2021-10-02（也可以是 2021/10/02、2021年10月2日），而不是“{value}”")
    return found


def register(sub) -> None:
    p = sub.add_parser(
        "check",
        help="校对文稿：疑似同义词替换（“伪原创”“降重”工具）造成的错词、过时提法、标点和标题序号",
        description="检查 .docx、.txt、.md 文稿中疑似同义词替换（“伪原创”“降重”工具）造成的错词"
                    "（把“服务”“基础”“发展”换成了“效劳”“根底”“开展”）、按文稿日期已经过时的提法、"
                    "标点和排版问题、不连续的标题序号。"
                    "退出状态：0 未发现问题，1 发现可信度不低于 --min-confidence 的问题，2 用法或文件有误。",
        epilog="示例：drafter check 经验交流材料.docx；drafter check 材料.txt --fix",
    )
    p.add_argument("files", nargs="+", metavar="文件", help=".docx、.txt 或 .md 文件，可以多个；“-”表示标准输入")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", type=_date, metavar="日期",
                      help="文稿日期，如 2021-10-02，用于判断提法是否过时（默认取文中落款日期、"
                           "发布时间或标题中的日期，都没有则取今天）")
    when.add_argument("--year", type=_year, metavar="年份",
                      help="只知道文稿年份时用它代替 --date；恰在提法改变的那一年只作低可信度提示")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="输出格式：text 便于阅读（默认），json 便于脚本处理")
    p.add_argument("--min-confidence", choices=("high", "medium", "low"), default="medium",
                   help="只报告可信度不低于此级别的问题（默认 medium；low 显示全部提示）")
    fix = p.add_mutually_exclusive_group()
    fix.add_argument("--fix", action="store_true",
                     help="把把握较大（可信度高）的问题自动改好，另存为“原名.fixed.扩展名”；"
                          "Word 文档的改动写成修订（可逐条接受或拒绝），每处附批注说明理由")
    fix.add_argument("--in-place", action="store_true", help="自动修正后直接覆盖原文件（慎用）")
    fix.add_argument("--review", action="store_true",
                     help="仅 .docx：把不低于 --min-confidence 的每处问题写成 Word 批注，有明确改法的同时写成"
                          "修订（可逐条接受或拒绝），另存为“原名.review.docx”")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="与 --fix 或 --review 一起使用：另存文件的文件名（仅限一个文件）")
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的修正稿")
    p.add_argument("--rules", action="append", metavar="规则", help="另外使用的规则文件或文件夹（YAML），可多次使用")
    p.add_argument("--layout", action="store_true",
                   help="不校对文字，改为检查 .docx 的版式：页面、字体（按 Word 实际显示的中文字体）、字号、"
                        "行距、缩进、标题对齐、页码是否符合 --style 指定的版式")
    p.add_argument("--style", metavar="版式",
                   help="与 --layout 一起使用：版式名称或版式 YAML 文件（默认 gongwen，即党政机关公文格式）")
    p.set_defaults(func=run)


def run(args) -> int:
    from drafter.check.rules import load_rules
    from drafter.errors import UserError

    if args.layout:
        if args.fix or args.in_place or args.review or args.output:
            raise UserError("--layout 只检查版式，不能与 --fix、--in-place、--review 或 -o 同时使用。")
        return _run_layout(args)
    if args.style:
        raise UserError("--style 只与 --layout 一起使用，例如：drafter check --layout 材料.docx --style gongwen。")
    fixing = args.fix or args.in_place or args.review
    if args.output and not (args.fix or args.review):
        raise UserError("-o 只能与 --fix 或 --review 一起使用，例如：drafter check 材料.docx --fix -o 改好的.docx。")
    if args.output and len(args.files) > 1:
        raise UserError("同时检查多个文件时不能用 -o 指定修正稿的文件名；"
                        "去掉 -o，修正稿会按“原名.fixed.扩展名”分别保存。")
    texts = [name for name in args.files if not name.lower().endswith(".docx")]
    if args.review and texts:
        raise UserError(f"{texts[0]} 不是 Word 文档：--review 把问题写成 Word 的修订和批注，只适用于 .docx。"
                        "纯文本请用 --fix。")
    if fixing and "-" in args.files:
        raise UserError("从标准输入读取时不能自动修正。请先存为文件再加 --fix。")
    rules = tuple(args.rules or ())
    load_rules(rules)  # a broken rule file is one error, not one per input file

    results = []
    status = 0
    for name in args.files:
        try:
            outcome = _check_one(name, args, rules, fixing)
        except UserError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            status = 2
            continue
        results.append(outcome)
        if outcome.remaining and status == 0:
            status = 1
    if args.format == "json":
        _print_json(results, args.min_confidence, fixing)
    return status


@dataclass
class _Outcome:
    label: str
    findings: list
    fixed: frozenset[int]
    remaining: list
    date: object = None  # the DocDate the formulations were checked against


def _check_one(name: str, args, rules: tuple[str, ...], fixing: bool) -> _Outcome:
    from drafter.check.dates import resolve_date
    from drafter.check.engine import check_text
    from drafter.check.model import at_least
    from drafter.check.report import date_note, format_text
    from drafter.check.source import load_source

    source = load_source(name)
    date = resolve_date(source.text, args.year, args.date)
    findings = check_text(source.text, date=date, rules=rules)
    fixed: frozenset[int] = frozenset()
    messages = list(source.notes)
    if fixing:
        fixed, more = _write_fixed(source, findings, args)
        messages += more
    remaining = [f for f in findings
                 if id(f) not in fixed and at_least(f.confidence, args.min_confidence)]
    if args.format == "text":
        print(format_text(source.label, findings, args.min_confidence, date_note(date), fixed))
        for message in messages:
            print(message)
        print()
    else:
        for message in messages:
            print(message, file=sys.stderr)
    return _Outcome(source.label, findings, fixed, remaining, date)


def _write_fixed(source, findings, args) -> tuple[frozenset[int], list[str]]:
    from pathlib import Path

    from drafter.check.source import fix_source
    from drafter.files.output import atomic_write, check_target

    if args.review:
        return _write_review(source, findings, args)
    if not any(f.fixable for f in findings):
        return frozenset(), ["没有可以自动修正的问题，未生成修正稿。"]
    if args.in_place:
        target, force = source.path, True
    else:
        target = Path(args.output) if args.output else source.path.with_name(
            f"{source.path.stem}.fixed{source.path.suffix}")
        force = args.force
        check_target(target, force)
    result = fix_source(source, findings)
    if not result.applied:
        notes = [f"未能自动修正 {f.location}“{f.text}”：{why}。" for f, why in result.skipped]
        return frozenset(), notes + ["没有可以自动修正的问题，未生成修正稿。"]
    atomic_write(target, lambda stream: stream.write(result.data), force=force)
    what = "已修正原文件" if args.in_place else "已生成修正稿"
    how = "修订，附批注说明理由；可在 Word“审阅”中逐条接受或拒绝" if source.kind == "docx" else "自动修正"
    messages = [f"{what}：{target}（{how} {len(result.applied)} 处）。"]
    messages += [f"未能自动修正 {f.location}“{f.text}”：{why}。" for f, why in result.skipped]
    return frozenset(id(f) for f in result.applied), messages


def _write_review(source, findings, args) -> tuple[frozenset[int], list[str]]:
    """--review: every finding shown as a comment, each concrete change as a tracked revision."""
    from pathlib import Path

    from drafter.check.model import at_least
    from drafter.check.revisions import tracked_copy
    from drafter.check.source import open_docx
    from drafter.files.output import atomic_write, check_target

    shown = [f for f in findings if at_least(f.confidence, args.min_confidence)]
    if not shown:
        return frozenset(), ["没有需要批注的问题，未生成审阅稿。"]
    target = Path(args.output) if args.output else source.path.with_name(
        f"{source.path.stem}.review{source.path.suffix}")
    check_target(target, args.force)
    result = tracked_copy(open_docx(source.path), [f for f in shown if f.fix is not None], shown)
    atomic_write(target, lambda stream: stream.write(result.data), force=args.force)
    messages = [f"已生成审阅稿：{target}（修订 {len(result.revised)} 处，批注 {len(result.commented)} 条；"
                "可在 Word“审阅”中逐条接受或拒绝）。"]
    messages += [f"未能写成修订 {f.location}“{f.text}”：{why}（已加批注）。" for f, why in result.skipped]
    return frozenset(id(f) for f in result.revised), messages


def _run_layout(args) -> int:
    """--layout: each file's effective layout against the style profile."""
    from drafter.check.layout import check_layout, format_layout, layout_json
    from drafter.errors import UserError
    from drafter.writers.styles import load_profile

    profile = load_profile(args.style or "gongwen")
    status, results = 0, []
    for name in args.files:
        try:
            deviations = check_layout(name, profile)
        except UserError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            status = 2
            continue
        if deviations and status == 0:
            status = 1
        results.append((name, deviations))
        if args.format == "text":
            print(format_layout(name, deviations, profile))
            print()
    if args.format == "json":
        print(layout_json(results))
    return status


def _print_json(results: list[_Outcome], min_confidence: str, fixing: bool) -> None:
    from drafter.check.report import format_json

    print(format_json([(o.label, o.findings, o.fixed if fixing else None, o.date)
                       for o in results], min_confidence))
