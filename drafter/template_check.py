"""Check a template folder and report every problem at once, each with file and line.

What is checked: the YAML files (syntax, unknown settings with a did-you-mean,
questions), the parent chain (missing parent, cycles), the outline's Jinja
(syntax, unknown filters, blocks that override nothing, files outside the
template folders, Python internals), and how facts flow: a variable the
outline uses but no question asks, a question nothing uses, a default or
example that fails its own question's validation. Hand-typed heading numbers
are reported as a warning.

Parsed outline files are cached by path, size and modification time, so the
check is cheap enough to run before every render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.parser import Parser

from drafter.errors import SandboxError, TemplateError
from drafter.helpers import check_outline
from drafter.questions import did_you_mean
from drafter.templates import (
    META_FILE,
    OUTLINE_FILE,
    QUESTIONS_FILE,
    Template,
    TemplateProblem,
    load_with_problems,
)

# Used by the program itself, not only by the outline: the document's author.
IMPLICIT_USES = frozenset({"org_full_name"})
# Names every default and `when` expression can use besides the answers.
EXPRESSION_NAMES = frozenset({"this_year", "today"})
EXPRESSION_FILTERS = frozenset({"date_cn", "join_cn", "cn_num"})  # see drafter.expressions
SPECIAL_NAMES = frozenset({"self", "super", "loop", "caller", "varargs", "kwargs"})
HEADING_RE = re.compile(r"^\s*(#{2,5})\s?(.*)$")
BLOCK_TAG_RE = re.compile(r"\{%-?\s*block\s+(\w+)[^%]*-?%\}")
TAG_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}")
NUMBER_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])"
)
FILE_ORDER = {META_FILE: 0, QUESTIONS_FILE: 1, OUTLINE_FILE: 2}


# ---------------------------------------------------------------- one outline file


@dataclass
class BlockInfo:
    name: str
    line: int
    uses: list[tuple[str, int]] = field(default_factory=list)
    placements: list[str] = field(default_factory=list)
    includes: list[tuple[str, int]] = field(default_factory=list)
    calls_super: bool = False


@dataclass
class FileInfo:
    """What one outline file defines and uses; independent of the template around it."""

    path: str
    source: str
    error: tuple[str, int] | None = None  # Jinja syntax error: message, line
    extends: tuple[str | None, int] | None = None  # static name (None if computed), line
    top: BlockInfo = field(default_factory=lambda: BlockInfo("", 1))
    top_blocks: list[str] = field(default_factory=list)
    blocks: dict[str, BlockInfo] = field(default_factory=dict)
    top_defs: set[str] = field(default_factory=set)
    filters: list[tuple[str, int]] = field(default_factory=list)
    tests: list[tuple[str, int]] = field(default_factory=list)
    private: list[tuple[str, int]] = field(default_factory=list)
    references: list[tuple[str, int]] = field(default_factory=list)  # include/import names


class _Walker:
    """Collects names read from the context, block by block, with their lines.

    Scoping follows Jinja closely enough for attribution; the final set of
    names is cross-checked against jinja2.meta, which knows Jinja exactly.
    """

    def __init__(self, info: FileInfo, known: set[str]):
        self.info = info
        self.known = known

    def run(self, template: nodes.Template) -> None:
        self.body(template.body, set(), self.info.top, top_level=True)

    def body(self, statements, bound: set, block: BlockInfo, top_level: bool = False) -> None:
        for node in statements:
            self.visit(node, bound, block, top_level)

    def targets(self, node: nodes.Node) -> set[str]:
        return {n.name for n in node.find_all(nodes.Name)} | (
            {node.name} if isinstance(node, nodes.Name) else set())

    def visit(self, node, bound: set, block: BlockInfo, top_level: bool = False) -> None:
        info = self.info
        if node is None:
            return
        if isinstance(node, nodes.Extends):
            name = node.template.value if isinstance(node.template, nodes.Const) else None
            info.extends = (name if isinstance(name, str) else None, node.lineno)
            self.visit(node.template, bound, block)
        elif isinstance(node, nodes.Block):
            child = BlockInfo(node.name, node.lineno)
            info.blocks.setdefault(node.name, child)
            if top_level:
                info.top_blocks.append(node.name)
            else:
                block.placements.append(node.name)
            self.body(node.body, set(), child)
        elif isinstance(node, nodes.For):
            self.visit(node.iter, bound, block)
            inner = bound | self.targets(node.target) | {"loop"}
            self.visit(node.test, inner, block)
            self.body(node.body, inner, block)
            self.body(node.else_, set(bound), block)
        elif isinstance(node, nodes.If):
            self.visit(node.test, bound, block)
            self.body(node.body, bound, block, top_level)
            for branch in node.elif_:
                self.visit(branch, bound, block, top_level)
            self.body(node.else_, bound, block, top_level)
        elif isinstance(node, nodes.Macro):
            bound.add(node.name)
            if top_level:
                info.top_defs.add(node.name)
            for default in node.defaults:
                self.visit(default, bound, block)
            inner = bound | {a.name for a in node.args} | {"varargs", "kwargs", "caller"}
            self.body(node.body, inner, block)
        elif isinstance(node, nodes.CallBlock):
            self.visit(node.call, bound, block)
            for default in node.defaults:
                self.visit(default, bound, block)
            inner = bound | {a.name for a in node.args} | {"varargs", "kwargs", "caller"}
            self.body(node.body, inner, block)
        elif isinstance(node, nodes.With):
            for value in node.values:
                self.visit(value, bound, block)
            inner = bound | set().union(*(self.targets(t) for t in node.targets))
            self.body(node.body, inner, block)
        elif isinstance(node, nodes.Assign):
            self.visit(node.node, bound, block)
            if isinstance(node.target, nodes.NSRef):
                self.use(node.target.name, node.target.lineno, bound, block)
            else:
                names = self.targets(node.target)
                bound |= names
                if top_level:
                    info.top_defs |= names
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body, bound, block)
            self.visit(node.filter, bound, block)
            names = self.targets(node.target)
            bound |= names
            if top_level:
                info.top_defs |= names
        elif isinstance(node, (nodes.Import, nodes.FromImport)):
            self.reference(node.template, block)
            names = ({node.target} if isinstance(node, nodes.Import) else
                     {n[1] if isinstance(n, tuple) else n for n in node.names})
            bound |= names
            if top_level:
                info.top_defs |= names
        elif isinstance(node, nodes.Include):
            self.reference(node.template, block)
        elif isinstance(node, nodes.Name):
            if node.ctx == "load":
                self.use(node.name, node.lineno, bound, block)
        elif isinstance(node, (nodes.Filter, nodes.Test)):
            (info.filters if isinstance(node, nodes.Filter) else info.tests).append(
                (node.name, node.lineno))
            if node.name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
                self.private(node.args[0].value, node.lineno)
            self.generic(node, bound, block)
        elif isinstance(node, nodes.Getattr):
            self.private(node.attr, node.lineno)
            if isinstance(node.node, nodes.Name) and node.node.name == "self":
                block.placements.append(node.attr)
            self.generic(node, bound, block)
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const):
                self.private(node.arg.value, node.lineno)
            self.generic(node, bound, block)
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and (
                node.node.name == "super"):
            block.calls_super = True
            self.generic(node, bound, block, skip=node.node)
        else:
            self.generic(node, bound, block)

    def generic(self, node, bound, block, skip=None) -> None:
        for child in node.iter_child_nodes():
            if child is not skip:
                self.visit(child, bound, block)

    def use(self, name: str, line: int, bound: set, block: BlockInfo) -> None:
        if name not in bound and name not in SPECIAL_NAMES and name not in self.known:
            block.uses.append((name, line))

    def private(self, attr: object, line: int) -> None:
        if isinstance(attr, str) and attr.startswith("_"):
            self.info.private.append((attr, line))

    def reference(self, template: nodes.Expr, block: BlockInfo) -> None:
        if isinstance(template, nodes.Const) and isinstance(template.value, str):
            self.info.references.append((template.value, template.lineno))
            block.includes.append((template.value, template.lineno))


_FILE_CACHE: dict[tuple[str, int, int], FileInfo] = {}


def analyse_outline(path: Path, env: jinja2.Environment) -> FileInfo:
    """Parse one outline file and describe it; cached by path, size and mtime."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    cached = _FILE_CACHE.get(key)
    if cached is not None:
        return cached
    source = path.read_text(encoding="utf-8-sig")
    info = FileInfo(str(path), source)
    try:
        tree = env.parse(source, name=path.name, filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        info.error = (exc.message or str(exc), exc.lineno)
    else:
        _Walker(info, set(env.globals)).run(tree)
        try:
            exact = meta.find_undeclared_variables(tree)
        except jinja2.TemplateError:
            exact = None
        if exact is not None:
            _align_with_meta(info, exact)
    if len(_FILE_CACHE) > 256:
        _FILE_CACHE.clear()
    _FILE_CACHE[key] = info
    return info


def _align_with_meta(info: FileInfo, exact: set[str]) -> None:
    """Keep only names Jinja itself would look up; add any the walker missed."""
    seen: set[str] = set()
    for block in (info.top, *info.blocks.values()):
        block.uses = [(n, ln) for n, ln in block.uses if n in exact]
        seen |= {n for n, _ in block.uses}
    for name in sorted(exact - seen - SPECIAL_NAMES):
        info.top.uses.append((name, _first_line(info.source, name)))


def _first_line(source: str, name: str) -> int:
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    for number, line in enumerate(source.splitlines(), 1):
        if pattern.search(line):
            return number
    return 1


# ---------------------------------------------------------------- the whole template


@dataclass
class _Outline:
    """The outline files of a template, child first, and what is live in them."""

    files: list[FileInfo] = field(default_factory=list)
    uses: list[tuple[str, str, int, str]] = field(default_factory=list)  # name, file, line, block
    complete: bool = True  # False when a file could not be analysed


def _problem(code: str, message: str, file: object, line: int | None = None,
             field_name: str = "", warning: bool = False) -> TemplateProblem:
    return TemplateProblem(message, file=str(file), line=line, field=field_name, code=code,
                           warning=warning)


def _unsafe_name(name: str) -> bool:
    return ("\\" in name or name.startswith("/") or ".." in name.split("/") or ":" in name)


def _outline_files(template: Template, env, problems: list, quiet: bool) -> _Outline:
    """Follow {% extends %} from the template's outline to the root outline.

    `quiet`: the template's own settings failed to load, so a parent outline
    that cannot be found is a consequence, not a finding of its own.
    """
    outline = _Outline()
    name = template.outline_name
    if not name:
        outline.complete = False
        return outline
    seen: set[str] = set()
    referrer: tuple[str, int] | None = None
    while name is not None:
        if name in seen:
            problems.append(_problem("outline", f"提纲的 extends 出现循环（{name}）。",
                                     *(referrer or (template.folder, None))))
            outline.complete = False
            break
        seen.add(name)
        path = _locate(env, name)
        if path is None and quiet:
            outline.complete = False
            break
        if path is None:
            where = referrer or (template.folder / OUTLINE_FILE, None)
            parent = template.chain_ids[1] if len(template.chain_ids) > 1 else "上级模板编号"
            problems.append(_problem(
                "outline", f"提纲继承的“{name}”找不到。应写成上级模板的提纲，"
                f"例如 {{% extends \"{parent}/{OUTLINE_FILE}\" %}}。", *where))
            outline.complete = False
            break
        info = analyse_outline(path, env)
        outline.files.append(info)
        if info.error is not None:
            message, line = info.error
            problems.append(_problem("jinja", f"Jinja 语法错误：{message}", path, line))
            outline.complete = False
            break
        if info.extends is None:
            break
        name, line = info.extends
        referrer = (info.path, line)
        if name is None:
            outline.complete = False  # computed parent name: cannot follow
            break
        if _unsafe_name(name):
            problems.append(_problem("trust", f"“{name}”指向模板文件夹以外，渲染时会被拒绝。"
                                     "模板只能引用本模板及上级模板文件夹内的文件。", info.path, line))
            outline.complete = False
            break
    return outline


def _locate(env, name: str) -> Path | None:
    """The file a loader name refers to, or None if it is missing or refused."""
    found = _find(env, name)
    return found if isinstance(found, Path) else None


def _find(env, name: str) -> Path | str | None:
    """A path, the loader's refusal (a message), or None when there is no such file."""
    if _unsafe_name(name):
        return "unsafe"
    try:
        _, filename, _ = env.loader.get_source(env, name)
    except SandboxError as exc:
        return exc.message
    except (jinja2.TemplateNotFound, jinja2.TemplateError, OSError, ValueError):
        return None
    return Path(filename)


def _live_uses(outline: _Outline, env, problems: list) -> None:
    """Names used by what actually renders: overridden parent blocks do not count."""
    files = outline.files
    if not files:
        return
    root = files[-1]
    definitions: dict[str, list[tuple[FileInfo, BlockInfo]]] = {}
    for info in files:
        for name, block in info.blocks.items():
            definitions.setdefault(name, []).append((info, block))
    placed: set[str] = set(root.top_blocks)
    for info in files:
        for block in (info.top, *info.blocks.values()):
            placed |= set(block.placements)
    for info in files[:-1]:
        for name in info.top_blocks:
            if name not in placed:
                known = {n for n in placed if n}
                hint = did_you_mean(name, known)
                problems.append(_problem(
                    "block", f"块“{name}”在上级提纲中不存在，它的内容不会出现在文稿中。{hint}".rstrip(),
                    info.path, info.blocks[name].line))
    live: list[tuple[FileInfo, BlockInfo]] = [(info, info.top) for info in files]
    queue = list(root.top_blocks)
    done: set[str] = set()
    for _info, region in list(live):
        queue += region.placements
    while queue:
        name = queue.pop(0)
        if name in done or name not in definitions:
            continue
        done.add(name)
        for info, block in definitions[name]:
            live.append((info, block))
            queue += block.placements
            if not block.calls_super:
                break
    included: set[str] = set()
    for info, block in live:
        outline.uses += [(n, info.path, ln, block.name) for n, ln in block.uses]
        for name, _line in block.includes:
            if name in included or _unsafe_name(name):
                continue
            included.add(name)
            path = _locate(env, name)
            if path is None:
                continue
            extra = analyse_outline(path, env)
            if extra.error is not None:
                problems.append(_problem("jinja", f"Jinja 语法错误：{extra.error[0]}", path,
                                         extra.error[1]))
                outline.complete = False
                continue
            for region in (extra.top, *extra.blocks.values()):
                outline.uses += [(n, extra.path, ln, region.name) for n, ln in region.uses]


def _file_findings(info: FileInfo, env, problems: list) -> None:
    """Problems visible in one file on its own: filters, internals, file references."""
    for name, line in info.filters:
        if name not in env.filters:
            hint = did_you_mean(name, set(env.filters))
            problems.append(_problem("jinja", f"未知的过滤器“{name}”。{hint}".rstrip(), info.path,
                                     line))
    for name, line in info.tests:
        if name not in env.tests:
            hint = did_you_mean(name, set(env.tests))
            problems.append(_problem("jinja", f"未知的判断“is {name}”。{hint}".rstrip(), info.path,
                                     line))
    for attr, line in info.private:
        problems.append(_problem("trust", f"不能访问以下划线开头的内部属性“{attr}”，渲染时会被沙箱拒绝。",
                                 info.path, line))
    for name, line in info.references:
        found = _find(env, name)
        if isinstance(found, str):
            problems.append(_problem("trust", f"“{name}”指向模板文件夹以外，渲染时会被拒绝。"
                                     "模板只能引用本模板及上级模板文件夹内的文件。", info.path, line))
        elif found is None:
            problems.append(_problem("outline", f"找不到要引用的文件“{name}”。", info.path, line))


def _heading_findings(files: list[FileInfo], problems: list) -> None:
    """`## 一、…` typed by hand: the writer numbers headings, so the draft gets 一、一、."""
    heading_blocks: set[str] = set()
    for info in files:
        for line in info.source.splitlines():
            match = HEADING_RE.match(line)
            if match:
                heading_blocks |= set(BLOCK_TAG_RE.findall(match.group(2)))
    for info in files:
        lines = info.source.splitlines()
        for number, line in enumerate(lines, 1):
            match = HEADING_RE.match(line)
            candidates = []
            if match:
                candidates.append(TAG_RE.sub("", match.group(2)))
            for tag in BLOCK_TAG_RE.finditer(line):
                if tag.group(1) in heading_blocks and not match:
                    rest = TAG_RE.sub("", line[tag.end():])
                    following = (text for text in lines[number:] if text.strip())
                    candidates.append(rest if rest.strip() else next(following, ""))
            for text in candidates:
                found = NUMBER_RE.match(text)
                if found:
                    problems.append(_problem(
                        "heading", f"标题中手写了编号“{found.group(0).strip()}”。编号由程序按层级自动添加"
                        "（一、（一）1.（1）），请删去手写的编号，否则文稿中会出现重复编号。",
                        info.path, number, warning=True))
                    break


def _expression_names(env, text: str, is_template: bool) -> tuple[set[str], list[str], str]:
    """Names and filters a default (template) or `when` (expression) uses, or a syntax error."""
    try:
        if is_template:
            tree = env.parse(text)
        else:
            parser = Parser(env, text, state="variable")
            expr = parser.parse_expression()
            if not parser.stream.eos:
                raise jinja2.TemplateSyntaxError("表达式后面还有多余的内容", parser.stream.current.lineno)
            tree = nodes.Template([nodes.Output([expr])], lineno=1)
            tree.set_environment(env)
        names = meta.find_undeclared_variables(tree)
    except jinja2.TemplateSyntaxError as exc:
        return set(), [], exc.message or str(exc)
    filters = [f.name for f in tree.find_all(nodes.Filter)]
    return set(names), filters, ""


def _question_findings(template: Template, env, asked: set[str], problems: list
                       ) -> set[str]:
    """Defaults, examples and conditions; returns the names they use."""
    expr_filters = set(DEFAULT_FILTERS) | EXPRESSION_FILTERS
    used: set[str] = set()
    by_name = {spec.name: spec for spec in template.specs if spec.name}
    for question in template.questions:
        spec = by_name.get(question.name)
        if spec is None:
            continue
        checks = []
        if question.when:
            text = question.when.strip()
            if text.startswith("{{") and text.endswith("}}"):
                text = text[2:-2]
            checks.append(("when", "提问条件 when", text, False))
        if question.default_is_expression:
            checks.append(("default", "默认值", str(question.default), True))
        for key, what, text, is_template in checks:
            file, line = spec.where(key)
            names, filters, error = _expression_names(env, text, is_template)
            if error:
                problems.append(_problem("question", f"{what}有语法错误：{error}", file, line,
                                         question.name))
                continue
            used |= names
            for name in sorted(names - asked - EXPRESSION_NAMES):
                hint = did_you_mean(name, asked)
                problems.append(_problem(
                    "undeclared", f"{what}中使用了“{name}”，但问题清单中没有这个问题。{hint}".rstrip(),
                    file, line, question.name))
            for name in filters:
                if name not in expr_filters:
                    problems.append(_problem("question", f"{what}中用了未知的过滤器“{name}”。",
                                             file, line, question.name))
        for key, what, value in (("default", "默认值", question.default),
                                 ("example", "示例", question.example)):
            if value is None or value == "" or (key == "default" and question.default_is_expression):
                continue
            _, error = question.check(value)
            if error:
                file, line = spec.where(key)
                shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "…"
                problems.append(_problem("default", f"{what}“{shown}”不符合本问题自己的要求：{error}",
                                         file, line, question.name))
    return used


def _output_findings(template: Template, env, asked: set[str], problems: list) -> set[str]:
    file, line = template.output_where
    file = file or str(template.folder / META_FILE)
    names, _, error = _expression_names(env, template.output, True)
    if error:
        problems.append(_problem("meta", f"output（输出文件名格式）有语法错误：{error}", file, line))
        return set()
    for name in sorted(names - asked - {"title"}):
        hint = did_you_mean(name, asked)
        problems.append(_problem(
            "undeclared", f"output（输出文件名格式）使用了“{name}”，但问题清单中没有这个问题。{hint}".rstrip(),
            file, line))
    return names


def _undeclared_findings(outline: _Outline, asked: set[str], defined: set[str],
                         template: Template, problems: list) -> None:
    own_folder = template.folder
    lines: dict[tuple[str, str], list[int]] = {}
    blocks: dict[tuple[str, str], list[str]] = {}
    for name, file, line, block in outline.uses:
        if name in asked or name in defined:
            continue
        lines.setdefault((file, name), []).append(line)
        if block and block not in blocks.setdefault((file, name), []):
            blocks[(file, name)].append(block)
    for (file, name), found in lines.items():
        found = sorted(set(found))
        more = f"（另见第 {'、'.join(map(str, found[1:]))} 行）" if len(found) > 1 else ""
        if name in template.removed:
            where = "、".join(blocks.get((file, name), [])) or "用到它的部分"
            problems.append(_problem(
                "undeclared", f"提纲使用了“{name}”，但本模板已用 remove 删除了这个问题{more}。"
                f"请在本模板的 outline.j2 中改写 block {where}，或者不删除这个问题。",
                file, found[0]))
            continue
        hint = did_you_mean(name, asked)
        inherited = "" if Path(file).resolve().parent == own_folder.resolve() else (
            "这是上级模板的提纲；如果本模板删除或改名了这个问题，请同时改写用到它的 block。")
        problems.append(_problem(
            "undeclared", f"提纲使用了“{name}”，但问题清单中没有这个问题{more}。"
            f"{hint}{inherited or '请在 questions.yaml 中增加它，或改正拼写。'}",
            file, found[0]))


def check_loaded(template: Template, problems: list | None = None) -> list[TemplateProblem]:
    """Everything after loading: outline, how facts flow, defaults, headings.

    `problems` are the loading problems already found; they decide which
    checks would only repeat them (a question that failed to load is not
    also reported as "used but never asked").
    """
    from drafter.render import make_environment

    problems = list(problems or [])
    found: list[TemplateProblem] = []
    env = make_environment(template)
    asked = {spec.name for spec in template.specs if spec.name}
    asked |= {question.name for question in template.questions}
    loading_failed = any(p.code in ("yaml", "file", "parent", "cycle") for p in problems)
    outline = _outline_files(template, env, found, quiet=loading_failed)
    for info in outline.files:
        if info.error is None:
            _file_findings(info, env, found)
    if outline.complete:
        _live_uses(outline, env, found)
    _heading_findings(outline.files, found)
    used = _question_findings(template, env, asked, found)
    used |= _output_findings(template, env, asked, found)
    if outline.complete:
        defined = set().union(*(info.top_defs for info in outline.files)) | set(env.globals)
        if not loading_failed:
            _undeclared_findings(outline, asked, defined, template, found)
        used |= {use[0] for use in outline.uses}
        helper_findings, helper_uses = check_outline(template, outline.files)
        found += helper_findings
        used |= helper_uses
        if not loading_failed and outline.complete:
            for question in template.questions:
                if question.name not in used and question.name not in IMPLICIT_USES:
                    found.append(_problem(
                        "unused", f"这个问题（{question.title}）没有用到：提纲、输出文件名"
                        "和其他问题的默认值、提问条件中都没有它。请在提纲中使用它，或删去这个问题"
                        "（继承来的问题可在 questions.yaml 中写 - remove: 字段名 删除）。",
                        question.source, question.line, question.name))
    return _ordered(template, problems + found)


def check_template(name_or_path: str | Path, extra_dirs: list[str | Path] | None = None
                   ) -> list[TemplateProblem]:
    """Every problem in a template and its ancestors, in file and line order.

    Raises TemplateNotFound (a usage error) only when the template itself
    cannot be found; everything else comes back as a finding.
    """
    template, problems = load_with_problems(name_or_path, extra_dirs)
    if template is None:
        return _ordered(None, problems)
    return check_loaded(template, problems)


def ensure_renderable(template: Template) -> list[str]:
    """The check `drafter render` runs first: raise on errors, return warnings as text."""
    findings = check_loaded(template)
    errors = [f for f in findings if not f.warning]
    if errors:
        raise TemplateError(errors)
    return [format_finding(f) for f in findings]


def _ordered(template: Template | None, problems: list) -> list[TemplateProblem]:
    chain = [str(f.resolve()) for f in template.chain] if template else []

    def key(problem: TemplateProblem):
        path = Path(problem.file).resolve()
        folder = str(path.parent if path.suffix else path)
        rank = chain.index(folder) if folder in chain else len(chain)
        return (rank, str(path.parent), FILE_ORDER.get(path.name, 3), path.name,
                problem.line or 0)

    unique: list[TemplateProblem] = []
    for problem in problems:
        if problem not in unique:
            unique.append(problem)
    return sorted(unique, key=key)


def format_finding(problem: TemplateProblem, base: Path | None = None) -> str:
    """`file:line：message`, with the file relative to `base` when it is inside it."""
    file = problem.file
    if base is not None and file:
        try:
            file = str(Path(file).resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    where = f"{file}:{problem.line}" if problem.line else file
    prefix = "警告：" if getattr(problem, "warning", False) else ""
    subject = f"问题 {problem.field}：" if problem.field else ""
    message = f"{prefix}{subject}{problem.message}"
    return f"{where}：{message}" if where else message


__all__ = ["check_loaded", "check_template", "ensure_renderable", "format_finding"]
