"""Find, load and extend template folders.

A template is a folder::

    template.yaml    metadata: id, title, description, organisation, version,
                     extends, style, output, target, reference_docx
    questions.yaml   questions: the facts to ask (a child adds, overrides or removes)
    outline.j2       the outline as Jinja text producing outline markup

A child names its parent with `extends`; it inherits the parent's questions and
outline and overrides only what differs.

Templates are found, first match wins, in: folders given with --template-dir,
folders in $DRAFTER_TEMPLATES, ./templates, the user's data folder, and the
built-in templates. A parent is also looked for beside its child, so a team's
folder of templates that extend one another works when given as a path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from drafter.errors import Problem, TemplateError, TemplateNotFound, UserError
from drafter.files.inputs import read_text
from drafter.files.schema import Fields, did_you_mean
from drafter.files.userdirs import user_dir
from drafter.files.yamlio import Loaded, YamlProblem, load_yaml_file
from drafter.interview.questions import Question, parse_question
from drafter.templates.checklists import link_measures

META_FILE = "template.yaml"
QUESTIONS_FILE = "questions.yaml"
OUTLINE_FILE = "outline.j2"
ENV_VAR = "DRAFTER_TEMPLATES"

META_KEYS = {
    "id": "模板编号",
    "title": "模板名称",
    "description": "简介",
    "organisation": "组织类型",
    "version": "版本",
    "extends": "继承的上级模板",
    "style": "版式（style profile）",
    "output": "输出文件名格式",
    "target": "篇幅目标",
    "reference_docx": "参考文档（版式来源）",
}
TARGET_KEYS = {"chars", "minutes"}
MAX_DEPTH = 10

SOURCE_LABELS = ("--template-dir", f"${ENV_VAR}", "同目录", "当前目录", "用户目录", "内置", "路径")


@dataclass(frozen=True)
class TemplateProblem(Problem):
    """A problem in a template, with a short code saying which kind (for tests and tools)."""

    code: str = ""
    warning: bool = False

    @classmethod
    def at(cls, code: str, message: str, file: object, line: int | None = None,
           field_name: str = "", warning: bool = False) -> TemplateProblem:
        """A problem of kind `code` at file:line (any path-like `file`)."""
        return cls(message, file=str(file), line=line, field=field_name, code=code,
                   warning=warning)


class Source(NamedTuple):
    """Where templates were found: a label for people and a folder."""

    label: str
    folder: Path


@dataclass(frozen=True)
class Spec:
    """One question definition as written, before it becomes a Question.

    `keys` remembers the file and line of every setting, since a child's
    override mixes settings from two files.
    """

    data: object
    file: str
    line: int | None
    keys: dict = field(default_factory=dict, compare=False)

    @cached_property  # looked up for every pair of specs when a child template is merged
    def name(self) -> str | None:
        name = self.data.get("name") if isinstance(self.data, dict) else None
        return name if isinstance(name, str) else None

    def where(self, key: str) -> tuple[str, int | None]:
        return self.keys.get(key, (self.file, self.line))


class Template(NamedTuple):
    """A loaded template with its whole chain of ancestors merged in. A NamedTuple rather
    than a frozen dataclass of 21 fields (~3 ms to create at every import)."""

    id: str
    title: str
    folder: Path
    source: str
    description: str = ""
    organisation: str = ""
    version: str = ""
    extends: str = ""
    style: str = "gongwen"
    output: str = "{{ title }}"
    target_chars: int | None = None
    target_minutes: float | None = None
    reference_docx: Path | None = None
    questions: tuple[Question, ...] = ()
    chain: tuple[Path, ...] = ()  # own folder first, then each ancestor's
    chain_ids: tuple[str, ...] = ()
    outline_name: str = ""  # loader name of the outline to render
    warnings: tuple[Problem, ...] = ()
    specs: tuple[Spec, ...] = ()
    output_where: tuple[str, int | None] = ("", None)  # where `output` is set: file, line
    removed: frozenset[str] = frozenset()

    @property
    def identity(self) -> bytes:
        """Which template this is, for caches: each template of the chain and its folder."""
        return "\0".join(f"{template_id}\0{folder.resolve()}" for template_id, folder in
                          zip(self.chain_ids, self.chain, strict=True)).encode()

    @property
    def shipped(self) -> bool:
        """Whether every template of the chain is one installed with drafter: its own test
        suite checks those before release, so a render need not check them again."""
        packaged = packaged_template_dir()
        return packaged is not None and all(
            folder.resolve().is_relative_to(packaged) for folder in self.chain)

    def question(self, name: str) -> Question | None:
        for q in self.questions:
            if q.name == name:
                return q
        return None


def user_template_dir() -> Path:
    """The per-user template folder, by platform convention."""
    return user_dir("data") / "drafter" / "templates"


def builtin_template_dir() -> Path:
    """Built-in templates: inside the wheel, or the repository's templates/ folder."""
    return packaged_template_dir() or Path(__file__).resolve().parent.parent.parent / "templates"


