"""Read and write answers files: readable YAML a person can edit and feed back.

    # drafter 答案文件
    template: kexie
    template_version: "1.0"
    answers:
      # 组织全称
      org_full_name: 青川县科学技术协会
      # 特色活动
      signature_activity: |-
        第一段……
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drafter.errors import AnswersError, Problem
from drafter.files.inputs import read_text
from drafter.files.schema import Fields, did_you_mean, locate_in
from drafter.files.yamlio import Loaded, YamlProblem, load_yaml_text
from drafter.interview.expressions import default_for, is_asked
from drafter.interview.questions import valid_choices
from drafter.templates.loader import Template

TOP_KEYS = {"template", "template_version", "answers"}
# Characters XML 1.0 cannot hold: C0 controls except tab/newline/CR, surrogates, U+FFFE/FFFF.
ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters YAML refuses to read at all (PyYAML's NON_PRINTABLE): a paste from a word
# processor can carry them; they are dropped before parsing and reported per field.
UNREADABLE_RE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                           "\U00010000-\U0010ffff]")


@dataclass
class AnswersFile:
    """An answers file as read: raw values plus where each one came from."""

    path: str
    template_id: str = ""
    template_version: str = ""
    values: dict = field(default_factory=dict)
    loaded: Loaded | None = None
    removed: dict[str, int] = field(default_factory=dict)  # field -> unreadable chars dropped

    def line(self, name: str) -> int | None:
        if self.loaded is None:
            return None
        return self.loaded.lines.get(("answers", name)) or self.loaded.lines.get((name,))


def parse_answers(text: str, path: str) -> AnswersFile:
    """Parse answers YAML; a bare mapping of answers is accepted too."""
    text, dropped = _drop_unreadable(text)
    answers = _parse_answers(text, path)
    for line, count in dropped.items():
        name = _field_at(answers, line)
        answers.removed[name] = answers.removed.get(name, 0) + count
    return answers


def _drop_unreadable(text: str) -> tuple[str, dict[int, int]]:
    """Text without the characters YAML cannot read, and how many each line lost."""
    dropped: dict[int, int] = {}
    if not UNREADABLE_RE.search(text):
        return text, dropped
    lines = text.split("\n")
    for number, line in enumerate(lines):
        cleaned, count = UNREADABLE_RE.subn("", line)
        if count:
            lines[number] = cleaned
            dropped[number + 1] = count
    return "\n".join(lines), dropped


def _field_at(answers: AnswersFile, line: int) -> str:
    """The answer whose text spans `line` (the last one starting at or before it)."""
    best, best_line = "", 0
    for name in answers.values:
        start = answers.line(name) or 0
        if best_line < start <= line:
            best, best_line = str(name), start
    return best


def _parse_answers(text: str, path: str) -> AnswersFile:
    try:
        loaded = load_yaml_text(text, path)
    except YamlProblem as exc:
        raise AnswersError([exc.problem]) from None
    data = loaded.data
    if data is None:
        return AnswersFile(path, loaded=loaded)
    fields = Fields(locate_in(loaded.lines, path), lambda where: "")
    if not isinstance(data, dict):
        fields.problem((), "答案文件应由“字段: 内容”组成。")
        raise AnswersError(fields.problems)
    if "answers" not in data:
        return AnswersFile(path, values=dict(data), loaded=loaded)
    values = data["answers"] or {}
    if not isinstance(values, dict):
        fields.problem(("answers",), "answers 下面应逐行写“字段: 内容”。")
    fields.mapping((), data, TOP_KEYS, "未知的设置“{key}”。顶层只能有 template、template_version、answers。")
    if fields.problems:
        raise AnswersError(fields.problems)
    template_id = data.get("template") or ""
    version = data.get("template_version")
    return AnswersFile(path, str(template_id), "" if version is None else str(version),
                       dict(values), loaded)


def read_answers(path: Path | str) -> AnswersFile:
    path = Path(path)
    return parse_answers(read_text(path, "答案文件"), str(path))


# What each kind of character ILLEGAL_XML_RE removes is called in a message (U+FFFE and
# U+FFFF, "noncharacters", count with the control characters: neither is text).
_ILLEGAL_KINDS = {
    "控制字符": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"),
    "孤立代理项（U+D800–U+DFFF 中不成对的码位，不代表任何字符）": re.compile("[\ud800-\udfff]"),
}


def _illegal_kinds(value: object) -> dict[str, int]:
    """How many characters of each kind strip_illegal will remove from `value`."""
    counts = dict.fromkeys(_ILLEGAL_KINDS, 0)
    if isinstance(value, str):
        for kind, pattern in _ILLEGAL_KINDS.items():
            counts[kind] = len(pattern.findall(value))
    elif isinstance(value, list):
        for item in value:
            for kind, count in _illegal_kinds(item).items():
                counts[kind] += count
    return counts


def strip_illegal(value: object) -> tuple[object, int]:
    """Remove characters a .docx cannot hold; return how many were removed."""
    if isinstance(value, str):
        cleaned, count = ILLEGAL_XML_RE.subn("", value)
        return cleaned, count
    if isinstance(value, list):
        total = 0
        items = []
        for item in value:
            cleaned, count = strip_illegal(item)
            items.append(cleaned)
            total += count
        return items, total
    return value, 0


def validate_answers(template: Template, answers: AnswersFile, allow_missing: bool = False
                     ) -> tuple[dict, list[str]]:
    """Check every answer against its question; report all problems at once.

    A required answer left empty is a problem unless `allow_missing`, in which case the
    render shows a placeholder. Returns the clean values and warnings.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    clean: dict = {}
    known = {q.name for q in template.questions}
    if answers.removed.get(""):
        warnings.append(f"{answers.path} 中有 {answers.removed['']} 个无法识别的控制字符（不在任何字段内），"
                        "已删除。")
    for name in answers.values:
        if name not in known:
            hint = did_you_mean(str(name), known)
            warnings.append(f"{answers.path}:{answers.line(name) or '?'}：字段“{name}”不是模板 "
                            f"{template.id} 的问题，已忽略。{hint}".rstrip())
    for question in template.questions:
        if not is_asked(question, clean):
            clean[question.name] = None
            continue
        if question.name in answers.values:
            raw = answers.values[question.name]
        else:
            raw = default_for(question, clean)
        cleaned, removed = strip_illegal(raw)
        # counted by kind only when something was removed: nearly never, and per answer
        kinds = _illegal_kinds(raw) if removed else dict.fromkeys(_ILLEGAL_KINDS, 0)
        raw = cleaned
        kinds["控制字符"] += answers.removed.get(question.name, 0)
        if removed or kinds["控制字符"]:
            found = "、".join(f"{count} 个无法写入文档的{kind}" for kind, count in kinds.items()
                             if count)
            warnings.append(f"字段“{question.title}”（{question.name}）中有 {found}，已删除。")
        value, error = question.coerce(raw)
        if not error and value is not None:
            error = question.limits_error(value)
        if not error and value is None and question.required and not allow_missing:
            error = "此项必填，请填写；如需先出稿，可加 --allow-missing，缺项将以【待补充：…】标出。"
        if error:
            problems.append(Problem(f"“{question.title}”{error}", file=answers.path,
                                    line=answers.line(question.name), field=question.name))
            if question.type in ("multichoice", "checklist"):  # its facts are checked too
                clean[question.name] = valid_choices(question, raw)
            continue
        clean[question.name] = value
    if problems:
        raise AnswersError(problems)
    return clean, warnings


