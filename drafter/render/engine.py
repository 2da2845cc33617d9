"""Template + Answers → outline markup → Document, inside Jinja's sandbox.

Missing facts never break a draft: an empty optional fact renders as an
invisible marker and every sentence carrying it is dropped afterwards; a
required fact, when the user allows it, renders as a visible 【待补充：标签】.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import SecurityError

from drafter.document.model import Block as DocBlock
from drafter.document.model import Document, Kind, parse_outline, split_spans
from drafter.errors import MissingFactsError, Problem, SandboxError, TemplateError
from drafter.files.inputs import read_text
from drafter.render import helpers
from drafter.render.filters import (  # noqa: F401  (re-exported: the render API names them)
    ESCAPE,
    FILTERS,
    GAP,
    Missing,
    Paragraphs,
    Placeholder,
    book,
    cn_num,
    finalize,
    format_date,
    join_cn,
    paragraphs,
    quote,
    strip_end,
    wan,
)
from drafter.render.filters import is_empty as _empty
from drafter.render.sandbox import TIME_LIMIT, GuardedSandbox, guarded, memory_limit, time_limit
from drafter.templates.loader import Template, contained, folder_for, unsafe_name

MAX_OUTPUT = 2_000_000  # characters of markup a template may produce
MAX_RANGE = 10_000
RENDER_SECONDS = TIME_LIMIT
SENTENCE_RE = re.compile(r"[^。！？；]*(?:[。！？；]+[”’」）》】]*|$)")


class TemplateLoader(jinja2.BaseLoader):
    """Loads only files inside the template's own folder and its ancestors' folders.

    Every file looked for is remembered in `consulted` (path → whether it was there), so
    a clean check can be recorded against exactly the files it depended on.
    """

    def __init__(self, template: Template):
        self.template = template
        self.consulted: dict[Path, bool] = {}

    def get_source(self, environment, name: str):
        if unsafe_name(name):
            raise SandboxError(
                f"模板 {self.template.id} 试图读取“{name}”：模板只能读取本模板及其上级模板文件夹内的文件。"
            )
        folder = folder_for(self.template, name)
        candidates = []
        if folder is not None:
            candidates.append((folder, name.partition("/")[2]))
        candidates += [(f, name) for f in self.template.chain]
        for base, relative in candidates:
            if not relative:
                continue
            path = contained(base, relative)
            if path is None:  # a symlink out of the folder
                raise SandboxError(
                    f"模板 {self.template.id} 试图读取模板文件夹以外的文件“{name}”，已拒绝。"
                )
            path = path.resolve()
            found = path.is_file()
            self.consulted[path] = found
            if found:
                source = read_text(path, "提纲文件")
                return source, str(path), lambda: True  # one render per environment
        raise jinja2.TemplateNotFound(name)


class _Sandbox(GuardedSandbox):
    """Jinja's immutable sandbox, bounded in sizes, loop steps and calls (drafter.render.sandbox)."""


def _safe_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise SecurityError(f"range() 最多 {MAX_RANGE} 项")
    return result


@lru_cache(maxsize=1)
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled outlines kept between runs: compiling is most of a single render's Jinja cost.
    Keyed by the source's checksum, the folder by drafter's code and Jinja's version."""
    from drafter.files.cache import bytecode_cache

    return bytecode_cache()


