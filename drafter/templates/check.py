"""Check a template folder and report every problem at once, each with file and line.

What is checked: the YAML files (syntax, unknown settings with a did-you-mean,
questions), the parent chain (missing parent, cycles), the outline's Jinja
(syntax, unknown filters, blocks that override nothing, files outside the
template folders, Python internals), and how facts flow: a variable the
outline uses but no question asks, a question nothing uses, a default or
example that fails its own question's validation. Hand-typed heading numbers
are reported as a warning.

Reading the outline files is drafter.templates.outline's job; this module decides what is a
finding.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.parser import Parser

from drafter.document.numbering import read_number
from drafter.errors import TemplateError, UserError
from drafter.files.schema import did_you_mean
from drafter.interview.expressions import default_for, is_asked, when_expression
from drafter.render.engine import make_environment, render_output_name
from drafter.render.helpers import check_outline
from drafter.render.sandbox import nested_quantifier
from drafter.templates.loader import (
    META_FILE,
    OUTLINE_FILE,
    QUESTIONS_FILE,
    Template,
    TemplateProblem,
    load_with_problems,
    template_style,
)
from drafter.templates.outline import (
    BLOCK_TAG_RE,
    HEADING_RE,
    TAG_RE,
    FileInfo,
    Outline,
    Refused,
    find,
    live_uses,
    outline_files,
)

# Used by the program itself, not only by the outline: the document's author.
IMPLICIT_USES = frozenset({"org_full_name"})
# Names every default and `when` expression can use besides the answers.
EXPRESSION_NAMES = frozenset({"this_year", "today"})
EXPRESSION_FILTERS = frozenset({"date_cn", "join_cn", "cn_num"})  # see drafter.interview.expressions
FILE_ORDER = {META_FILE: 0, QUESTIONS_FILE: 1, OUTLINE_FILE: 2}


def _file_findings(info: FileInfo, env, problems: list) -> None:
    """Problems visible in one file on its own: filters, internals, file references."""
    for name, line in info.filters:
        if name not in env.filters:
            hint = did_you_mean(name, set(env.filters))
            problems.append(TemplateProblem.at("jinja", f"未知的过滤器“{name}”。{hint}".rstrip(), info.path,
                                     line))
    for name, line in info.tests:
        if name not in env.tests:
            hint = did_you_mean(name, set(env.tests))
            problems.append(TemplateProblem.at("jinja", f"未知的判断“is {name}”。{hint}".rstrip(), info.path,
                                     line))
    for attr, line in info.private:
        problems.append(TemplateProblem.at("trust", f"不能访问以下划线开头的内部属性“{attr}”，渲染时会被沙箱拒绝。",
                                 info.path, line))
    for name, line in info.references:
        found = find(env, name)
        if isinstance(found, Refused):
            problems.append(TemplateProblem.at(found.code, found.message, info.path, line))
        elif found is None:
            problems.append(TemplateProblem.at("outline", f"找不到要引用的文件“{name}”。", info.path, line))


def _compile_findings(info: FileInfo, name: str, env, problems: list) -> None:
    """An outline that parses can still be refused by Python's compiler (nesting too deep).
    Compiled through the loader, so the render that follows finds it in the bytecode cache."""
    try:
        env.get_template(name)
    except (SyntaxError, RecursionError, MemoryError):
        problems.append(TemplateProblem.at(
            "jinja", "提纲中的表达式嵌套过深，无法编译。请拆成几个较短的表达式（例如先用 {% set %} 算出中间结果）。",
            info.path))
    except jinja2.TemplateError:
        pass  # unknown filters and the like: reported by the analysis, with their lines


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
                found = read_number(text)
                if found:
                    problems.append(TemplateProblem.at(
                        "heading", f"标题中手写了编号“{found.token}”。编号由程序按层级自动添加"
                        "（一、（一）1.（1）），请删去手写的编号，否则文稿中会出现重复编号。",
                        info.path, number, warning=True))
                    break


def _expression_names(env, text: str, is_template: bool) -> tuple[set[str], list[str], str]:
    """Names and filters a default (template) or `when` (expression) uses, or why it cannot
    be parsed (a syntax error, or nesting too deep for the parser)."""
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
        return set(), [], f"有语法错误：{exc.message or exc}"
    except RecursionError:
        return set(), [], "嵌套过深，无法解析。请拆成几个较短的表达式，或改用提纲中的 {% set %} 逐步计算。"
    filters = [f.name for f in tree.find_all(nodes.Filter)]
    return set(names), filters, ""


def _question_findings(template: Template, env, asked: set[str], problems: list
                       ) -> tuple[set[str], set[tuple[str, str]]]:
    """Defaults, examples, conditions and patterns as written; returns the names they use
    and the (question, setting) pairs that cannot even be parsed."""
    expr_filters = set(DEFAULT_FILTERS) | EXPRESSION_FILTERS
    used: set[str] = set()
    unparsed: set[tuple[str, str]] = set()
    by_name = {spec.name: spec for spec in template.specs if spec.name}
    for question in template.questions:
        spec = by_name.get(question.name)
        if spec is None:
            continue
        checks = []
        if question.when:
            checks.append(("when", "提问条件 when", when_expression(question), False))
        if question.default_is_expression:
            checks.append(("default", "默认值", str(question.default), True))
        for key, what, text, is_template in checks:
            file, line = spec.where(key)
            names, filters, error = _expression_names(env, text, is_template)
            if error:
                unparsed.add((question.name, key))
                problems.append(TemplateProblem.at("question", f"{what}{error}", file, line,
                                                   question.name))
                continue
            used |= names
            for name in sorted(names - asked - EXPRESSION_NAMES):
                hint = did_you_mean(name, asked)
                problems.append(TemplateProblem.at(
                    "undeclared", f"{what}中使用了“{name}”，但问题清单中没有这个问题。{hint}".rstrip(),
                    file, line, question.name))
            for name in filters:
                if name not in expr_filters:
                    problems.append(TemplateProblem.at("question", f"{what}中用了未知的过滤器“{name}”。",
                                                       file, line, question.name))
        if question.pattern and nested_quantifier(question.pattern):
            unparsed.add((question.name, "pattern"))
            problems.append(TemplateProblem.at(
                "question", f"格式 pattern“{question.pattern}”中有嵌套的重复（如 (a+)+），"
                "遇到某些答案时校验会极慢甚至卡住。请改写为不嵌套的写法，例如把 (\\d+、)+ 改为 [\\d、]+。",
                *spec.where("pattern"), question.name))
            continue
        for key, what, value in (("default", "默认值", question.default),
                                 ("example", "示例", question.example)):
            if value is None or value == "" or (key == "default" and question.default_is_expression):
                continue
            file, line = spec.where(key)
            try:
                _, error = question.check(value)
            except TemplateError as exc:  # the pattern was stopped by the time limit
                problems.append(TemplateProblem.at("question", exc.problems[0].message,
                                                   *spec.where("pattern"), question.name))
                break
            if error:
                shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "…"
                problems.append(TemplateProblem.at("default", f"{what}“{shown}”不符合本问题自己的要求：{error}",
                                                   file, line, question.name))
    return used, unparsed


def _group_findings(template: Template, problems: list) -> None:
    """A group whose questions are split by another group: the terminal shows its title
    twice and the web form makes two sections of it. Typical cause: a child template
    renames a section's group, and an inherited question of that section keeps the old one."""
    by_name = {spec.name: spec for spec in template.specs if spec.name}
    closed: set[str] = set()
    previous = None
    for question in template.questions:
        group = question.group
        if group == previous:
            continue
        if group and group in closed:
            spec = by_name.get(question.name)
            file, line = spec.where("group") if spec else (question.source, question.line)
            problems.append(TemplateProblem.at(
                "group", f"这个问题属于分组“{group}”，但这个分组的问题已被分组"
                f"“{previous}”隔开：终端问卷会两次显示这个分组的标题，网页表单也会把它分成两处。"
                f"请让同一分组的问题连在一起：改写它的 group（继承来的问题可在本模板的 questions.yaml 中写"
                f" - name: {question.name} 和 group: 所在分组），或用 after 调整顺序。",
                file, line, question.name, warning=True))
        if previous is not None:
            closed.add(previous)
        previous = group


