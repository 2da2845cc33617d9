"""Reading outline sources: what each outline file defines, uses and refers to.

One home for everything that reads `outline.j2` files as text or as Jinja's parse tree
rather than rendering them: blocks and where they are placed, the names each block
reads, the chain of `{% extends %}` from a template's outline to the root outline,
which blocks are live (not overridden), which template owns a file, and which file
names a template may not refer to. The template check, `templates show` and
`templates new` are built on it.

Parsed files are cached by path, size and modification time, so the check is cheap
enough to run before every render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from drafter.errors import SandboxError, UserError
from drafter.files.inputs import read_text
from drafter.files.schema import did_you_mean
from drafter.templates.loader import OUTLINE_FILE, Template, TemplateProblem, unsafe_name

SPECIAL_NAMES = frozenset({"self", "super", "loop", "caller", "varargs", "kwargs"})
HEADING_RE = re.compile(r"^\s*(#{2,5})\s?(.*)$")
BLOCK_TAG_RE = re.compile(r"\{%-?\s*block\s+(\w+)[^%]*-?%\}")
TAG_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}")
TAG_FREE_RE = re.compile(r"\{[%#].*?[%#]\}", re.DOTALL)
_BLOCK_TAGS_RE = re.compile(r"\{%-?\s*(block\s+(\w+)|endblock(?:\s+\w+)?)[^%]*?-?%\}")
OUTSIDE_MESSAGE = "模板只能引用本模板及上级模板文件夹内的文件。"


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
    error: tuple[str, int | None] | None = None  # why it cannot be analysed: message, line
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
    """Parse one outline file and describe it; cached by path, size and mtime.

    A file that cannot be read, or nests too deeply to parse, comes back with `error`
    set, like a syntax error: the check reports it and goes on.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    cached = _FILE_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        source = read_text(path, "提纲文件")
    except UserError as exc:
        return FileInfo(str(path), "", error=(exc.message, None))
    info = FileInfo(str(path), source)
    try:
        tree = env.parse(source, name=path.name, filename=str(path))
        _Walker(info, set(env.globals)).run(tree)
        try:
            exact = meta.find_undeclared_variables(tree)
        except jinja2.TemplateError:
            exact = None
        if exact is not None:
            _align_with_meta(info, exact)
    except jinja2.TemplateSyntaxError as exc:
        info.error = (f"Jinja 语法错误：{exc.message or exc}", exc.lineno)
    except RecursionError:
        info = FileInfo(str(path), source, error=(
            "表达式或标签嵌套过深，无法解析。请拆成几个较短的表达式（例如先用 {% set %} 算出中间结果）。",
            None))
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


# ---------------------------------------------------------------- a template's outline


@dataclass
class Outline:
    """The outline files of a template, child first, and what is live in them."""

    files: list[FileInfo] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # each file's loader name
    uses: list[tuple[str, str, int, str]] = field(default_factory=list)  # name, file, line, block
    complete: bool = True  # False when a file could not be analysed


@dataclass(frozen=True)
class Refused:
    """The loader would not read a file: why, and the kind of finding that is."""

    code: str  # "trust": outside the template folders; "file": too large, not UTF-8, unreadable
    message: str


def locate(env, name: str) -> Path | None:
    """The file a loader name refers to, or None if it is missing or refused."""
    found = find(env, name)
    return found if isinstance(found, Path) else None


def find(env, name: str) -> Path | Refused | None:
    """A path, the loader's refusal, or None when there is no such file."""
    outside = Refused("trust", f"“{name}”指向模板文件夹以外，渲染时会被拒绝。{OUTSIDE_MESSAGE}")
    if unsafe_name(name):
        return outside
    try:
        _, filename, _ = env.loader.get_source(env, name)
    except SandboxError:
        return outside
    except UserError as exc:
        return Refused("file", exc.message)
    except (jinja2.TemplateNotFound, jinja2.TemplateError, OSError, ValueError):
        return None
    return Path(filename)