class _Dumper(yaml.SafeDumper):
    """Multi-line text as block scalars; real Chinese characters."""


def _str_representer(dumper: yaml.SafeDumper, data: str):
    if any(ch in data for ch in "\r\x85\u2028\u2029"):
        style = '"'  # YAML reads these as line breaks; only escapes keep them as they are
    elif "\n" in data:
        style = "|"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


_DUMPED: dict[tuple[str, str, str], str] = {}  # (key, type, repr) -> YAML: most saves change one value


def _dump_value(key: str, value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    memo = (key, type(value).__name__, repr(value))
    if memo not in _DUMPED:
        if len(_DUMPED) > 4096:
            _DUMPED.clear()
        _DUMPED[memo] = _dump_fresh(key, value)
    return _DUMPED[memo]


def _dump_fresh(key: str, value: object) -> str:
    text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=10_000, default_flow_style=False)
    # After a block scalar that keeps trailing blank lines (|+) PyYAML ends the document
    # with "..."; inside the answers mapping that marker would break the file.
    return text.removesuffix("...\n")


def dump_answers(template: Template, values: dict, header: str = "") -> str:
    """Answers as YAML text: question order, label comments, template id and version."""
    lines = [
        "# drafter 答案文件：可以直接修改，再用下面的命令生成文稿：",
        f"#   drafter render {template.id} --answers 本文件 -o 输出.docx",
    ]
    if header:
        lines.append(f"# {header}")
    lines.append(yaml.dump({"template": template.id}, allow_unicode=True).rstrip())
    lines.append(yaml.dump({"template_version": str(template.version)}, allow_unicode=True,
                           default_style=None).rstrip())
    lines.append("answers:")
    for question in template.questions:
        if question.name not in values:
            continue
        value = values[question.name]
        if value is None:
            value = ""
        lines.append(f"  # {question.title}")
        for line in _dump_value(question.name, value).rstrip("\n").split("\n"):
            lines.append(f"  {line}" if line else "")
    return "\n".join(lines) + "\n"
