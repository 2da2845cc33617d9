"""The terminal questionnaire: asks the questions an interview session says are next.

`drafter.session.InterviewSession` holds the logic (order, `when`, defaults,
last year's answers, resume, output); `Questionnaire` walks it with an asker:
`TerminalAsker` in a terminal with questionary, `DefaultAnswers` without one.
Every answer is validated by `Question.check`, so a typed answer and an answers
file are judged by the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from drafter.questions import Question
from drafter.session import InterviewSession
from drafter.templates import Template

RENDER = "\0render"  # the review screen's "done" choice; never a question name
SUMMARY_WIDTH = 28


class Asker(Protocol):
    def heading(self, group: str) -> None: ...

    def ask(self, question: Question, default: object) -> object: ...

    def review(self, template: Template, values: dict) -> str: ...

    def warn(self, text: str) -> None: ...


@dataclass
class Questionnaire:
    """The flow of `drafter new`: ask what is unanswered, then review until done."""

    session: InterviewSession
    asker: Asker
    _group: str = field(default="", init=False)

    def run(self) -> dict:
        """Ask until the review screen says done; return every applicable answer."""
        session = self.session
        while True:
            self.fill()
            name = self.asker.review(session.template, session.values)
            if name == RENDER:
                return session.values
            question = session.template.question(name)
            if question is not None:
                self._ask(question)

    def fill(self) -> None:
        """Ask each question that applies and has no answer yet, in template order."""
        while (question := self.session.next_question()) is not None:
            if question.group and question.group != self._group:
                self.asker.heading(question.group)
                self._group = question.group
            self._ask(question)

    def _ask(self, question: Question) -> None:
        value = self.asker.ask(question, self.session.start_value(question))
        if self.session.set(question.name, value):
            self.session.leave_empty(question.name)  # e.g. a required fact with no default
        for note in self.session.take_notes():
            self.asker.warn(note.text)


class DefaultAnswers:
    """Answers every question with its default, else its example: what a newcomer sees."""

    def heading(self, group: str) -> None:
        pass

    def ask(self, question: Question, default: object) -> object:
        for candidate in (default, question.example):
            if question.is_empty(candidate):
                continue
            value, error = question.check(candidate)
            if not error:
                return value
        return None

    def review(self, template: Template, values: dict) -> str:
        return RENDER

    def warn(self, text: str) -> None:
        pass


def display(question: Question, value: object) -> str:
    """An answer as one short line for the review screen."""
    if question.is_empty(value):
        return "（未填）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, list):
        items = [question.choice_label(v) if question.choices else str(v) for v in value]
        text = "、".join(items)
    elif question.choices:
        text = question.choice_label(str(value))
    else:
        text = str(value)
    lines = text.split("\n")
    text = lines[0] + ("……" if len(lines) > 1 else "")
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


def as_text(question: Question, value: object) -> str:
    """A value as the text a prompt starts with."""
    if question.is_empty(value):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def type_hint(question: Question) -> str:
    """How to answer this type, said once under the question."""
    q = question
    if q.type in ("int", "year"):
        if q.min is not None and q.max is not None:
            return f"填写 {q.min}～{q.max} 之间的整数。"
        return "填写四位年份。" if q.type == "year" else "填写整数（只写数字）。"
    hints = {
        "textarea": "可以写多行。写完后按 Esc 再按 Enter 结束（或 Alt+Enter）。",
        "bool": "按 y 表示“是”，按 n 表示“否”；直接回车取默认。",
        "choice": "用 ↑↓ 方向键选择，回车确认。",
        "multichoice": "用 ↑↓ 移动，空格键选中或取消，回车确认。",
        "checklist": "只勾选确实做了的工作：用 ↑↓ 移动（下方显示这项做法的说明），空格键选中或取消，回车确认。"
                     "勾选的做法会接着问它的具体数字。",
        "list": "逐项填写，每项回车确认；在空白的一项上直接回车即结束。",
        "date": "例如 2024-05-08 或 2024年5月8日。",
    }
    return hints.get(q.type, "")


def _load_proofreader() -> Callable[[str], list] | None:
    """The proofreading rules, if this installation has them yet."""
    try:
        from drafter.check import check_answer
    except ImportError:
        return None
    return check_answer


def _finding_sentence(finding) -> str:
    """A proofreading finding as one short sentence; the checker's own wording if it has one."""
    message = getattr(finding, "message", None)
    if callable(message):
        return message().rstrip("。")
    suggestion = f"，建议改为“{finding.suggestion}”" if finding.suggestion else ""
    reason = f"（{finding.reason.rstrip('。')}）" if finding.reason else ""
    return f"“{finding.text}”{suggestion}{reason}"