def _output_findings(template: Template, env, asked: set[str], problems: list
                     ) -> set[str] | None:
    """The names the output pattern uses, or None if it cannot be parsed."""
    file, line = template.output_where
    file = file or str(template.folder / META_FILE)
    names, _, error = _expression_names(env, template.output, True)
    if error:
        problems.append(TemplateProblem.at("meta", f"output（输出文件名格式）{error}", file, line))
        return None
    for name in sorted(names - asked - {"title"}):
        hint = did_you_mean(name, asked)
        problems.append(TemplateProblem.at(
            "undeclared", f"output（输出文件名格式）使用了“{name}”，但问题清单中没有这个问题。{hint}".rstrip(),
            file, line))
    return names


def _evaluation_findings(template: Template, env, skip: set[tuple[str, str]],
                         problems: list) -> None:
    """Run every `when`, default and the output pattern once, on the questions' examples,
    under the same bounds as a render: code that loops, recurses, exhausts memory or
    fails on ordinary answers is found here rather than by the first user."""
    by_name = {spec.name: spec for spec in template.specs if spec.name}
    sample: dict = {}
    for question in template.questions:
        spec = by_name.get(question.name)
        where = spec.where if spec is not None else (lambda key, q=question: (q.source, q.line))
        asked = True
        if question.when and (question.name, "when") not in skip:
            try:
                asked = is_asked(question, sample)
            except TemplateError as exc:
                problems.append(TemplateProblem.at("question", exc.problems[0].message,
                                                   *where("when"), question.name))
        value = None
        if asked and question.default_is_expression and (question.name, "default") not in skip:
            try:
                value = default_for(question, sample)
            except TemplateError as exc:
                problems.append(TemplateProblem.at("question", exc.problems[0].message,
                                                   *where("default"), question.name))
        elif asked and not question.default_is_expression:
            value = question.default
        if asked and question.example not in (None, ""):
            value = question.example
        checked = None
        if value is not None and (question.name, "pattern") not in skip:
            try:
                checked, error = question.check(value)
            except TemplateError:
                checked = None  # reported with the default and the example
        sample[question.name] = checked
    if ("", "output") not in skip:
        try:
            render_output_name(template, sample, env)
        except TemplateError as exc:
            problems.extend(TemplateProblem.at("meta", p.message, p.file, p.line)
                            for p in exc.problems)


