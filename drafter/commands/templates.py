"""drafter templates list|show|new|check: find, inspect, derive and check templates."""

from __future__ import annotations

import re
import sys


def register(sub) -> None:
    p = sub.add_parser(
        "templates",
        help="查看、新建和检查模板",
        description="查看可用的模板，查看一个模板的问题和提纲，在现有模板基础上新建模板，检查模板有无问题。",
    )
    actions = p.add_subparsers(dest="action", metavar="操作")

    def action(name: str, help_text: str, description: str):
        q = actions.add_parser(name, help=help_text, description=description)
        q.add_argument("--template-dir", action="append", metavar="文件夹",
                       help="另外查找模板的文件夹，可多次使用")
        return q

    action("list", "列出可用的模板", "列出所有找到的模板：编号、名称、版本、来源。"
           "查找顺序：--template-dir、环境变量 DRAFTER_TEMPLATES、当前目录的 templates/、用户模板目录、内置模板；"
           "编号相同时前面的优先。")
    show = action("show", "显示一个模板的问题和提纲", "显示模板的基本信息、继承关系、全部问题和提纲的各个部分。")
    show.add_argument("template", metavar="模板", help="模板编号或模板文件夹路径")
    new = action("new", "在现有模板基础上新建模板",
                 "新建一个继承现有模板的模板，只需改写与上级不同的部分。"
                 "默认建在用户模板目录中，也可用 --dir 指定文件夹。")
    new.add_argument("new_id", metavar="新模板编号", help="只用字母、数字、“-”和“_”，例如 canlian")
    new.add_argument("--from", dest="parent", required=True, metavar="上级模板",
                     help="要继承的模板编号，例如 kexie")
    new.add_argument("--dir", metavar="文件夹", help="新模板放在这个文件夹下（默认为用户模板目录）")
    check = action("check", "检查模板", "检查模板的全部问题并逐条列出（文件:行号：说明）。"
                   "没有问题时退出码为 0，有问题时为 1，用法错误时为 2。")
    check.add_argument("template", metavar="模板", help="模板编号或模板文件夹路径")
    p.set_defaults(func=run, parser=p)


def run(args) -> int:
    handlers = {"list": run_list, "show": run_show, "new": run_new, "check": run_check}
    handler = handlers.get(args.action)
    if handler is None:
        args.parser.print_help(sys.stderr)
        return 2
    return handler(args)


