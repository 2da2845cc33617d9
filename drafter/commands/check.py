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
                     help="把把握较大（可信度高）的问题自动改好，另存为“原名.fixed.扩展名”")
    fix.add_argument("--in-place", action="store_true", help="自动修正后直接覆盖原文件（慎用）")
    p.add_argument("-o", "--output", metavar="输出文件", help="与 --fix 一起使用：修正稿的文件名（仅限一个文件）")
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的修正稿")
    p.add_argument("--rules", action="append", metavar="规则", help="另外使用的规则文件或文件夹（YAML），可多次使用")
    p.set_defaults(func=run)


def run(args) -> int:
    from drafter.check.rules import load_rules
    from drafter.errors import UserError

    fixing = args.fix or args.in_place
    if args.output and not args.fix:
        raise UserError("-o 只能与 --fix 一起使用，例如：drafter check 材料.docx --fix -o 改好的.docx。")
    if args.output and len(args.files) > 1:
        raise UserError("同时检查多个文件时不能用 -o 指定修正稿的文件名；"
                        "去掉 -o，修正稿会按“原名.fixed.扩展名”分别保存。")
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
    from drafter.output import atomic_write, check_target

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
    messages = [f"{what}：{target}（自动修正 {len(result.applied)} 处）。"]
    messages += [f"未能自动修正 {f.location}“{f.text}”：{why}。" for f, why in result.skipped]
    return frozenset(id(f) for f in result.applied), messages


def _print_json(results: list[_Outcome], min_confidence: str, fixing: bool) -> None:
    from drafter.check.report import format_json

    print(format_json([(o.label, o.findings, o.fixed if fixing else None, o.date)
                       for o in results], min_confidence))