def _undeclared_findings(outline: Outline, asked: set[str], defined: set[str],
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
            problems.append(TemplateProblem.at(
                "undeclared", f"提纲使用了“{name}”，但本模板已用 remove 删除了这个问题{more}。"
                f"请在本模板的 outline.j2 中改写 block {where}，或者不删除这个问题。",
                file, found[0]))
            continue
        hint = did_you_mean(name, asked)
        inherited = "" if Path(file).resolve().parent == own_folder.resolve() else (
            "这是上级模板的提纲；如果本模板删除或改名了这个问题，请同时改写用到它的 block。")
        problems.append(TemplateProblem.at(
            "undeclared", f"提纲使用了“{name}”，但问题清单中没有这个问题{more}。"
            f"{hint}{inherited or '请在 questions.yaml 中增加它，或改正拼写。'}",
            file, found[0]))


def check_loaded(template: Template, problems: list | None = None, env=None
                 ) -> list[TemplateProblem]:
    """Everything after loading: outline, how facts flow, defaults, headings.

    `problems` are the loading problems already found; they decide which
    checks would only repeat them (a question that failed to load is not
    also reported as "used but never asked"). `env`, when given, is the
    environment to check with; its loader records the files it looked for.
    """
    problems = list(problems or [])
    found: list[TemplateProblem] = []
    env = env or make_environment(template)
    asked = {spec.name for spec in template.specs if spec.name}
    asked |= {question.name for question in template.questions}
    loading_failed = any(p.code in ("yaml", "file", "parent", "cycle") for p in problems)
    outline = outline_files(template, env, found, quiet=loading_failed)
    for info, name in zip(outline.files, outline.names, strict=True):
        if info.error is None:
            _file_findings(info, env, found)
            _compile_findings(info, name, env, found)
    if outline.complete:
        live_uses(outline, env, found)
    _heading_findings(outline.files, found)
    used, unparsed = _question_findings(template, env, asked, found)
    _group_findings(template, found)
    output_names = _output_findings(template, env, asked, found)
    if output_names is None:
        unparsed.add(("", "output"))
    used |= output_names or set()
    if not loading_failed:
        _evaluation_findings(template, env, unparsed, found)
        try:
            template_style(template)
        except UserError as exc:
            found.append(TemplateProblem.at("trust", exc.message, template.folder / META_FILE))
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
                    found.append(TemplateProblem.at(
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
    """The check `drafter render` runs first: raise on errors, return warnings as text.

    A clean result is remembered in the cache together with a digest of every file the
    check read or looked for; while those are unchanged the check is not run again.
    """
    from drafter.files.cache import cached_file, files_unchanged, record_files

    record = cached_file("checked", template.identity)
    if files_unchanged(record):
        return []
    env = make_environment(template)
    findings = check_loaded(template, env=env)
    errors = [f for f in findings if not f.warning]
    if errors:
        raise TemplateError(errors)
    if not findings:
        record_files(record, {*(folder.resolve() / name for folder in template.chain
                                for name in (META_FILE, QUESTIONS_FILE, OUTLINE_FILE)),
                              *env.loader.consulted})
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
