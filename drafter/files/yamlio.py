"""Safe YAML reading that remembers where every value came from.

Templates and answers are other people's files: only plain data is built
(no Python objects), alias expansion is bounded, and every key and list item
keeps its line number so messages can point at it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drafter.errors import Problem
from drafter.files.inputs import read_text

MAX_NODES = 200_000
MAX_CHARS = 2_000_000  # text after alias expansion: a few aliases must not make gigabytes
# libyaml's parser when present: the same nodes and marks, several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
BINARY_TAG = "tag:yaml.org,2002:binary"
STR_TAG = "tag:yaml.org,2002:str"
Path_ = tuple  # a path into the data: ("questions", 3, "default")


@dataclass
class Loaded:
    data: object
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path: object) -> int | None:
        """Line of the deepest known ancestor of path (1-based)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


class YamlProblem(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _syntax_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    detail = getattr(exc, "problem", None) or str(exc)
    return Problem(
        f"YAML 语法错误（{detail}）。请检查缩进是否对齐、冒号后是否有空格、引号是否成对。",
        file=file,
        line=line,
    )


def load_yaml_text(text: str, file: str) -> Loaded:
    """Parse YAML text; raise YamlProblem with file and line on any syntax error."""
    try:
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # libyaml is stricter in corners (escaped surrogates) and words errors differently:
            # let the reference parser decide, so every machine gives the same answer.
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise YamlProblem(_syntax_problem(exc, file)) from None
    except RecursionError:
        raise YamlProblem(_too_deep(file)) from None
    loaded = Loaded(None, file)
    if root is None:
        return loaded
    constructor = yaml.constructor.SafeConstructor()
    budget = [MAX_NODES]
    chars = [MAX_CHARS]

    def build(node: yaml.Node, path: Path_) -> object:
        budget[0] -= 1
        if isinstance(node, yaml.ScalarNode):
            chars[0] -= len(node.value)
        if chars[0] < 0:
            raise YamlProblem(
                Problem(
                    f"内容过大（超过 {MAX_CHARS} 字，别名按展开后计算），已拒绝读取。"
                    "请删去过长的内容；如用了别名（&/*），请删去别名，直接写出内容。",
                    file=file,
                    line=node.start_mark.line + 1,
                    field=next((str(p) for p in reversed(path) if isinstance(p, str)), ""),
                )
            )
        if budget[0] < 0:
            raise YamlProblem(
                Problem(
                    "内容过大或别名（&/*）嵌套过深，已拒绝读取。请删去别名，直接写出内容。",
                    file=file,
                    line=node.start_mark.line + 1,
                )
            )
        loaded.lines.setdefault(path, node.start_mark.line + 1)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
            raise YamlProblem(
                Problem(f"不支持的 YAML 标签“{node.tag}”。只能写普通的文字、数字、列表和“键: 值”。",
                        file=file, line=node.start_mark.line + 1)
            )
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlProblem(
                        Problem("键必须是简单的文字。", file=file, line=key_node.start_mark.line + 1)
                    )
                if key_node.value == "<<":  # checked first: its merge tag has no constructor
                    raise YamlProblem(
                        Problem("不支持合并键“<<”，请直接写出各项。", file=file,
                                line=key_node.start_mark.line + 1)
                    )
                key = scalar(key_node)
                key = str(key) if not isinstance(key, str) else key
                line = key_node.start_mark.line + 1
                if key in result:  # YAML would keep the last silently; either may be the intended
                    raise YamlProblem(Problem(
                        f"“{key}”写了两次：第 {loaded.lines[path + (key,)]} 行和第 {line} 行。"
                        "同一层里每个键只能出现一次，请删去或合并其中一处。",
                        file=file, line=line, field=key))
                loaded.lines[path + (key,)] = line
                result[key] = build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        return scalar(node)

    def scalar(node: yaml.Node) -> object:
        if node.tag == STR_TAG:  # most values: what construct_object would return, sooner
            return node.value
        if node.tag == BINARY_TAG:
            raise YamlProblem(
                Problem("不支持二进制内容（!!binary）。请直接写文字。", file=file,
                        line=node.start_mark.line + 1)
            )
        try:
            return constructor.construct_object(node)
        except yaml.YAMLError as exc:
            raise YamlProblem(_syntax_problem(exc, file)) from None
        except (ValueError, OverflowError):
            # Looks like a date but is none (2024-13-45): keep the text, so the
            # question's own check names the field and says what a date looks like.
            return str(node.value)

    try:
        loaded.data = build(root, ())
    except RecursionError:
        raise YamlProblem(_too_deep(file)) from None
    return loaded


def _too_deep(file: str) -> Problem:
    return Problem("括号或缩进嵌套过深（上千层），已拒绝读取。请减少嵌套层数。", file=file)


def load_yaml_file(path: Path, what: str) -> Loaded:
    """A template or style file: parsed once, then read from the user cache while unchanged.

    Such files are read on every run but rarely edited; the cache is keyed by the text
    itself, so an edit is simply a miss. Answers files are not cached (each is new).
    """
    from drafter.files.cache import cached_file, read_cached, write_cached

    text = read_text(path, what)
    cached = cached_file("yaml", text.encode("utf-8", "surrogatepass"))
    loaded = _revived_loaded(read_cached(cached), str(path))
    if loaded is None:
        loaded = load_yaml_text(text, str(path))
        write_cached(cached, (_plain(loaded.data), loaded.lines))
    return loaded


# ------------------------------------------------------------------ cache

# marshal holds plain data only; YAML timestamps travel as (kind, ISO text).
_DATE_KINDS = {"date": dt.date, "datetime": dt.datetime}


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, dt.date):
        return ("date", value.isoformat())
    return value


def _revived(value: object) -> object:
    if isinstance(value, dict):
        return {k: _revived(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revived(v) for v in value]
    if isinstance(value, tuple):
        kind, text = value
        return _DATE_KINDS[kind].fromisoformat(text)
    return value


def _revived_loaded(value: object, file: str) -> Loaded | None:
    """What load_yaml_file stored, or None if there was nothing usable."""
    try:
        data, lines = value
        return Loaded(_revived(data), file, lines)
    except (ValueError, TypeError, KeyError):
        return None  # nothing cached, or damaged: parse the file again