def outline_files(template: Template, env, problems: list, quiet: bool) -> Outline:
    """Follow {% extends %} from the template's outline to the root outline.

    `quiet`: the template's own settings failed to load, so a parent outline
    that cannot be found is a consequence, not a finding of its own.
    """
    outline = Outline()
    name = template.outline_name
    if not name:
        outline.complete = False
        return outline
    seen: set[str] = set()
    referrer: tuple[str, int] | None = None
    while name is not None:
        if name in seen:
            problems.append(TemplateProblem.at("outline", f"提纲的 extends 出现循环（{name}）。",
                                               *(referrer or (template.folder, None))))
            outline.complete = False
            break
        seen.add(name)
        path = find(env, name)
        if isinstance(path, Refused):
            problems.append(TemplateProblem.at(path.code, path.message,
                                               *(referrer or (template.folder / OUTLINE_FILE, None))))
            outline.complete = False
            break
        if path is None and quiet:
            outline.complete = False
            break
        if path is None:
            where = referrer or (template.folder / OUTLINE_FILE, None)
            parent = template.chain_ids[1] if len(template.chain_ids) > 1 else "上级模板编号"
            problems.append(TemplateProblem.at(
                "outline", f"提纲继承的“{name}”找不到。应写成上级模板的提纲，"
                f"例如 {{% extends \"{parent}/{OUTLINE_FILE}\" %}}。", *where))
            outline.complete = False
            break
        info = analyse_outline(path, env)
        outline.files.append(info)
        outline.names.append(name)
        if info.error is not None:
            problems.append(syntax_problem(info))
            outline.complete = False
            break
        if info.extends is None:
            break
        name, line = info.extends
        referrer = (info.path, line)
        if name is None:
            outline.complete = False  # computed parent name: cannot follow
            break
        if unsafe_name(name):
            problems.append(TemplateProblem.at("trust", find(env, name).message, info.path, line))
            outline.complete = False
            break
    return outline


def syntax_problem(info: FileInfo) -> TemplateProblem:
    """The finding for a file that could not be analysed (syntax, size, nesting)."""
    message, line = info.error
    return TemplateProblem.at("jinja", message, info.path, line)


def live_uses(outline: Outline, env, problems: list) -> None:
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
                problems.append(TemplateProblem.at(
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
            if name in included or unsafe_name(name):
                continue
            included.add(name)
            path = locate(env, name)
            if path is None:
                continue
            extra = analyse_outline(path, env)
            if extra.error is not None:
                problems.append(syntax_problem(extra))
                outline.complete = False
                continue
            for region in (extra.top, *extra.blocks.values()):
                outline.uses += [(n, extra.path, ln, region.name) for n, ln in region.uses]


# ---------------------------------------------------------------- blocks as text


def block_source(source: str, name: str) -> str:
    """A block's full text in an outline file, from its tag to its endblock, nesting included."""
    depth = 0
    start = None
    for tag in _BLOCK_TAGS_RE.finditer(source):
        opening = tag.group(1).startswith("block")
        if start is None:
            if opening and tag.group(2) == name:
                start, depth = tag.start(), 1
            continue
        depth += 1 if opening else -1
        if depth == 0:
            return source[start:tag.end()]
    return ""


def block_first_line(source: str, name: str) -> str:
    """The first line of a block's text, its tags removed (for headings)."""
    match = re.search(r"\{%-?\s*block\s+" + re.escape(name) + r"\b[^%]*%\}(.*?)\{%-?\s*endblock",
                      source, re.DOTALL)
    if not match:
        return ""
    text = TAG_RE.sub("", match.group(1)).strip()
    return text.splitlines()[0].strip() if text else ""


def has_text(block: str) -> bool:
    """Whether a block writes anything besides tags and comments."""
    return bool(TAG_FREE_RE.sub("", block).strip())


def owner(template: Template, path: str | Path) -> str | None:
    """The id of the template in the chain whose folder holds `path`, or None."""
    folder = Path(path).resolve().parent
    for template_id, chain_folder in zip(template.chain_ids, template.chain, strict=True):
        if folder == chain_folder.resolve():
            return template_id
    return None
