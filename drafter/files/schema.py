"""Reading YAML that people write: typed fields, every problem collected with its file:line.

Template metadata, questions, style profiles, proofreading rules and answers
files are all YAML a non-programmer edits. Each loader walks its data with a
`Fields` reader: a getter returns a clean value or records a Chinese problem at
the line the value came from (and a "did you mean" for misspelt keys), so a
file with five mistakes is reported once with five lines, not five times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from drafter.errors import Problem

Path_ = tuple  # a path into the data: ("styles", "body", "size")
Locate = Callable[[Path_], tuple[str, int | None]]


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """'是否想写“…”？' for the closest option, or ''. (difflib is imported only when a key
    is wrong: the rule loader reads files through this module on every cold start.)"""
    import difflib

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
    """Typed getters over one YAML document; problems accumulate in `problems`.

    Each getter returns a clean value, or records a problem at the path's line and
    returns an empty one, so a loader goes on and reports everything at once. A
    `message` replaces the getter's own wording where a loader has a better one.
    """

    def __init__(self, locate: Locate, field_name: Callable[[Path_], str] | None = None):
        self.locate = locate
        self.field_name = field_name or (lambda path: ".".join(str(p) for p in path))
        self.problems: list[Problem] = []

    def problem(self, path: Path_, message: str) -> None:
        file, line = self.locate(path)
        self.problems.append(Problem(message, file=file, line=line, field=self.field_name(path)))

    def mapping(self, path: Path_, value: object, keys: Iterable[str],
                unknown: str = "不认识的设置“{key}”。", *,
                message: str = "这里应当是“键: 值”的映射。") -> dict:
        """A mapping whose keys must be among `keys`: each stranger is reported with
        `unknown` ({key} stands for it) and the closest key it may mean."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, message)
            return {}
        allowed = set(keys)
        for key in value:
            if key not in allowed:
                self.problem((*path, key),
                             unknown.replace("{key}", str(key)) + did_you_mean(str(key), allowed))
        return value

    def number(self, path: Path_, value: object, *, low: float | None = 0,
               high: float | None = 1000, required: bool = True, integer: bool = False,
               message: str | None = None) -> float | None:
        """A number from `low` to `high` (None: no bound); a whole one with `integer`."""
        if value is None:
            if required:
                self.problem(path, message or "缺少这一项，请填写数字。")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, message or f"应当是数字，现在是“{value}”。")
            return None
        if integer and not float(value).is_integer():
            self.problem(path, message or f"应当是整数，现在是 {value}。")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = (f"{low:g} 到 {high:g}" if low is not None and high is not None
                      else f"不小于 {low:g}" if low is not None else f"不大于 {high:g}")
            self.problem(path, message or f"数值 {value} 超出合理范围（{bounds}）。")
            return None
        return int(value) if integer else float(value)

    def text(self, path: Path_, value: object, *, required: bool = False,
             message: str = "应当是一段文字。", missing: str = "缺少这一项。",
             numbers: bool = True) -> str:
        """A text ('' if absent); with `numbers`, a YAML number (2024) counts as its text.
        A required text must not be blank."""
        if value is None or value == "":
            if required:
                self.problem(path, missing)
            return ""
        kinds = (str, int, float) if numbers else (str,)
        if not isinstance(value, kinds) or isinstance(value, bool):
            self.problem(path, message)
            return ""
        if required and not str(value).strip():
            self.problem(path, missing)
            return ""
        return str(value)

    def flag(self, path: Path_, value: object, message: str | None = None) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(path, message or f"应当是 true 或 false，现在是“{value}”。")
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