def packaged_template_dir() -> Path | None:
    """The built-in templates as installed from the wheel (None in a source checkout, where
    they are being edited)."""
    packaged = Path(__file__).resolve().parent.parent / "builtin_templates"
    return packaged if packaged.is_dir() else None


def template_sources(extra_dirs: list[str | Path] | None = None,
                     near: Path | None = None) -> list[Source]:
    """Search order: --template-dir, $DRAFTER_TEMPLATES, [near], ./templates, user, built-in.

    `near` is the folder holding a child template, searched for its parent.
    """
    sources = [Source("--template-dir", Path(d)) for d in extra_dirs or []]
    for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if part.strip():
            sources.append(Source(f"${ENV_VAR}", Path(part.strip())))
    if near is not None:
        sources.append(Source("同目录", near))
    sources.append(Source("当前目录", Path.cwd() / "templates"))
    sources.append(Source("用户目录", user_template_dir()))
    sources.append(Source("内置", builtin_template_dir()))
    builtin = builtin_template_dir().resolve()
    seen: dict[Path, Source] = {}
    for source in sources:
        key = source.folder.resolve()
        if key == builtin:
            source = Source("内置", source.folder)
        if key not in seen:
            seen[key] = source
        elif source.label == "内置":
            seen[key] = source
    return list(seen.values())


