"""Resume files: the partial answers of an interrupted questionnaire.

Written atomically after every answer, so Ctrl-C, Ctrl-D or a closed terminal
can never lose more than the question being typed. A resume file is an ordinary
answers file (same YAML as `drafter new` saves next to the output), so a user
can also edit it and feed it to `drafter render`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError
from drafter.files.output import atomic_write_text
from drafter.files.userdirs import user_dir
from drafter.interview.answers import dump_answers, read_answers
from drafter.templates.loader import Template

ENV_VAR = "DRAFTER_STATE_DIR"


def state_dir() -> Path:
    """drafter's per-user state folder, by platform convention; $DRAFTER_STATE_DIR wins."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override)
    return user_dir("state") / "drafter"


def resume_path(template_id: str) -> Path:
    """One resume file per template; the id is made safe as a file name."""
    safe = re.sub(r"[^\w.-]", "_", template_id).strip(".") or "template"
    return state_dir() / "resume" / f"{safe}.yaml"


@dataclass
class Saved:
    """A resume file as found: clean answers, and what could not be reused."""

    path: Path
    values: dict
    saved_at: dt.datetime
    dropped: list[str] = field(default_factory=list)  # titles of answers no longer valid
    notice: str = ""  # what went wrong reading it, if anything: nothing is offered
    caution: str = ""  # offered, but with this said first (made with another version)


def save(template: Template, values: dict) -> Path:
    """Write the answers so far; atomic, so a crash mid-write keeps the previous file."""
    path = resume_path(template.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    text = dump_answers(template, values,
                        header=f"drafter new 未填完的问卷（{stamp} 保存），下次运行 drafter new "
                               f"{template.id} 时可接着填写。")
    atomic_write_text(path, text, force=True)
    return path


def load(template: Template) -> Saved | None:
    """The saved answers for this template, checked again, or None if there are none.

    A file that cannot be read is renamed aside (never deleted) and reported in `notice`.
    """
    path = resume_path(template.id)
    if not path.is_file():
        return None
    try:
        answers = read_answers(path)
    except UserError as exc:
        aside = _set_aside(path, "unreadable")
        notice = f"上次保存的问卷无法读取，已改名为 {aside} 留存，本次重新开始。\n{exc.message}"
        return Saved(aside, {}, dt.datetime.now(), notice=notice)
    if answers.template_id and answers.template_id != template.id:
        aside = _set_aside(path, "other-template")
        notice = (f"断点文件 {path} 是模板“{answers.template_id}”的问卷，不属于模板“{template.id}”，"
                  f"没有沿用；已改名为 {aside} 留存，本次从头开始。")
        return Saved(aside, {}, dt.datetime.now(), notice=notice)
    caution = ""
    if answers.template_version and answers.template_version != str(template.version):
        caution = (f"注意：上次保存的问卷是按模板 {template.id} 的 {answers.template_version} 版填写的，"
                   f"现在是 {template.version or '未标版本'}，接着填写时请逐题核对。")
    values: dict = {}
    dropped: list[str] = []
    for question in template.questions:
        if question.name not in answers.values:
            continue
        value, error = question.check(answers.values[question.name])
        if error:
            dropped.append(question.title)
            continue
        values[question.name] = value
    saved_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return Saved(path, values, saved_at, dropped, caution=caution)


def _set_aside(path: Path, why: str) -> Path:
    """Rename a resume file that cannot be offered, so it is kept but never offered again."""
    aside = path.with_name(f"{path.stem}.{why}-{dt.datetime.now():%Y%m%d%H%M%S}.yaml")
    path.replace(aside)
    return aside


def discard(template_id: str) -> None:
    """Forget the resume file once its answers have become a draft."""
    try:
        resume_path(template_id).unlink()
    except FileNotFoundError:
        pass
