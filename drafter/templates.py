"""Find, load and extend template folders.

A template is a folder::

    template.yaml    metadata: id, title, description, organisation, version,
                     extends, style, output, target, reference_docx
    questions.yaml   questions: the facts to ask (a child adds, overrides or removes)
    outline.j2       the outline as Jinja text producing outline markup

A child names its parent with `extends`; it inherits the parent's questions and
outline and overrides only what differs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import Problem, TemplateError, TemplateNotFound, UserError
from drafter.questions import Question, did_you_mean, parse_question
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


@dataclass(frozen=True)
class Source:
    """Where templates were found: a label for people and a folder."""

    label: str
    folder: Path


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

    def question(self, name: str) -> Question | None:
        for q in self.questions:
            if q.name == name:
                return q
        return None


def user_template_dir() -> Path:
    """The per-user template folder, by platform convention."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "drafter" / "templates"


def builtin_template_dir() -> Path:
    """Built-in templates: inside the wheel, or the repository's templates/ folder."""
    here = Path(__file__).resolve().parent
    packaged = here / "builtin_templates"
    if packaged.is_dir():
        return packaged
    return here.parent / "templates"


def template_sources(extra_dirs: list[str | Path] | None = None) -> list[Source]:
    """Search order: --template-dir, $DRAFTER_TEMPLATES, ./templates, user folder, built-in."""
    sources = [Source("--template-dir", Path(d)) for d in extra_dirs or []]
    for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if part.strip():
            sources.append(Source(f"${ENV_VAR}", Path(part.strip())))
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


def _read_id(folder: Path) -> str:
    """The id a folder declares, or its folder name; cheap and never raises."""
    try:
        loaded = load_yaml_file(folder / META_FILE, "模板元数据")
    except (YamlProblem, UserError):
        return folder.name
    data = loaded.data
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return folder.name


def discover(extra_dirs: list[str | Path] | None = None) -> dict[str, tuple[Path, str]]:
    """Map template id to (folder, source label); earlier sources win."""
    found: dict[str, tuple[Path, str]] = {}
    for source in template_sources(extra_dirs):
        if not source.folder.is_dir():
            continue
        for folder in sorted(source.folder.iterdir()):
            if (folder / META_FILE).is_file():
                found.setdefault(_read_id(folder), (folder, source.label))
    return found


def resolve(name: str, extra_dirs: list[str | Path] | None = None) -> tuple[Path, str]:
    """A template id, or a path to a template folder (or its template.yaml)."""
    path = Path(name)
    if path.name == META_FILE and path.is_file():
        path = path.parent
    if (path / META_FILE).is_file() and (os.sep in name or "/" in name or path.is_absolute()
                                         or not _looks_like_id(name)):
        return path, "路径"
    found = discover(extra_dirs)
    if name in found:
        return found[name]
    if (path / META_FILE).is_file():
        return path, "路径"
    raise TemplateNotFound(name, sorted(found))


def _looks_like_id(name: str) -> bool:
    return all(ch.isalnum() or ch in "-_" for ch in name)


def load_template(name: str | Path, extra_dirs: list[str | Path] | None = None) -> Template:
    """Load a template with its ancestors; raise TemplateError listing every problem."""
    folder, source = resolve(str(name), extra_dirs)
    problems: list[Problem] = []
    template = _load_chain(folder, source, extra_dirs, problems, seen=[])
    if problems or template is None:
        raise TemplateError(problems or [Problem("无法读取模板。", file=str(folder))])
    return template


def _load_meta(folder: Path, problems: list[Problem]) -> tuple[dict, Loaded | None]:
    meta_path = folder / META_FILE
    try:
        loaded = load_yaml_file(meta_path, "模板元数据")
    except YamlProblem as exc:
        problems.append(exc.problem)
        return {}, None
    data = loaded.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem("template.yaml 应由“键: 值”组成。", file=str(meta_path), line=1))
        return {}, loaded
    for key in data:
        if key not in META_KEYS:
            hint = did_you_mean(key, set(META_KEYS))
            problems.append(
                Problem(f"未知的设置“{key}”。{hint}".rstrip(), file=str(meta_path),
                        line=loaded.line(key))
            )
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            problems.append(
                Problem(f"缺少 {key}（{META_KEYS[key]}），或它不是文字。", file=str(meta_path),
                        line=loaded.line(key) or 1)
            )
    for key in ("description", "organisation", "extends", "style", "output", "reference_docx"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(f"{key}（{META_KEYS[key]}）应为文字。", file=str(meta_path),
                                    line=loaded.line(key)))
    target = data.get("target")
    if target is not None:
        if not isinstance(target, dict):
            problems.append(Problem("target 应包含 chars（字数）和/或 minutes（分钟）。",
                                    file=str(meta_path), line=loaded.line("target")))
        else:
            for key, value in target.items():
                if key not in TARGET_KEYS:
                    problems.append(Problem(f"target 中未知的设置“{key}”（可用 chars、minutes）。",
                                            file=str(meta_path), line=loaded.line("target", key)))
                elif not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                    problems.append(Problem(f"target.{key} 应为正数。", file=str(meta_path),
                                            line=loaded.line("target", key)))
    return data, loaded