_ID_LINE_RE = re.compile(r"""^id:[ \t]*(["']?)([A-Za-z0-9_-]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE)
_ID_RE = re.compile(r"[A-Za-z0-9_-]+")
_YAML_CACHE: dict[tuple[str, int, int], Loaded] = {}


def load_template_yaml(path: Path, what: str) -> Loaded:
    """A template's YAML file (load_yaml_file), remembered by path, size and mtime: a render
    and its check share it."""
    try:
        stat = path.stat()
    except OSError:
        return load_yaml_file(path, what)
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    loaded = _YAML_CACHE.get(key)
    if loaded is None:
        loaded = load_yaml_file(path, what)
        if len(_YAML_CACHE) > 256:
            _YAML_CACHE.clear()
        _YAML_CACHE[key] = loaded
    return loaded


def _read_id(folder: Path) -> str:
    """The id a folder declares, or its folder name; cheap and never raises."""
    try:
        text = read_text(folder / META_FILE, "模板元数据")
    except UserError:
        return folder.name
    match = _ID_LINE_RE.search(text)
    if match:
        return match.group(2)
    try:
        loaded = load_template_yaml(folder / META_FILE, "模板元数据")
    except (YamlProblem, UserError):
        return folder.name
    data = loaded.data
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return folder.name


def discover_all(extra_dirs: list[str | Path] | None = None,
                 near: Path | None = None) -> list[tuple[str, Path, str]]:
    """Every template folder found, as (id, folder, source label), in search order.

    The same id can appear more than once; the first one is the one used.
    """
    found: list[tuple[str, Path, str]] = []
    for source in template_sources(extra_dirs, near):
        if not source.folder.is_dir():
            continue
        try:
            folders = sorted(source.folder.iterdir())
        except OSError:
            continue
        for folder in folders:
            if (folder / META_FILE).is_file():
                found.append((_read_id(folder), folder, source.label))
    return found


def discover(extra_dirs: list[str | Path] | None = None,
             near: Path | None = None) -> dict[str, tuple[Path, str]]:
    """Map template id to (folder, source label); earlier sources win."""
    found: dict[str, tuple[Path, str]] = {}
    for template_id, folder, label in discover_all(extra_dirs, near):
        found.setdefault(template_id, (folder, label))
    return found


class Listing(NamedTuple):
    """One template as a chooser shows it; a broken one is listed, not hidden."""

    id: str
    folder: Path
    title: str
    description: str
    broken: bool = False


def listings(extra_dirs: list[str | Path] | None = None) -> list[Listing]:
    """Every template found (own folders first, first id wins), loaded for its title."""
    from drafter.errors import UserError

    found = []
    for template_id, (folder, _source) in discover(extra_dirs).items():
        try:
            template = load_template(str(folder), extra_dirs)
        except UserError:
            found.append(Listing(template_id, folder, template_id, "模板有误，选中后会列出问题。",
                                 broken=True))
            continue
        found.append(Listing(template.id, folder, template.title, template.description))
    return found


def resolve(name: str, extra_dirs: list[str | Path] | None = None,
            near: Path | None = None) -> tuple[Path, str]:
    """A template id, or a path to a template folder (or its template.yaml)."""
    path = Path(name)
    if path.name == META_FILE and path.is_file():
        path = path.parent
    if (path / META_FILE).is_file() and (os.sep in name or "/" in name or path.is_absolute()
                                         or not looks_like_id(name)):
        return path, "路径"
    found = discover(extra_dirs, near)
    if name in found:
        return found[name]
    if (path / META_FILE).is_file():
        return path, "路径"
    raise TemplateNotFound(name, sorted(found))


def looks_like_id(name: str) -> bool:
    """Template ids are ASCII letters, digits, '-' and '_': they become folder and loader names."""
    return bool(_ID_RE.fullmatch(name))


def load_template(name: str | Path, extra_dirs: list[str | Path] | None = None) -> Template:
    """Load a template with its ancestors; raise TemplateError listing every problem."""
    template, problems = load_with_problems(name, extra_dirs)
    if problems or template is None:
        raise TemplateError(problems or [Problem("无法读取模板。", file=str(name))])
    return template


def load_with_problems(name: str | Path, extra_dirs: list[str | Path] | None = None
                       ) -> tuple[Template | None, list[TemplateProblem]]:
    """Load as far as possible and collect every problem instead of stopping at the first.

    Raises TemplateNotFound only when `name` itself cannot be found.
    """
    folder, source = resolve(str(name), extra_dirs)
    problems: list[TemplateProblem] = []
    template = _load_chain(folder, source, extra_dirs, problems, seen=[])
    return template, _unique(problems)


def _unique(problems: list) -> list:
    """A template reached twice (a cycle) reports its problems once."""
    seen: set = set()
    result = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            result.append(problem)
    return result


def _tagged(problem: Problem, code: str) -> TemplateProblem:
    return TemplateProblem(problem.message, problem.file, problem.line, problem.field, code=code)


def _read_yaml(path: Path, what: str, problems: list) -> Loaded | None:
    try:
        return load_template_yaml(path, what)
    except YamlProblem as exc:
        problems.append(_tagged(exc.problem, "yaml"))
    except UserError as exc:
        problems.append(TemplateProblem.at("file", exc.message, path))
    return None


def _load_meta(folder: Path, problems: list) -> tuple[dict, Loaded | None]:
    meta_path = folder / META_FILE
    loaded = _read_yaml(meta_path, "模板元数据", problems)
    if loaded is None:
        return {}, None
    fields = Fields(lambda path: (str(meta_path), loaded.line(*path) or 1), lambda path: "")
    data = fields.mapping((), loaded.data, META_KEYS, "未知的设置“{key}”。",
                          message="template.yaml 应由“键: 值”组成。")
    if loaded.data is not None and not isinstance(loaded.data, dict):
        problems.extend(_tagged(p, "meta") for p in fields.problems)
        return {}, loaded
    for key in ("id", "title"):
        wrong = f"缺少 {key}（{META_KEYS[key]}），或它不是文字。"
        fields.text((key,), data.get(key), required=True, numbers=False, message=wrong,
                    missing=wrong)
    if isinstance(data.get("id"), str) and data["id"].strip() and not looks_like_id(data["id"]):
        fields.problem(("id",), f"模板编号“{data['id']}”只能由字母、数字、“-”和“_”组成。")
    for key in ("description", "organisation", "extends", "style", "output", "reference_docx"):
        fields.text((key,), data.get(key), numbers=False, message=f"{key}（{META_KEYS[key]}）应为文字。")
    fields.text(("version",), data.get("version"), message="version（版本）应为文字，例如 \"1.0\"。")
    target = fields.mapping(("target",), data.get("target"), TARGET_KEYS,
                            "target 中未知的设置“{key}”（可用 chars、minutes）。",
                            message="target 应包含 chars（字数）和/或 minutes（分钟）。")
    for key in TARGET_KEYS & set(target):
        positive = f"target.{key} 应为正数。"
        if fields.number(("target", key), target[key], low=0, high=None, message=positive) == 0:
            fields.problem(("target", key), positive)
    problems.extend(_tagged(p, "meta") for p in fields.problems)
    return data, loaded


def _load_question_specs(folder: Path, problems: list) -> list[Spec]:
    path = folder / QUESTIONS_FILE
    if not path.is_file():
        return []
    loaded = _read_yaml(path, "问题清单", problems)
    if loaded is None or loaded.data is None:
        return []
    data = loaded.data
    file = str(path)
    if not isinstance(data, dict):
        problems.append(TemplateProblem.at(
            "question", "questions.yaml 应以“questions:”开头，下面逐项列出问题。", file, 1))
        return []
    fields = Fields(lambda where: (file, loaded.line(*where)), lambda where: "")
    fields.mapping((), data, {"questions"}, "questions.yaml 只应包含 questions，发现了“{key}”。")
    items = data.get("questions") or []
    if not fields.problems and not isinstance(items, list):
        fields.problem(("questions",), "questions 应为列表（每项以“- ”开头）。")
    if fields.problems:
        problems.extend(_tagged(p, "question") for p in fields.problems)
        return []
    specs = []
    for i, item in enumerate(items):
        keys = {}
        if isinstance(item, dict):
            keys = {k: (file, loaded.lines.get(("questions", i, k))) for k in item}
        specs.append(Spec(item, file, loaded.line("questions", i), keys))
    return specs


def _merge_specs(parent: list[Spec], child: list[Spec], problems: list,
                 removed: set[str] | None = None) -> list[Spec]:
    """Child specs override parent specs by name, remove them, or add new ones.

    Names removed are added to `removed`, so the check can say why they are missing.
    """
    merged: list[Spec] = list(parent)
    removed = set() if removed is None else removed
    defined_here: set[str] = set()

    def position(name: object) -> int | None:
        for i, spec in enumerate(merged):
            if spec.name is not None and spec.name == name:
                return i
        return None

    for spec in child:
        data = spec.data
        if isinstance(data, dict) and "remove" in data:
            name = data["remove"]
            if len(data) > 1:
                problems.append(TemplateProblem.at("question", "remove 项只应写要删除的字段名。", spec.file,
                                         spec.line))
            index = position(name)
            if index is None:
                hint = did_you_mean(str(name), {s.name for s in merged if s.name})
                problems.append(TemplateProblem.at(
                    "question", f"要删除的问题“{name}”在上级模板中不存在。{hint}".rstrip(),
                    spec.file, spec.line))
            else:
                del merged[index]
                removed.add(str(name))
            continue
        name = spec.name
        if name is not None and name in defined_here:
            problems.append(TemplateProblem.at("question", f"字段名“{name}”重复。", spec.file, spec.line,
                                     name))
            continue
        if name is not None:
            defined_here.add(name)
        index = position(name) if name is not None else None
        after = data.get("after") if isinstance(data, dict) else None
        if index is not None:
            base = merged.pop(index)
            spec = Spec({**base.data, **data}, spec.file, spec.line, {**base.keys, **spec.keys})
        else:
            index = len(merged)
        if after is not None:
            anchor = position(after)
            if anchor is None:
                hint = did_you_mean(str(after), {s.name for s in merged if s.name})
                problems.append(TemplateProblem.at(
                    "question", f"after 指定的问题“{after}”不存在。{hint}".rstrip(),
                    *spec.where("after")))
            else:
                index = anchor + 1
        merged.insert(index, spec)
    return merged


def _resolve_parent(parent_id: str, folder: Path, extra_dirs, meta_path: Path, line,
                    problems: list) -> tuple[Path, str] | None:
    try:
        return resolve(parent_id, extra_dirs, near=folder.parent)
    except TemplateNotFound as exc:
        problems.append(TemplateProblem.at("parent", f"extends 指定的上级模板不存在。{exc.message}",
                                 meta_path, line))
    return None


def _load_chain(folder: Path, source: str, extra_dirs, problems: list,
                seen: list[str]) -> Template | None:
    data, meta_loaded = _load_meta(folder, problems)
    meta_path = folder / META_FILE
    extends_line = meta_loaded.line("extends") if meta_loaded else None
    template_id = data.get("id") if isinstance(data.get("id"), str) else folder.name
    if template_id in seen:
        cycle = " → ".join([*seen, template_id])
        problems.append(TemplateProblem.at("cycle", f"模板继承出现循环：{cycle}。请修改 extends。", meta_path,
                                 extends_line))
        return None
    if len(seen) > MAX_DEPTH:
        problems.append(TemplateProblem.at("cycle", f"模板继承层级过多（超过 {MAX_DEPTH} 层）。", meta_path,
                                 extends_line))
        return None
    parent: Template | None = None
    parent_id = data.get("extends") or ""
    if parent_id and isinstance(parent_id, str):
        found = _resolve_parent(parent_id, folder, extra_dirs, meta_path, extends_line, problems)
        if found is not None:
            parent_folder, parent_source = found
            if parent_folder.resolve() == folder.resolve():
                problems.append(TemplateProblem.at("cycle", f"模板不能继承自己：extends: {parent_id}。",
                                         meta_path, extends_line))
            else:
                parent = _load_chain(parent_folder, parent_source, extra_dirs, problems,
                                     seen=[*seen, template_id])
    removed = set(parent.removed) if parent else set()
    specs = _merge_specs(list(parent.specs) if parent else [],
                         _load_question_specs(folder, problems), problems, removed)
    questions: list[Question] = []
    names: set[str] = set()
    for spec in specs:
        question, found_problems = parse_question(spec.data, spec.file, spec.line,
                                                  allow_child_keys=True)
        problems.extend(_tagged(p, "question") for p in found_problems)
        if question is None or question.name in names:
            continue
        names.add(question.name)
        questions.append(question)
    questions, link_problems = link_measures(questions, str(folder / QUESTIONS_FILE))
    problems.extend(_tagged(p, "question") for p in link_problems)
    has_outline = (folder / OUTLINE_FILE).is_file()
    if not has_outline and parent is None and not (parent_id and isinstance(parent_id, str)):
        problems.append(TemplateProblem.at("outline", f"缺少提纲文件 {OUTLINE_FILE}。", folder))
    chain = (folder, *(parent.chain if parent else ()))
    chain_ids = (template_id, *(parent.chain_ids if parent else ()))
    outline_name = (f"{template_id}/{OUTLINE_FILE}" if has_outline
                    else (parent.outline_name if parent else ""))
    target = data.get("target") if isinstance(data.get("target"), dict) else {}
    inherited = parent or Template(id="", title="", folder=folder, source="")
    reference = data.get("reference_docx")
    if isinstance(reference, str):
        reference = _contained_setting(folder, "reference_docx", reference, meta_loaded,
                                       problems)
    style = data.get("style")
    if isinstance(style, str) and is_style_file(style):
        if _contained_setting(folder, "style", style, meta_loaded, problems) is None:
            style = None  # refused: never looked up, not even by name
    own_output = isinstance(data.get("output"), str) and data.get("output")
    return Template(
        id=str(template_id),
        title=str(data.get("title") or inherited.title),
        folder=folder,
        source=source,
        description=str(data.get("description") or inherited.description),
        organisation=str(data.get("organisation") or inherited.organisation),
        version=str(data.get("version") if data.get("version") is not None else ""),
        extends=str(parent_id),
        style=str(style or inherited.style or "gongwen"),
        output=str(data.get("output") or inherited.output or "{{ title }}"),
        target_chars=target.get("chars", inherited.target_chars),
        target_minutes=target.get("minutes", inherited.target_minutes),
        reference_docx=reference if isinstance(reference, Path) else
        None if "reference_docx" in data else inherited.reference_docx,
        questions=tuple(questions),
        chain=chain,
        chain_ids=chain_ids,
        outline_name=outline_name,
        specs=tuple(specs),
        removed=frozenset(removed - {spec.name for spec in specs}),
        output_where=((str(meta_path), meta_loaded.line("output") if meta_loaded else None)
                      if own_output else inherited.output_where),
    )


def unsafe_name(name: str) -> bool:
    """A relative name that could leave its folder: absolute, `..`, a drive, a backslash."""
    return "\\" in name or name.startswith("/") or ".." in name.split("/") or ":" in name


def contained(folder: Path, name: str) -> Path | None:
    """`folder`/`name` if it stays inside `folder` once symlinks are followed, else None.

    The rule `{% include %}` follows, applied to every file a template names.
    """
    if not name or unsafe_name(name):
        return None
    path = folder / name
    return path if path.resolve().is_relative_to(folder.resolve()) else None


OUTSIDE = "指向模板文件夹以外，已拒绝。模板只能使用本模板及上级模板文件夹内的文件，请写相对于模板文件夹的路径，例如 {example}。"


def _contained_setting(folder: Path, key: str, value: str, loaded: Loaded | None,
                       problems: list) -> Path | None:
    """A file named in template.yaml, or None (and a problem) if it leads outside."""
    path = contained(folder, value)
    if path is None:
        example = "抬头.docx" if key == "reference_docx" else "版式.yaml"
        problems.append(TemplateProblem.at(
            "trust", f"{key}（{META_KEYS[key]}）“{value}”" + OUTSIDE.format(example=example),
            folder / META_FILE, loaded.line(key) if loaded else None, key))
    return path


def is_style_file(style: str) -> bool:
    """A `style:` that names a YAML file rather than a built-in profile."""
    return style.endswith((".yaml", ".yml")) or "/" in style or "\\" in style


def template_style(template: Template) -> str | Path:
    """The style profile a template names: a built-in profile's name, or its YAML file found
    in the template's folder or an ancestor's. A file, and every file it `extends`, must be
    inside those folders: a template cannot make drafter read a file elsewhere."""
    style = template.style
    if not is_style_file(style):
        return style
    for folder in template.chain:
        path = contained(folder, style)
        if path is None:
            raise UserError(f"模板 {template.id} 的 style（版式）“{style}”" + OUTSIDE.format(
                example="版式.yaml"))
        if path.is_file():
            _check_style_extends(template, path)
            return path
    raise UserError(f"找不到模板 {template.id} 的版式文件“{style}”。版式文件应放在模板文件夹 "
                    f"{template.folder}（或上级模板的文件夹）中。")


def _check_style_extends(template: Template, path: Path) -> None:
    """Follow a template's style file's `extends` chain without leaving the template folders."""
    from drafter.files.yamlio import YamlProblem

    folders = [folder.resolve() for folder in template.chain]
    for _ in range(10):  # styles.MAX_EXTENDS refuses deeper chains with its own message
        try:
            data = load_template_yaml(path, "版式文件").data
        except YamlProblem:
            return  # reported by the style loader, with its line
        parent = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(parent, str) or not is_style_file(parent):
            return
        target = path.parent / parent
        if Path(parent).is_absolute() or ":" in parent or "\\" in parent or not any(
                target.resolve().is_relative_to(folder) for folder in folders):
            raise UserError(f"版式文件 {path} 的 extends“{parent}”" + OUTSIDE.format(
                example="版式.yaml"))
        path = target


def folder_for(template: Template, loader_name: str) -> Path | None:
    """The folder a loader name like 'six-adherences/outline.j2' refers to, within the chain."""
    head, _, _ = loader_name.partition("/")
    for template_id, folder in zip(template.chain_ids, template.chain, strict=True):
        if head == template_id:
            return folder
    return None
