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

from drafter.checklists import link_measures
from drafter.errors import Problem, TemplateError, TemplateNotFound, UserError
from drafter.questions import Question, did_you_mean, parse_question
from drafter.userdirs import user_dir
from drafter.yamlio import Loaded, YamlProblem, load_yaml_file

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


@dataclass(frozen=True)
class Source:
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


@dataclass(frozen=True)
class Template:
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
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    specs: tuple[Spec, ...] = field(default=(), compare=False, repr=False)
    output_where: tuple[str, int | None] = field(default=("", None), compare=False, repr=False)
    removed: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

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
    here = Path(__file__).resolve().parent
    packaged = here / "builtin_templates"
    if packaged.is_dir():
        return packaged
    return here.parent / "templates"


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


def _load_yaml(path: Path, what: str) -> Loaded:
    """load_yaml_file, remembered by path, size and mtime: a render and its check share it."""
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
        text = (folder / META_FILE).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return folder.name
    match = _ID_LINE_RE.search(text)
    if match:
        return match.group(2)
    try:
        loaded = _load_yaml(folder / META_FILE, "模板元数据")
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


def resolve(name: str, extra_dirs: list[str | Path] | None = None,
            near: Path | None = None) -> tuple[Path, str]:
    """A template id, or a path to a template folder (or its template.yaml)."""
    path = Path(name)
    if path.name == META_FILE and path.is_file():
        path = path.parent
    if (path / META_FILE).is_file() and (os.sep in name or "/" in name or path.is_absolute()
                                         or not _looks_like_id(name)):
        return path, "路径"
    found = discover(extra_dirs, near)
    if name in found:
        return found[name]
    if (path / META_FILE).is_file():
        return path, "路径"
    raise TemplateNotFound(name, sorted(found))


def _looks_like_id(name: str) -> bool:
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


def _problem(code: str, message: str, file: object, line: int | None = None,
             field_name: str = "") -> TemplateProblem:
    return TemplateProblem(message, file=str(file), line=line, field=field_name, code=code)


def _tagged(problem: Problem, code: str) -> TemplateProblem:
    return TemplateProblem(problem.message, problem.file, problem.line, problem.field, code=code)


def _read_yaml(path: Path, what: str, problems: list) -> Loaded | None:
    try:
        return _load_yaml(path, what)
    except YamlProblem as exc:
        problems.append(_tagged(exc.problem, "yaml"))
    except UserError as exc:
        problems.append(_problem("file", exc.message, path))
    return None


