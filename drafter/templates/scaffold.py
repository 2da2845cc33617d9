"""`drafter templates new`: write a child template of an existing one, ready to edit.

The three files' text lives in drafter/data/scaffold/ as templates (data a template
editor can reword); this module only gathers what goes into them: the parent's
questions, its overridable blocks and two blocks copied as a starting point. Those
files are drafter's own, so they are rendered with plain Jinja using <% %> and << >>
as delimiters, which leaves the {% %} and {{ }} of the outline they produce alone.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import OutputError, UserError
from drafter.render.engine import make_environment
from drafter.templates.check import check_template, format_finding
from drafter.templates.loader import (
    META_FILE,
    META_KEYS,
    OUTLINE_FILE,
    QUESTIONS_FILE,
    Template,
    load_template,
    looks_like_id,
)
from drafter.templates.outline import block_source, has_text, outline_files, owner

SCAFFOLD_DIR = Path(__file__).parent.parent / "data" / "scaffold"
PREFERRED_COPIES = ("opening", "s1_measures", "closing")
COPIES = 2


@dataclass(frozen=True)
class Copy:
    """A parent block copied into the new outline as a starting point."""

    name: str
    text: str
    owner: str


def create_child(new_id: str, parent_name: str, base_dir: Path,
                 extra_dirs: list[str | Path] | None = None) -> tuple[Path, list[str]]:
    """Write a child template of `parent_name` into base_dir/new_id, ready to edit.

    Never overwrites: the folder is written under a temporary name and renamed into
    place; on any failure (a full disk, a name taken meanwhile) nothing is left behind.
    Returns the folder and the check's findings (normally none).
    """
    if not looks_like_id(new_id):
        raise UserError(f"模板编号“{new_id}”只能由字母、数字、“-”和“_”组成，例如 canlian。")
    parent = load_template(parent_name, extra_dirs)
    if new_id == parent.id:
        raise UserError(f"新模板的编号不能与上级模板相同（{new_id}）。请换一个编号，例如 {new_id}-2。")
    folder = Path(base_dir) / new_id
    if folder.exists() or folder.is_symlink():
        what = "文件夹" if folder.is_dir() else "文件"
        raise OutputError(f"{folder} 已经存在，不会覆盖。请换一个编号，或先移走这个{what}。")
    files = scaffold_files(new_id, parent)
    _write_folder(folder, files)
    findings = check_template(folder, extra_dirs)
    return folder, [format_finding(f, Path.cwd()) for f in findings]


def scaffold_files(new_id: str, parent: Template) -> dict[str, str]:
    """The new template's files: name → text."""
    values = {"new_id": new_id, "parent": parent, "meta_keys": " ".join(META_KEYS)}
    return {
        META_FILE: _render("template.yaml", values),
        QUESTIONS_FILE: _render("questions.yaml", {**values, **_question_notes(parent)}),
        OUTLINE_FILE: _render("outline.j2", {**values, **_outline_notes(parent)}),
    }


def _render(name: str, values: dict) -> str:
    return _environment().get_template(name).render(values)


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SCAFFOLD_DIR, encoding="utf-8"),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, autoescape=False,
    )
    env.filters["yaml_quoted"] = _yaml_quoted
    return env


def _yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _question_notes(parent: Template) -> dict:
    """Which parent questions the comments in questions.yaml use as examples."""
    questions = parent.questions
    sample = next((q for q in questions if q.type in ("text", "textarea") and q.name != "year"),
                  questions[0] if questions else None)
    own = [q for q in questions if q.source.startswith(str(parent.folder))]
    removable = own[-1] if own else (questions[-1] if questions else None)
    groups: list[tuple[str, list]] = []
    for question in questions:
        if not groups or groups[-1][0] != question.group:
            groups.append((question.group, []))
        groups[-1][1].append(question)
    return {"sample": sample, "removable": removable, "groups": groups}


def _outline_notes(parent: Template) -> dict:
    """The parent's overridable blocks, root order, and two of them copied as a start."""
    env = make_environment(parent)
    files = outline_files(parent, env, [], quiet=True).files
    block_names: list[str] = []
    for info in reversed(files):
        for name in info.blocks:
            if name not in block_names:
                block_names.append(name)
    copies: list[Copy] = []
    candidates = [n for n in PREFERRED_COPIES if n in block_names] + block_names
    for name in candidates:
        if len(copies) == COPIES or any(name == c.name for c in copies):
            continue
        for info in files:  # the most derived definition wins
            if name in info.blocks:
                text = block_source(info.source, name)
                if text and "super()" not in text and has_text(text):
                    copies.append(Copy(name, text, owner(parent, info.path) or parent.id))
                break
    return {"block_names": block_names, "copies": copies}


def _write_folder(folder: Path, files: dict[str, str]) -> None:
    """Write the files into a hidden staging folder beside `folder`, then rename it."""
    import shutil
    import tempfile

    if folder.parent.exists() and not folder.parent.is_dir():
        raise OutputError(f"{folder.parent} 是一个文件，不是文件夹。请用 --dir 指定一个文件夹。")
    staging: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if folder.exists() or folder.is_symlink():  # made meanwhile by someone else
            raise FileExistsError(errno.EEXIST, "exists")
        staging.rename(folder)
        staging = None
    except OSError as exc:
        raise OutputError(_explain(exc, folder)) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _explain(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
        return f"{folder} 已经存在，不会覆盖。请换一个编号，或先移走它。"
    if exc.errno == errno.ENOTDIR:
        return f"无法在 {folder.parent} 中新建文件夹：路径中有一个同名的文件。请用 --dir 指定别的位置。"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法新建模板 {folder}。没有留下任何文件，请清理空间后重试。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有权限在 {folder.parent} 中新建文件夹。请用 --dir 指定别的位置。"
    return f"无法新建模板 {folder}：{exc.strerror or exc}。没有留下任何文件。"
