"""One exception hierarchy. Every error a user can cause carries a complete Chinese message.

The CLI turns `UserError` into its message and `exit_code`; anything else is a bug
and is allowed to crash with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class DrafterError(Exception):
    """Base of everything drafter raises on purpose."""


class UserError(DrafterError):
    """A problem the user can fix: the message says what, where and what to do."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One located problem inside a file: used to report many at once."""

    message: str
    file: str = ""
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"第 {self.line} 行"
        parts = [p for p in (where, f"字段 {self.field}" if self.field else "") if p]
        prefix = "，".join(parts)
        return f"{prefix}：{self.message}" if prefix else self.message


class ProblemsError(UserError):
    """Several problems found at once; the message lists them all."""

    headline = "发现问题"

    def __init__(self, problems: list[Problem], headline: str | None = None):
        self.problems = list(problems)
        head = headline or self.headline
        lines = [f"{head}（共 {len(self.problems)} 处）："]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class AnswersError(ProblemsError):
    headline = "答案文件有误"


class TemplateError(ProblemsError):
    headline = "模板有误"


class TemplateNotFound(UserError):
    def __init__(self, name: str, known: list[str]):
        hint = "、".join(known) if known else "（无）"
        super().__init__(
            f"找不到模板“{name}”。可用的模板：{hint}。"
            "请用 drafter templates list 查看，或直接给出模板文件夹的路径。"
        )


class MissingFactsError(UserError):
    """Required facts are missing and the user did not allow placeholders."""

    def __init__(self, labels: list[tuple[str, str]]):
        self.labels = labels
        items = "；".join(f"{label}（{name}）" for name, label in labels)
        super().__init__(
            f"以下必填内容尚未填写：{items}。"
            "请在答案文件中补充；如需先出稿，可加 --allow-missing，缺项将以【待补充：…】标出。"
        )


class OutputError(UserError):
    """Writing the result failed or would destroy an existing file."""


class SandboxError(UserError):
    """A template tried something the sandbox forbids."""


class InterviewAborted(UserError):
    """The questionnaire was interrupted; partial answers were saved."""

    exit_code = 130