def _load_meta(folder: Path, problems: list) -> tuple[dict, Loaded | None]:
    meta_path = folder / META_FILE
    loaded = _read_yaml(meta_path, "模板元数据", problems)
    if loaded is None:
        return {}, None
    data = loaded.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(_problem("meta", "template.yaml 应由“键: 值”组成。", meta_path, 1))
        return {}, loaded
    for key in data:
        if key not in META_KEYS:
            hint = did_you_mean(key, set(META_KEYS))
            problems.append(_problem("meta", f"未知的设置“{key}”。{hint}".rstrip(), meta_path,
                                     loaded.line(key)))
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            problems.append(_problem("meta", f"缺少 {key}（{META_KEYS[key]}），或它不是文字。",
                                     meta_path, loaded.line(key) or 1))
    if isinstance(data.get("id"), str) and data["id"].strip() and not _looks_like_id(data["id"]):
        problems.append(_problem("meta", f"模板编号“{data['id']}”只能由字母、数字、“-”和“_”组成。",
                                 meta_path, loaded.line("id")))
    for key in ("description", "organisation", "extends", "style", "output", "reference_docx"):
        if key in data and not isinstance(data[key], str):
            problems.append(_problem("meta", f"{key}（{META_KEYS[key]}）应为文字。", meta_path,
                                     loaded.line(key)))
    if "version" in data and not isinstance(data["version"], (str, int, float)):
        problems.append(_problem("meta", "version（版本）应为文字，例如 \"1.0\"。", meta_path,
                                 loaded.line("version")))
    target = data.get("target")
    if target is not None:
        if not isinstance(target, dict):
            problems.append(_problem("meta", "target 应包含 chars（字数）和/或 minutes（分钟）。",
                                     meta_path, loaded.line("target")))
        else:
            for key, value in target.items():
                if key not in TARGET_KEYS:
                    problems.append(_problem(
                        "meta", f"target 中未知的设置“{key}”（可用 chars、minutes）。",
                        meta_path, loaded.line("target", key)))
                elif not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                    problems.append(_problem("meta", f"target.{key} 应为正数。", meta_path,
                                             loaded.line("target", key)))
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
    if isinstance(data, dict) and set(data) <= {"questions"}:
        items = data.get("questions") or []
        if not isinstance(items, list):
            problems.append(_problem("question", "questions 应为列表（每项以“- ”开头）。", file,
                                     loaded.line("questions")))
            return []
        specs = []
        for i, item in enumerate(items):
            keys = {}
            if isinstance(item, dict):
                keys = {k: (file, loaded.lines.get(("questions", i, k))) for k in item}
            specs.append(Spec(item, file, loaded.line("questions", i), keys))
        return specs
    if isinstance(data, dict):
        extra = [k for k in data if k != "questions"]
        problems.append(_problem(
            "question", f"questions.yaml 只应包含 questions，发现了：{'、'.join(map(str, extra))}。",
            file, loaded.line(extra[0])))
        return []
    problems.append(_problem("question", "questions.yaml 应以“questions:”开头，下面逐项列出问题。",
                             file, 1))
    return []


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
                problems.append(_problem("question", "remove 项只应写要删除的字段名。", spec.file,
                                         spec.line))
            index = position(name)
            if index is None:
                hint = did_you_mean(str(name), {s.name for s in merged if s.name})
                problems.append(_problem(
                    "question", f"要删除的问题“{name}”在上级模板中不存在。{hint}".rstrip(),
                    spec.file, spec.line))
            else:
                del merged[index]
                removed.add(str(name))
            continue
        name = spec.name
        if name is not None and name in defined_here:
            problems.append(_problem("question", f"字段名“{name}”重复。", spec.file, spec.line,
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
                problems.append(_problem(
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
        problems.append(_problem("parent", f"extends 指定的上级模板不存在。{exc.message}",
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
        problems.append(_problem("cycle", f"模板继承出现循环：{cycle}。请修改 extends。", meta_path,
                                 extends_line))
        return None
    if len(seen) > MAX_DEPTH:
        problems.append(_problem("cycle", f"模板继承层级过多（超过 {MAX_DEPTH} 层）。", meta_path,
                                 extends_line))
        return None
    parent: Template | None = None
    parent_id = data.get("extends") or ""
    if parent_id and isinstance(parent_id, str):
        found = _resolve_parent(parent_id, folder, extra_dirs, meta_path, extends_line, problems)
        if found is not None:
            parent_folder, parent_source = found
            if parent_folder.resolve() == folder.resolve():
                problems.append(_problem("cycle", f"模板不能继承自己：extends: {parent_id}。",
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
        problems.append(_problem("outline", f"缺少提纲文件 {OUTLINE_FILE}。", folder))
    chain = (folder, *(parent.chain if parent else ()))
    chain_ids = (template_id, *(parent.chain_ids if parent else ()))
    outline_name = (f"{template_id}/{OUTLINE_FILE}" if has_outline
                    else (parent.outline_name if parent else ""))
    target = data.get("target") if isinstance(data.get("target"), dict) else {}
    inherited = parent or Template(id="", title="", folder=folder, source="")
    reference = data.get("reference_docx")
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
        style=str(data.get("style") or inherited.style or "gongwen"),
        output=str(data.get("output") or inherited.output or "{{ title }}"),
        target_chars=target.get("chars", inherited.target_chars),
        target_minutes=target.get("minutes", inherited.target_minutes),
        reference_docx=(folder / reference) if isinstance(reference, str) else
        inherited.reference_docx,
        questions=tuple(questions),
        chain=chain,
        chain_ids=chain_ids,
        outline_name=outline_name,
        specs=tuple(specs),
        removed=frozenset(removed - {spec.name for spec in specs}),
        output_where=((str(meta_path), meta_loaded.line("output") if meta_loaded else None)
                      if own_output else inherited.output_where),
    )


def folder_for(template: Template, loader_name: str) -> Path | None:
    """The folder a loader name like 'six-adherences/outline.j2' refers to, within the chain."""
    head, _, _ = loader_name.partition("/")
    for template_id, folder in zip(template.chain_ids, template.chain, strict=True):
        if head == template_id:
            return folder
    return None


# ---------------------------------------------------------------- templates new

PREFERRED_COPIES = ("opening", "s1_measures", "closing")


def create_child(new_id: str, parent_name: str, base_dir: Path,
                 extra_dirs: list[str | Path] | None = None) -> tuple[Path, list[str]]:
    """Write a child template of `parent_name` into base_dir/new_id, ready to edit.

    Never overwrites: the folder is written under a temporary name and renamed
    into place. Returns the folder and the check's findings (normally none).
    """
    import tempfile

    from drafter.errors import OutputError

    if not _looks_like_id(new_id):
        raise UserError(f"模板编号“{new_id}”只能由字母、数字、“-”和“_”组成，例如 canlian。")
    parent = load_template(parent_name, extra_dirs)
    if new_id == parent.id:
        raise UserError(f"新模板的编号不能与上级模板相同（{new_id}）。请换一个编号，例如 {new_id}-2。")
    folder = Path(base_dir) / new_id
    if folder.exists():
        raise OutputError(f"{folder} 已经存在，不会覆盖。请换一个编号，或先移走这个文件夹。")
    files = {
        META_FILE: _child_meta(new_id, parent),
        QUESTIONS_FILE: _child_questions(parent),
        OUTLINE_FILE: _child_outline(new_id, parent),
    }
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{new_id}.", dir=folder.parent))
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:
            for name in files:
                (staging / name).unlink()
            staging.rmdir()
            raise OutputError(f"{folder} 已经存在，不会覆盖。") from None
    except PermissionError:
        raise OutputError(f"没有权限在 {folder.parent} 中新建文件夹。请用 --dir 指定别的位置。") from None
    from drafter.template_check import check_template, format_finding

    findings = check_template(folder, extra_dirs)
    return folder, [format_finding(f, Path.cwd()) for f in findings]


def _child_meta(new_id: str, parent: Template) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return f"""\
# 模板 {new_id}：在 {parent.id}（{parent.title}）的基础上改写。
# 由 drafter templates new 生成。只需写与上级模板不同的设置，没写的沿用上级模板。
# 可用的设置：id title description organisation version extends style output target reference_docx
# 详见 docs/templates.md。
id: {new_id}
title: {quoted(parent.title + "（" + new_id + "）")}
description: {quoted("在 " + parent.id + " 模板的基础上改写。请在这里写一句简介。")}
organisation: {quoted(parent.organisation)}
version: "0.1"
extends: {parent.id}
# 输出文件名格式（不写则沿用上级：{parent.output}）
# output: "{{{{ year }}}}年{{{{ org_short }}}}经验交流材料"
# 篇幅目标（不写则沿用上级）
# target:
#   chars: 5000
"""


def _child_questions(parent: Template) -> str:
    lines = [
        f"# 本模板的问题。上级模板（{parent.id}）的问题全部沿用，这里只写不同之处。",
        "#",
        "# 1. 增加问题：写完整的设置；after 指定放在哪个问题之后（不写则放在最后）。",
        "#   - name: assist_devices",
        "#     type: int",
        "#     label: 全年适配辅助器具（件）",
        "#     help: 一年来为残疾人适配辅助器具的件数。",
        "#     example: 860",
        "#     min: 0",
        "#     group: 四、服务群众",
    ]
    if parent.questions:
        lines.append(f"#     after: {parent.questions[-1].name}")
    sample = next((q for q in parent.questions if q.type in ("text", "textarea")
                   and q.name != "year"), parent.questions[0] if parent.questions else None)
    if sample is not None:
        lines += [
            "#",
            "# 2. 改写上级的问题：写同样的 name，只写要改的设置。",
            f"#   - name: {sample.name}",
            "#     help: （新的说明文字）",
            "#     example: （新的示例）",
        ]
    own = [q for q in parent.questions if q.source.startswith(str(parent.folder))]
    removable = own[-1] if own else (parent.questions[-1] if parent.questions else None)
    if removable is not None:
        lines += [
            "#",
            "# 3. 删除上级的问题（提纲中用到它的 block 也要一并改写，否则检查会报错）：",
            f"#   - remove: {removable.name}",
        ]
    lines += ["#", f"# 上级模板现有的问题（共 {len(parent.questions)} 个）："]
    group = None
    for q in parent.questions:
        if q.group != group:
            group = q.group
            lines.append(f"#   【{group or '未分组'}】")
        required = "，必填" if q.required else ""
        lines.append(f"#     {q.name}：{q.label or q.name}（{q.type}{required}）")
    lines += ["#", "# 改完后运行 drafter templates check 检查。", "questions: []", ""]
    return "\n".join(lines)


def _child_outline(new_id: str, parent: Template) -> str:
    from drafter.render import make_environment
    from drafter.template_check import _outline_files

    env = make_environment(parent)
    files = _outline_files(parent, env, [], quiet=True).files
    root_order: list[str] = []
    for info in reversed(files):
        for name in info.blocks:
            if name not in root_order:
                root_order.append(name)
    copies: list[tuple[str, str, str]] = []
    candidates = [n for n in PREFERRED_COPIES if n in root_order] + root_order
    for name in candidates:
        if len(copies) == 2 or any(name == c[0] for c in copies):
            continue
        for info in files:  # the most derived definition wins
            if name in info.blocks:
                text = block_source(info.source, name)
                if text and "super()" not in text and TAG_FREE_RE.sub("", text).strip():
                    copies.append((name, text, _owner(parent, info.path)))
                break
    names = ["、".join(root_order[i:i + 8]) for i in range(0, len(root_order), 8)] or ["（无）"]
    out = [
        f"{{#- {new_id}：在 {parent.id}（{parent.title}）基础上改写的提纲。",
        "",
        "    本文件继承上级模板的提纲，只需写出与上级不同的 block（块）：",
        "    - 没有写出的 block 原样沿用上级模板；",
        "    - 在 block 中写 {{ super() }} 可以先保留上级的内容，再接着补充；",
        "    - 继承时 block 之外的文字不会出现在文稿中，正文都要写在 block 里。",
        "",
        "    上级提纲中可以改写的 block：",
        *(f"      {line}" for line in names),
        "",
        "    下面复制了上级的两个 block 作为起点，直接改写其中的文字即可。",
        "    不需要改的 block 请整段删去，这样上级模板更新时会自动沿用新的写法。",
        f"    改完后运行：drafter templates check {new_id}（或写模板文件夹的路径） -#}}",
        f'{{% extends "{parent.outline_name}" %}}',
    ]
    for name, text, owner in copies:
        out += ["", f"{{#- 复制自 {owner} 的 block {name}。 -#}}", text]
    return "\n".join(out) + "\n"


TAG_FREE_RE = re.compile(r"\{[%#].*?[%#]\}", re.DOTALL)
_BLOCK_TAGS_RE = re.compile(r"\{%-?\s*(block\s+(\w+)|endblock(?:\s+\w+)?)[^%]*?-?%\}")


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


def _owner(template: Template, path: str) -> str:
    folder = Path(path).resolve().parent
    for template_id, chain_folder in zip(template.chain_ids, template.chain, strict=True):
        if folder == chain_folder.resolve():
            return template_id
    return template.id