def make_environment(template: Template) -> jinja2.Environment:
    env = _Sandbox(
        loader=TemplateLoader(template),
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    env.globals.update(range=_safe_range, cn_num=cn_num, join_cn=join_cn, date_cn=format_date)
    env.globals.update(helpers.globals_for(template))
    return env


def _without_markers(value: object) -> object:
    """An answer cannot carry the render's own markers and so drop or escape text itself."""
    if isinstance(value, str) and (GAP in value or ESCAPE in value):
        return value.replace(GAP, "").replace(ESCAPE, "")
    if isinstance(value, list):
        return [_without_markers(item) for item in value]
    return value


def build_context(template: Template, answers: dict, allow_missing: bool) -> dict:
    """Answers as the outline sees them: gaps for empty optional facts."""
    context: dict = {}
    missing: list[tuple[str, str]] = []
    for question in template.questions:
        value = answers.get(question.name)
        if _empty(value):
            if question.required:
                if not allow_missing:
                    missing.append((question.name, question.title))
                value = Placeholder(question.title)
            else:
                value = Missing(question.name)
        context[question.name] = _without_markers(value)
    if missing:
        raise MissingFactsError(missing)
    for name, value in helpers.derive(context).items():
        context.setdefault(name, value)  # an answer of the same name wins
    return context


def _where(exc: BaseException, template: Template) -> tuple[str, int | None]:
    """The template file and line a Jinja error happened at."""
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    if filename:
        return filename, lineno
    tb = exc.__traceback__
    file, line = str(template.folder), None
    while tb is not None:
        code = tb.tb_frame.f_code
        globs = tb.tb_frame.f_globals
        if "__jinja_template__" in globs:
            jt = globs["__jinja_template__"]
            file = jt.filename or file
            line = jt.get_corresponding_lineno(tb.tb_lineno)
        elif code.co_filename.endswith(".j2"):
            file, line = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return file, line


def render_markup(template: Template, context: dict, env: jinja2.Environment | None = None) -> str:
    """Run the outline through the sandbox, bounded in time and size."""
    env = env or make_environment(template)
    if isinstance(env, GuardedSandbox):
        env.reset_budget()
    try:
        with time_limit(RENDER_SECONDS, f"模板 {template.id} 运行超过 {RENDER_SECONDS} 秒仍未结束，"
                        "可能含有死循环，已停止。"), memory_limit():
            jt = env.get_template(template.outline_name)
            pieces: list[str] = []
            size = 0
            for piece in jt.generate(context):
                size += len(piece)
                if size > MAX_OUTPUT:
                    raise SandboxError(
                        f"模板 {template.id} 生成的内容超过 {MAX_OUTPUT} 字，已停止（可能是失控的循环）。"
                    )
                pieces.append(piece)
    except SandboxError as exc:
        file, line = _where(exc, template)
        where = f"{file}:{line}" if line else file
        raise SandboxError(f"{exc.message}（位置：{where}）") from None
    except SecurityError as exc:
        file, line = _where(exc, template)
        raise SandboxError(
            f"模板 {template.id} 做了沙箱不允许的操作（{exc}），位置：{file}:{line}。"
            "模板只能使用问题中的内容和提供的过滤器。"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([Problem(f"Jinja 语法错误：{exc.message}", file=exc.filename or "",
                                     line=exc.lineno)]) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([Problem(f"找不到模板文件“{exc.name}”。",
                                     file=str(template.folder))]) from None
    except jinja2.UndefinedError as exc:
        file, line = _where(exc, template)
        raise TemplateError([Problem(f"提纲使用了未定义的内容（{exc.message}）。"
                                     "请在 questions.yaml 中增加这个问题，或改正拼写。",
                                     file=file, line=line)]) from None
    except RecursionError as exc:
        file, line = _where(exc, template)
        where = f"{file}:{line}" if line else file
        raise SandboxError(f"模板 {template.id} 递归或嵌套过深，已停止（位置：{where}）。") from None
    except SyntaxError as exc:  # Python refused the compiled outline: nesting past its limits
        raise SandboxError(f"模板 {template.id} 的表达式嵌套过深，无法编译（位置：{exc.filename}）。"
                           "请拆成几个较短的表达式。") from None
    except MemoryError:
        raise SandboxError(f"模板 {template.id} 占用内存过多，已停止（可能是失控的循环）。") from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        file, line = _where(exc, template)
        raise TemplateError([Problem(f"提纲运行出错：{exc}", file=file, line=line)]) from None
    return "".join(pieces)


def drop_gaps(text: str) -> str:
    """Remove every sentence that carries an empty optional fact."""
    if GAP not in text:
        return text
    kept = [s for s in SENTENCE_RE.findall(text) if s and GAP not in s]
    result = "".join(kept)
    if result.endswith("；"):
        result = result[:-1] + "。"
    return result


def _clean_block(block: DocBlock) -> DocBlock | None:
    text = block.text.replace(ESCAPE, "")
    if block.kind is Kind.PARAGRAPH:
        text = drop_gaps(text)
    elif GAP in text:
        if block.kind in (Kind.SIGNATURE, Kind.DATE, Kind.SUBTITLE):
            return None
        text = text.replace(GAP, "")
    text = text.strip()
    if not text:
        return None
    return DocBlock(block.kind, split_spans(text), block.level, block.closing, block.line)


FORBIDDEN = ("{{", "}}", "{%", "%}", "{#", "None", "Undefined", "、、", "，，", "。。", "、。", "、，")


_FORBIDDEN_RE = re.compile("|".join(re.escape(bad) for bad in FORBIDDEN))


def guard(document: Document, template: Template, answer_text: str) -> None:
    """Template bugs must never reach a user's draft as raw tags or empty lists.

    Only the template's own text is judged: each answer is blanked out first, so an
    answer that ends in 、 next to the template's 、 is the user's text, not a template bug.
    """
    problems = []
    pieces = sorted({p.strip() for p in answer_text.split("\n") if p.strip()}, key=len,
                    reverse=True)
    suspect = _FORBIDDEN_RE.search("\n".join(b.text for b in document.blocks))
    for block in document.blocks if suspect else ():
        own = block.text
        for piece in pieces:
            own = own.replace(piece, "\ufdd2")
        for bad in FORBIDDEN:
            if bad in own and bad not in answer_text:
                problems.append(Problem(
                    f"生成的正文中出现了“{bad}”：“{block.text[:40]}…”。请检查提纲在这一处的写法。",
                    file=f"{template.id}/outline", line=block.line or None))
    if problems:
        raise TemplateError(problems)


def _answers_text(answers: dict) -> str:
    parts = []
    for value in answers.values():
        if isinstance(value, Iterable) and not isinstance(value, str):
            parts.extend(str(v) for v in value)
        else:
            parts.append(str(value))
    return "\n".join(parts)


def render_document(template: Template, answers: dict, allow_missing: bool = False,
                    env: jinja2.Environment | None = None) -> Document:
    """The whole content half of the pipeline: answers in, Document out."""
    context = build_context(template, answers, allow_missing)
    markup = render_markup(template, context, env)
    author = answers.get("org_full_name") or ""
    raw = parse_outline(markup, author=str(author) if not _empty(author) else "")
    blocks = tuple(b for b in (_clean_block(b) for b in raw.blocks) if b is not None)
    document = Document(blocks, author=raw.author)
    guard(document, template, _answers_text(answers))
    return document


def _compiled_output_pattern(env: jinja2.Environment, pattern: str) -> jinja2.Template:
    """The file-name pattern compiled once per environment: a batch names hundreds of files."""
    compiled = env.__dict__.setdefault("_drafter_output_patterns", {})
    if pattern not in compiled:
        compiled[pattern] = env.from_string(pattern)
    return compiled[pattern]


def _name_value(value: object) -> object:
    return "" if value is None or value == [] else value


def guarded_output_name(template: Template, env: jinja2.Environment, context: dict) -> str:
    """The output pattern rendered under the outline's bounds; any failure is a TemplateError
    at the `output:` line."""

    def run() -> str:
        if isinstance(env, GuardedSandbox):
            env.reset_budget()
        return _compiled_output_pattern(env, template.output).render(context)

    try:
        return guarded(run, "输出文件名格式（output）")
    except SandboxError as exc:
        file, line = template.output_where
        raise TemplateError([Problem(exc.message, file=file or str(template.folder / "template.yaml"),
                                     line=line)]) from None


def render_output_name(template: Template, answers: dict, env: jinja2.Environment | None = None
                       ) -> str:
    """The output file name from the template's pattern, safe for any file system."""
    env = env or make_environment(template)
    # An unanswered question is empty in the name; an answer 0 or False is kept.
    context = {q.name: _name_value(answers.get(q.name)) for q in template.questions}
    context.setdefault("title", template.title)
    name = guarded_output_name(template, env, context)
    name = name.replace(GAP, "")
    # Lone surrogates (possible through the Python API) cannot be encoded as a file name.
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\ud800-\udfff\ufffe\uffff]', "_", name).strip(" .")
    name = name or template.id
    return name[:120]