def _fit(text: str, width: int) -> str:
    """Cut text to a terminal width, counting a Chinese character as two columns."""
    from prompt_toolkit.utils import get_cwidth

    if get_cwidth(text) <= width:
        return text
    out = ""
    for char in text:
        if get_cwidth(out + char + "…") > width:
            break
        out += char
    return out + "…"


_NOT_CHOSEN = object()
STYLE_RULES = [
    ("qmark", "fg:ansigreen bold"),
    ("question", "bold"),
    ("answer", "fg:ansicyan"),
    ("instruction", "fg:ansibrightblack"),
    ("pointer", "fg:ansicyan bold"),
    ("highlighted", "fg:ansicyan bold"),
    ("selected", "fg:ansicyan"),
    ("separator", "fg:ansibrightblack"),
    ("placeholder", "fg:ansibrightblack"),
    ("validation-toolbar", "fg:ansired bold noreverse"),
]


class TerminalAsker:
    """Asks in a terminal with questionary; Ctrl-C raises KeyboardInterrupt, Ctrl-D EOFError."""

    def __init__(self) -> None:
        import questionary
        from prompt_toolkit.styles import Style

        self.qy = questionary
        self.style = Style(STYLE_RULES)
        self.proofread = _load_proofreader()

    # -- output -------------------------------------------------------------------------

    def say(self, text: str, style: str = "") -> None:
        self.qy.print(text, style=style or None)

    def heading(self, group: str) -> None:
        self.say(f"\n【{group}】", "bold fg:ansiyellow")

    def warn(self, text: str) -> None:
        self.say(text, "fg:ansiyellow")

    def _answered(self, text: str) -> None:
        self.say(f"› {text}", "fg:ansicyan")

    def _intro(self, question: Question, default: object) -> None:
        mark = "（必填）" if question.required else ""
        self.say(f"? {question.title}{mark}", "bold")
        lines = question.help.strip().split("\n") if question.help.strip() else []
        hint = type_hint(question)
        if hint:
            lines.append(hint)
        example = question.example
        placeholder_shows_it = question.is_empty(default) and question.type != "list"
        if example is not None and not placeholder_shows_it and question.type not in (
            "choice", "multichoice", "checklist", "bool"
        ):
            lines.append(f"例如：{as_text(question, example)}")
        for line in lines:
            self.say(f"  {line}", "fg:ansibrightblack")

    # -- asking -------------------------------------------------------------------------

    def ask(self, question: Question, default: object) -> object:
        self._intro(question, default)
        ask = {
            "bool": self._bool,
            "choice": self._choice,
            "multichoice": self._multichoice,
            "checklist": self._multichoice,
            "list": self._list,
        }.get(question.type, self._text)
        value = ask(question, default)
        self._proofread(value)
        return value

    def _verdict(self, question: Question) -> Callable[[object], bool | str]:
        def verdict(raw: object) -> bool | str:
            _, error = question.check(raw)
            return error or True

        return verdict

    def _prompt_text(self, default: str, validate, multiline: bool = False,
                     placeholder: str = "") -> str:
        from prompt_toolkit.formatted_text import FormattedText

        extra = {}
        if placeholder and not default:
            extra["placeholder"] = FormattedText([("class:placeholder", placeholder)])
        prompt = self.qy.text(
            "", qmark="›", default=default, validate=validate, multiline=multiline,
            instruction="\n " if multiline else "", style=self.style,
            validate_while_typing=False, **extra,
        )
        return prompt.unsafe_ask()

    def _text(self, question: Question, default: object) -> object:
        example = "" if question.example is None else f"例如：{as_text(question, question.example)}"
        raw = self._prompt_text(as_text(question, default), self._verdict(question),
                                multiline=question.type == "textarea", placeholder=example)
        value, _ = question.check(raw)
        return value

    def _with_eof(self, prompt):
        """Ctrl-D leaves list prompts too, as it does a text prompt."""
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        bindings = KeyBindings()

        @bindings.add("c-d", eager=True)
        def _(event) -> None:
            event.app.exit(exception=EOFError)

        app = prompt.application
        app.key_bindings = merge_key_bindings([app.key_bindings, bindings])
        return prompt

    def _bool(self, question: Question, default: object) -> bool:
        value, _ = question.check(default)
        start = value if isinstance(value, bool) else False
        answer = self._with_eof(self.qy.confirm(
            "", qmark="›", default=start, auto_enter=True,
            instruction=f"（y 是 / n 否，默认{'是' if start else '否'}）", style=self.style,
            erase_when_done=True,
        )).unsafe_ask()
        self._answered("是" if answer else "否")
        return bool(answer)

    def _choice(self, question: Question, default: object) -> object:
        Choice = self.qy.Choice
        choices = [Choice(c.label, value=c.value) for c in question.choices]
        if not question.required:
            choices.append(Choice("（不选）", value=_NOT_CHOSEN))
        value, _ = question.check(default)
        start = value if value in [c.value for c in question.choices] else None
        answer = self._with_eof(self.qy.select(
            "", qmark="›", choices=choices, default=start, instruction=" ", style=self.style,
            erase_when_done=True,
        )).unsafe_ask()
        if answer is _NOT_CHOSEN:
            self._answered("（不选）")
            return None
        self._answered(question.choice_label(answer))
        return answer

    def _multichoice(self, question: Question, default: object) -> list | None:
        Choice = self.qy.Choice
        chosen, _ = question.check(default)
        chosen = chosen or []
        choices = [Choice(c.label, value=c.value, checked=c.value in chosen,
                          description=c.help or None) for c in question.choices]
        answer = self._with_eof(self.qy.checkbox(
            "", qmark="›", choices=choices, validate=self._verdict(question), instruction=" ",
            style=self.style, erase_when_done=True,
        )).unsafe_ask()
        value, _ = question.check(answer)
        self._answered(display(question, value) if value else "（未选）")
        return value

    def _list(self, question: Question, default: object) -> list | None:
        start, _ = question.check(default)
        items: list[str] = list(start or [])
        item_question = Question(name=question.name, type="text")  # as in answers files
        while True:
            result: list[str] = []
            while True:
                prefilled = items[len(result)] if len(result) < len(items) else ""
                raw = self._prompt_text(prefilled, self._item_verdict(item_question),
                                        placeholder="（直接回车结束）")
                item, _ = item_question.check(raw)
                if item is None:
                    break
                result.append(item)
            value, error = question.check(result)
            if not error:
                return value
            self.warn(f"  {error}请重新填写这一清单。")
            items = result

    def _item_verdict(self, item_question: Question) -> Callable[[str], bool | str]:
        def verdict(raw: str) -> bool | str:
            if not raw.strip():
                return True
            _, error = item_question.check(raw)
            return error or True

        return verdict

    def _proofread(self, value: object) -> None:
        """Warn under the answer about wording the proofreading rules flag; never block."""
        if self.proofread is None:
            return
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if not isinstance(text, str) or not text.strip():
                continue
            for finding in self.proofread(text):
                self.warn(f"  注意：{_finding_sentence(finding)}。可在最后检查时修改。")

    # -- whole screens ------------------------------------------------------------------

    def review(self, template: Template, values: dict) -> str:
        Choice, Separator = self.qy.Choice, self.qy.Separator
        choices: list = [Choice("✔ 答案无误，生成文稿", value=RENDER)]
        group = None
        for question in template.questions:
            if question.name not in values:
                continue
            if question.group and question.group != group:
                choices.append(Separator(f"【{question.group}】"))
                group = question.group
            summary = display(question, values[question.name])
            choices.append(Choice(f"{question.title}：{summary}", value=question.name))
        self.say("\n请检查全部答案。选中某一项回车即可修改；确认无误后选“生成文稿”。", "bold")
        answer = self._with_eof(self.qy.select(
            "", qmark="›", choices=choices, default=choices[0], instruction=" ",
            style=self.style, erase_when_done=True,
        )).unsafe_ask()
        if answer == RENDER:
            self._answered("生成文稿")
        else:
            question = template.question(answer)
            self._answered(f"修改“{question.title if question else answer}”")
        return answer

    def pick_template(self, entries: list[tuple[str, str, str]]) -> str:
        """entries: (id, title, description); one line each, the description cut to fit."""
        import shutil

        from prompt_toolkit.utils import get_cwidth

        Choice = self.qy.Choice
        columns = shutil.get_terminal_size().columns
        choices = []
        for tid, title, description in entries:
            name = f"{title}（{tid}）"
            room = columns - get_cwidth(name) - 8
            line = [("", name)]
            if description and room > 10:
                line.append(("class:instruction", "  " + _fit(description, room)))
            choices.append(Choice(line, value=tid))
        self.say("? 请选择模板", "bold")
        self.say("  用 ↑↓ 方向键选择，回车确认。", "fg:ansibrightblack")
        answer = self._with_eof(self.qy.select(
            "", qmark="›", choices=choices, instruction=" ", style=self.style,
            erase_when_done=True,
        )).unsafe_ask()
        title = next(title for tid, title, _ in entries if tid == answer)
        self._answered(f"{title}（{answer}）")
        return answer

    def on_clash(self, path) -> str:
        """The draft's file already exists: overwrite, a new numbered name, or stop."""
        from drafter.session import free_name

        Choice = self.qy.Choice
        new = free_name(path)
        self.say(f"? 文件“{path.name}”已存在（可能是上一版）。", "bold")
        self.say("  用 ↑↓ 选择，回车确认；直接回车即另存为新文件，原文件不动。", "fg:ansibrightblack")
        choices = [
            Choice(f"另存为“{new.name}”", value="rename"),
            Choice(f"覆盖“{path.name}”", value="overwrite"),
            Choice("不保存，退出（答案仍保存在续答文件中）", value="stop"),
        ]
        answer = self._with_eof(self.qy.select(
            "", qmark="›", choices=choices, default=choices[0], instruction=" ", style=self.style,
            erase_when_done=True,
        )).unsafe_ask()
        self._answered({"rename": f"另存为“{new.name}”", "overwrite": f"覆盖“{path.name}”",
                        "stop": "不保存"}[answer])
        return answer

    def offer_resume(self, count: int, saved_at: dt.datetime, path: object) -> bool:
        self.say(f"? 发现上次未填完的问卷：已答 {count} 题，保存于 {saved_at:%Y-%m-%d %H:%M}"
                 f"（{path}）。", "bold")
        self.say("  接着填写吗？选“否”则从头开始（上次的答案会在回答第一题后被替换）。",
                 "fg:ansibrightblack")
        answer = self._with_eof(self.qy.confirm(
            "", qmark="›", default=True, auto_enter=True, instruction="（y 接着填 / n 从头开始，默认接着填）",
            style=self.style, erase_when_done=True,
        )).unsafe_ask()
        self._answered("接着填写" if answer else "从头开始")
        return bool(answer)