def _load_question_specs(folder: Path, problems: list[Problem]) -> tuple[list, Loaded | None]:
    path = folder / QUESTIONS_FILE
    if not path.is_file():
        return [], None
    try:
        loaded = load_yaml_file(path, "问题清单")
    except YamlProblem as exc:
        problems.append(exc.problem)
        return [], None
    data = loaded.data
    if data is None:
        return [], loaded
    if isinstance(data, dict) and set(data) <= {"questions"}:
        specs = data.get("questions") or []
        if not isinstance(specs, list):
            problems.append(Problem("questions 应为列表（每项以“- ”开头）。", file=str(path),
                                    line=loaded.line("questions")))
            return [], loaded
        return [(spec, loaded.line("questions", i)) for i, spec in enumerate(specs)], loaded
    if isinstance(data, dict):
        extra = [k for k in data if k != "questions"]
        problems.append(Problem(f"questions.yaml 只应包含 questions，发现了：{'、'.join(map(str, extra))}。",
                                file=str(path), line=loaded.line(extra[0])))
        return [], loaded
    problems.append(Problem("questions.yaml 应以“questions:”开头，下面逐项列出问题。", file=str(path),
                            line=1))
    return [], loaded


def _merge_specs(parent: list[tuple[dict, int | None, str]], child: list, file: str,
                 problems: list[Problem]) -> list[tuple[dict, int | None, str]]:
    """Child specs override parent specs by name, remove them, or add new ones."""
    merged = list(parent)
    index = {spec.get("name"): i for i, (spec, _, _) in enumerate(merged)}
    for spec, line in child:
        if isinstance(spec, dict) and "remove" in spec:
            name = spec["remove"]
            if len(spec) > 1:
                problems.append(Problem("remove 项只应写要删除的字段名。", file=file, line=line))
            if name not in index:
                hint = did_you_mean(str(name), {n for n in index if n})
                problems.append(Problem(f"要删除的问题“{name}”在上级模板中不存在。{hint}".rstrip(),
                                        file=file, line=line))
                continue
            merged[index[name]] = None  # type: ignore[call-overload]
            continue
        name = spec.get("name") if isinstance(spec, dict) else None
        if name in index and merged[index[name]] is not None:
            base, _, _ = merged[index[name]]
            combined = {**base, **spec}
            merged[index[name]] = (combined, line, file)
        else:
            after = spec.get("after") if isinstance(spec, dict) else None
            entry = (spec, line, file)
            if after is not None and after in index:
                position = index[after] + 1
                merged.insert(position, entry)
            else:
                if after is not None:
                    problems.append(Problem(f"after 指定的问题“{after}”不存在，已放在最后。",
                                            file=file, line=line))
                merged.append(entry)
        merged = [m for m in merged if m is not None]
        index = {s.get("name") if isinstance(s, dict) else None: i for i, (s, _, _) in
                 enumerate(merged)}
    return [m for m in merged if m is not None]


def _load_chain(folder: Path, source: str, extra_dirs, problems: list[Problem],
                seen: list[str]) -> Template | None:
    data, meta_loaded = _load_meta(folder, problems)
    meta_path = str(folder / META_FILE)
    template_id = data.get("id") if isinstance(data.get("id"), str) else folder.name
    if template_id in seen:
        cycle = " → ".join([*seen, template_id])
        problems.append(Problem(f"模板继承出现循环：{cycle}。请修改 extends。", file=meta_path,
                                line=meta_loaded.line("extends") if meta_loaded else None))
        return None
    if len(seen) > MAX_DEPTH:
        problems.append(Problem("模板继承层级过多（超过 10 层）。", file=meta_path))
        return None
    parent: Template | None = None
    parent_specs: list = []
    parent_id = data.get("extends") or ""
    if parent_id:
        try:
            parent_folder, parent_source = resolve(str(parent_id), extra_dirs)
        except TemplateNotFound as exc:
            problems.append(Problem(f"extends 指定的上级模板不存在。{exc.message}", file=meta_path,
                                    line=meta_loaded.line("extends") if meta_loaded else None))
        else:
            if parent_folder.resolve() == folder.resolve():
                problems.append(Problem(f"模板不能继承自己：extends: {parent_id}。", file=meta_path,
                                        line=meta_loaded.line("extends") if meta_loaded else None))
            else:
                parent = _load_chain(parent_folder, parent_source, extra_dirs, problems,
                                     seen=[*seen, template_id])
                parent_specs = list(getattr(parent, "_specs", [])) if parent else []
    own_specs, _ = _load_question_specs(folder, problems)
    specs = _merge_specs(parent_specs, own_specs, str(folder / QUESTIONS_FILE), problems)
    questions: list[Question] = []
    names: set[str] = set()
    for spec, line, file in specs:
        question, found = parse_question(spec, file, line, allow_child_keys=True)
        problems.extend(found)
        if question is None:
            continue
        if question.name in names:
            problems.append(Problem(f"字段名“{question.name}”重复。", file=file, line=line,
                                    field=question.name))
            continue
        names.add(question.name)
        questions.append(question)
    has_outline = (folder / OUTLINE_FILE).is_file()
    if not has_outline and parent is None:
        problems.append(Problem(f"缺少提纲文件 {OUTLINE_FILE}。", file=str(folder)))
    chain = (folder, *(parent.chain if parent else ()))
    chain_ids = (template_id, *(parent.chain_ids if parent else ()))
    outline_name = (f"{template_id}/{OUTLINE_FILE}" if has_outline
                    else (parent.outline_name if parent else ""))
    target = data.get("target") if isinstance(data.get("target"), dict) else {}
    inherited = parent or Template(id="", title="", folder=folder, source="")
    reference = data.get("reference_docx")
    template = Template(
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
    )
    object.__setattr__(template, "_specs", [(s, ln, f) for s, ln, f in specs])
    return template


def folder_for(template: Template, loader_name: str) -> Path | None:
    """The folder a loader name like 'six-adherences/outline.j2' refers to, within the chain."""
    head, _, _ = loader_name.partition("/")
    for template_id, folder in zip(template.chain_ids, template.chain, strict=True):
        if head == template_id:
            return folder
    return None