# ---------------------------------------------------------------- display helpers


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch)
               else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Rows aligned by display width; the last column is not padded."""
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [pad(cell, widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return lines


# ---------------------------------------------------------------- list


def run_list(args) -> int:
    from drafter.templates.loader import discover_all

    found = discover_all(args.template_dir)
    if not found:
        print("没有找到任何模板。请用 --template-dir 指明模板文件夹，或重新安装 drafter。",
              file=sys.stderr)
        return 1
    rows, shadowed, seen = [], [], {}
    for template_id, folder, label in found:
        if template_id in seen:
            shadowed.append(f"{template_id}（{label}：{folder}）被{seen[template_id]}中的同名模板覆盖")
            continue
        seen[template_id] = label
        meta = _read_meta(folder)
        rows.append([template_id, meta.get("title", ""), meta.get("version", ""), label,
                     meta.get("extends", "")])
    for line in table(["编号", "名称", "版本", "来源", "上级模板"], rows):
        print(line)
    for note in shadowed:
        print(f"注：{note}。")
    return 0


def _read_meta(folder) -> dict[str, str]:
    """Title, version and parent for the list; a broken file says so instead of failing."""
    from drafter.errors import UserError
    from drafter.files.yamlio import YamlProblem
    from drafter.templates.loader import META_FILE, load_template_yaml

    try:
        data = load_template_yaml(folder / META_FILE, "模板元数据").data
    except (YamlProblem, UserError):
        return {"title": "（template.yaml 有误，请运行 drafter templates check）"}
    if not isinstance(data, dict):
        return {"title": "（template.yaml 有误，请运行 drafter templates check）"}
    return {key: "" if data.get(key) is None else str(data.get(key))
            for key in ("title", "version", "extends")}


# ---------------------------------------------------------------- show


def run_show(args) -> int:
    from drafter.templates.loader import load_template

    template = load_template(args.template, args.template_dir)
    for line in describe(template):
        print(line)
    return 0


def describe(template) -> list[str]:
    """Everything `templates show` prints, as lines."""
    lines = [f"{template.title}（{template.id}）"]
    if template.description:
        lines.append(template.description)
    lines.append("")
    chain = " → ".join(template.chain_ids)
    facts = [
        ("版本", template.version or "（未写）"),
        ("组织", template.organisation or "（未写）"),
        ("来源", f"{template.source}：{template.folder}"),
        ("继承", chain if len(template.chain_ids) > 1 else "（不继承其他模板）"),
        ("版式", template.style),
        ("输出文件名", template.output),
    ]
    if template.target_chars or template.target_minutes:
        parts = []
        if template.target_chars:
            parts.append(f"{template.target_chars} 字")
        if template.target_minutes:
            parts.append(f"{template.target_minutes} 分钟")
        facts.append(("篇幅目标", "、".join(parts)))
    width = max(display_width(k) for k, _ in facts)
    lines += [f"{pad(key, width)}  {value}" for key, value in facts]
    lines += ["", f"问题（共 {len(template.questions)} 个）："]
    rows = []
    for q in template.questions:
        default = "" if q.default is None else _short(q.default)
        rows.append([q.name, q.type, q.label or "", "必填" if q.required else "", default,
                     q.group or "", _origin(template, q.source)])
    lines += ["  " + line for line in table(
        ["字段名", "类型", "问题", "必填", "默认值", "分组", "定义于"], rows)]
    lines += ["", "提纲："]
    lines += [f"  {line}".rstrip() for line in outline_sections(template)]
    return lines


def _short(value: object, limit: int = 16) -> str:
    text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    text = text.replace("\n", " ")
    return text if display_width(text) <= limit * 2 else text[:limit] + "…"


def _origin(template, source: str) -> str:
    from drafter.templates.outline import owner

    return (owner(template, source) or "") if source else ""


def outline_sections(template) -> list[str]:
    """Headings of the rendered outline and which template's block writes each part."""
    from drafter.document.numbering import heading_number
    from drafter.render.engine import make_environment
    from drafter.templates.outline import HEADING_RE, TAG_RE, block_first_line, outline_files, owner

    env = make_environment(template)
    outline = outline_files(template, env, [], quiet=True)
    if not outline.files:
        return ["（提纲无法读取，请运行 drafter templates check）"]
    owner_of = {}
    for info in reversed(outline.files):  # root first, children override
        for name in info.blocks:
            owner_of[name] = (owner(template, info.path) or "?", info)
    root = outline.files[-1]
    lines = []
    for raw in root.source.splitlines():
        match = HEADING_RE.match(raw)
        if not match or len(match.group(1)) != 2:
            continue
        blocks = re.findall(r"\{%-?\s*block\s+(\w+)", raw)
        text = TAG_RE.sub("", match.group(2)).strip()
        number = heading_number(1, len(lines) + 1)
        if blocks and blocks[0] in owner_of:
            block_owner, info = owner_of[blocks[0]]
            text = block_first_line(info.source, blocks[0]) or text
            lines.append(f"{number}{text}  [block {blocks[0]}，{block_owner}]")
        else:
            lines.append(f"{number}{text}")
    own = [n for n, (block_owner, _) in owner_of.items() if block_owner == template.id]
    if len(template.chain_ids) > 1:
        lines.append("")
        lines.append(f"本模板改写的 block：{'、'.join(own) if own else '（无，完全沿用上级提纲）'}")
        inherited = [n for n, (block_owner, _) in owner_of.items() if block_owner != template.id]
        lines.append(f"沿用上级的 block：{'、'.join(inherited) if inherited else '（无）'}")
    else:
        lines.append("")
        lines.append(f"可改写的 block：{'、'.join(owner_of)}")
    return lines


# ---------------------------------------------------------------- new


def run_new(args) -> int:
    from pathlib import Path

    from drafter.templates.loader import template_sources, user_template_dir
    from drafter.templates.scaffold import create_child

    base = Path(args.dir) if args.dir else user_template_dir()
    folder, findings = create_child(args.new_id, args.parent, base, args.template_dir)
    print(f"已新建模板 {args.new_id}（继承 {args.parent}）：{folder}")
    print(f"  {'template.yaml':<15} 名称、简介、版本等设置")
    print(f"  {'questions.yaml':<15} 增加、改写或删除问题")
    print(f"  {'outline.j2':<15} 改写提纲中与上级不同的 block（已复制两个 block 作为起点）")
    searched = {s.folder.resolve() for s in template_sources(args.template_dir)}
    if base.resolve() in searched:
        ref = args.new_id
    else:
        ref = f"{args.new_id} --template-dir {base}"
    print("下一步：")
    print("  1. 用文本编辑器修改上面三个文件（另存为 UTF-8）；")
    print(f"  2. 检查：drafter templates check {ref}")
    print(f"  3. 出稿：drafter render {ref} --answers 答案.yaml -o 草稿.docx")
    print("     或逐题回答：drafter new " + ref)
    for finding in findings:
        print(f"提示：{finding}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- check


def run_check(args) -> int:
    from pathlib import Path

    from drafter.templates.check import check_template, format_finding

    findings = check_template(args.template, args.template_dir)
    base = Path.cwd()
    for finding in findings:
        print(format_finding(finding, base))
    if findings:
        errors = sum(1 for f in findings if not f.warning)
        warnings = len(findings) - errors
        summary = f"共 {len(findings)} 处问题"
        if warnings:
            summary += f"（其中警告 {warnings} 处）"
        print(f"{summary}。改正后请再运行 drafter templates check {args.template}。", file=sys.stderr)
        return 1
    print(f"模板 {args.template} 检查通过，没有发现问题。")
    return 0

