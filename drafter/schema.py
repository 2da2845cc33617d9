"""Reading YAML that people write: typed fields, every problem collected with its file:line.

Template metadata, questions, style profiles, proofreading rules and answers
files are all YAML a non-programmer edits. Each loader walks its data with a
`Fields` reader: a getter returns a clean value or records a Chinese problem at
the line the value came from (and a "did you mean" for misspelt keys), so a
file with five mistakes is reported once with five lines, not five times.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from drafter.errors import Problem

Path_ = tuple  # a path into the data: ("styles", "body", "size")
Locate = Callable[[Path_], tuple[str, int | None]]


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """'是否想写“…”？' for the closest option, or ''."""
    close = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return f"是否想写“{close[0]}”？" if close else ""


def locate_in(lines: dict[Path_, int], file: str) -> Locate:
    """A locator for one file: the line of the deepest known ancestor of a path."""

    def locate(path: Path_) -> tuple[str, int | None]:
        key = tuple(path)
        while key:
            if key in lines:
                return file, lines[key]
            key = key[:-1]
        return file, lines.get(())

    return locate


class Fields:
    """Typed getters over one YAML document; problems accumulate in `problems`."""

    def __init__(self, locate: Locate, field_name: Callable[[Path_], str] | None = None):
        self.locate = locate
        self.field_name = field_name or (lambda path: ".".join(str(p) for p in path))
        self.problems: list[Problem] = []

    def problem(self, path: Path_, message: str) -> None:
        file, line = self.locate(path)
        self.problems.append(Problem(message, file=file, line=line, field=self.field_name(path)))

    def mapping(self, path: Path_, value: object, keys: Iterable[str],
                unknown: str = "不认识的设置“{key}”。") -> dict:
        """A mapping whose keys must be among `keys` (each stranger reported)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, "这里应当是“键: 值”的映射。")
            return {}
        allowed = set(keys)
        for key in value:
            if key not in allowed:
                self.problem((*path, key),
                             f"{unknown.format(key=key)}{did_you_mean(str(key), allowed)}")
        return value

    def number(self, path: Path_, value: object, *, low: float = 0, high: float = 1000,
               required: bool = True, integer: bool = False) -> float | None:
        if value is None:
            if required:
                self.problem(path, "缺少这一项，请填写数字。")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, f"应当是数字，现在是“{value}”。")
            return None
        if integer and not float(value).is_integer():
            self.problem(path, f"应当是整数，现在是 {value}。")
            return None
        if not low <= value <= high:
            self.problem(path, f"数值 {value} 超出合理范围（{low:g} 到 {high:g}）。")
            return None
        return int(value) if integer else float(value)

    def text(self, path: Path_, value: object, *, required: bool = False) -> str:
        if value is None or value == "":
            if required:
                self.problem(path, "缺少这一项。")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(path, "应当是一段文字。")
            return ""
        return str(value)

    def flag(self, path: Path_, value: object) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(path, f"应当是 true 或 false，现在是“{value}”。")
            return None
        return value

    def choice(self, path: Path_, value: object, options: dict[str, str] | Iterable[str],
               what: str) -> str:
        """One of `options` (a dict maps each option to its Chinese meaning), or ''."""
        text = self.text(path, value)
        if text and text not in options:
            listed = ("、".join(f"{k}（{v}）" for k, v in options.items())
                      if isinstance(options, dict) else "、".join(options))
            self.problem(path, f"{what}“{text}”无效。{did_you_mean(text, options)}可用：{listed}。")
            return ""
        return text

    def text_list(self, path: Path_, value: object, example: str) -> list[str]:
        """A list of texts; a single text counts as a list of one."""
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(path, f"应当是文字的列表，例如 {example}。")
            return []
        return list(value)
