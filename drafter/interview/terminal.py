"""The terminal questionnaire: asks the questions an interview session says are next.

`drafter.interview.session.InterviewSession` holds the logic (order, `when`, defaults,
last year's answers, resume, output); `Questionnaire` walks it with an asker:
`TerminalAsker` in a terminal (one screen per question, drafter.interview.screens),
`DefaultAnswers` without one.
Every answer is validated by `Question.check`, so a typed answer and an answers
file are judged by the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from drafter.document.dates import date_text
from drafter.interview.questions import Question, split_items
from drafter.interview.screens import BACK, Option, ask_pick, ask_text
from drafter.interview.session import InterviewSession, Progress
from drafter.templates.loader import Template

RENDER = "\0render"  # the review screen's "done" choice; never a question name
SUMMARY_WIDTH = 28


class GoBack(Exception):  # a request from the user, not an error
    """The user asked for the previous question."""


class Asker(Protocol):
    def heading(self, group: str) -> None: ...

    def ask(self, question: Question, default: object, progress: Progress | None = None
            ) -> object: ...  # may raise GoBack

    def review(self, template: Template, values: dict) -> str: ...  # may raise GoBack

    def unchanged(self, items: list[tuple[Question, object]]) -> list[str]: ...

    def warn(self, text: str) -> None: ...


@dataclass
class Questionnaire:
    """The flow of `drafter new`: ask what is unanswered, review, confirm last year's figures.

    The back key walks to the previous question; after changing it the questions in
    between are shown again with their answers (Enter keeps each) until the first one
    not yet answered.
    """

    session: InterviewSession
    asker: Asker
    _group: str = field(default="", init=False)

    def run(self) -> dict:
        """Ask until the review screen says done; return every applicable answer."""
        session = self.session
        while True:
            self.fill()
            try:
                name = self.asker.review(session.template, session.values)
            except GoBack:
                last = session.applicable()
                if last:
                    self._edit(last[-1])
                continue
            if name == RENDER:
                if self._confirm_unchanged():
                    return session.values
                continue
            question = session.template.question(name)
            if question is not None:
                self._edit(question)

    def fill(self) -> None:
        """Ask each question that applies and has no answer yet, in template order."""
        session = self.session
        current = session.next_question()
        revisiting = False  # walking forward again over answers given before going back
        while current is not None:
            if not self._ask(current):
                earlier = session.previous_question(current.name)
                if earlier is None:
                    self.asker.warn("已经是第一题。")
                else:
                    current, revisiting = earlier, True
                continue
            if revisiting:
                following = session.next_after(current.name)
                if following is not None and session.is_answered(following.name):
                    current = following
                    continue
                revisiting = False
            current = session.next_question()

    def _edit(self, question: Question) -> None:
        """Change one answer from the review screen; the back key reaches earlier ones."""
        while not self._ask(question):
            earlier = self.session.previous_question(question.name)
            if earlier is None:
                self.asker.warn("已经是第一题。")
            else:
                question = earlier

    def _ask(self, question: Question) -> bool:
        """Ask one question and store the answer; False when the user went back instead."""
        session = self.session
        if question.group and question.group != self._group:
            self.asker.heading(question.group)
            self._group = question.group
        try:
            value = self.asker.ask(question, session.start_value(question),
                                   session.progress(question.name))
        except GoBack:
            return False
        if session.set(question.name, value):
            session.leave_empty(question.name)  # e.g. a required fact with no default
        for note in session.take_notes():
            self.asker.warn(note.text)
        return True

    def _confirm_unchanged(self) -> bool:
        """Figures still equal to last year's: shown, confirmed, or asked again. True when done."""
        session = self.session
        unchanged = session.unchanged_from_last_year()
        if not unchanged:
            return True
        to_change = self.asker.unchanged([(q, session.values[q.name]) for q in unchanged])
        session.confirm_unchanged(q.name for q in unchanged)
        for question in unchanged:
            if question.name in to_change:
                self._edit(question)
        return not to_change


class DefaultAnswers:
    """Answers every question with its default, else its example: what a newcomer sees."""

    def heading(self, group: str) -> None:
        pass

    def ask(self, question: Question, default: object, progress: Progress | None = None
            ) -> object:
        # An example date only shows the format; the document's date follows its year.
        examples = () if question.type == "date" else (question.example,)
        for candidate in (default, *examples):
            if question.is_empty(candidate):
                continue
            value, error = question.check(candidate)
            if not error:
                return value
        return None

    def review(self, template: Template, values: dict) -> str:
        return RENDER

    def unchanged(self, items: list[tuple[Question, object]]) -> list[str]:
        return []

    def warn(self, text: str) -> None:
        pass


def display(question: Question, value: object) -> str:
    """An answer as one short line for the review screen."""
    if question.is_empty(value):
        return "（未填）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return date_text(value)
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


def full_text(question: Question, value: object) -> str:
    """An answer in full for the review screen's detail: whole paragraphs, one item a line."""
    if isinstance(value, list) and not question.is_empty(value):
        return "\n".join(f"{n}. {question.choice_label(v) if question.choices else v}"
                         for n, v in enumerate(value, 1))
    if isinstance(value, str) and not question.choices and not question.is_empty(value):
        return value
    return display(question, value)


def type_hint(question: Question) -> str:
    """How to answer this type, said once under the question."""
    q = question
    if q.type in ("int", "year"):
        if q.type == "year":
            return "填写四位年份。"
        if q.min is not None and q.max is not None:
            hint = f"填写 {q.min}～{q.max} 之间的整数。"
        else:
            hint = "填写整数，可以写 13.8万 这样的写法。"
        return hint + ("" if q.required else "没有就留空。")
    if q.type == "list":
        limit = f"最多 {q.max_items} 项。" if q.max_items else ""
        least = f"至少 {q.min_items} 项。" if q.min_items else ""
        return f"每行一项（也可用“、”隔开），在空行上按回车结束。{least}{limit}"
    hints = {
        "textarea": "可以写多行：回车换行，在空行上再按回车结束（即连按两次回车）。",
        "bool": "按 y 表示“是”，按 n 表示“否”；也可用 ↑↓ 选择后回车。",
        "choice": "用 ↑↓ 方向键选择，回车确认。",
        "multichoice": "用 ↑↓ 移动，空格键选中或取消，回车确认。",
        "checklist": "只勾选确实做了的工作：用 ↑↓ 移动（下方显示这项做法的说明），空格键选中或取消，"
                     "回车确认。勾选的做法会接着问它的具体数字。",
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


_NOT_CHOSEN = "\0none"  # the "（不选）" option of an optional choice
KEYS_TEXT = " 回车 确认 │ Ctrl-P 上一题 │ Ctrl-C 暂停，下次接着填 "
KEYS_LINES = " 空行上回车 结束 │ Ctrl-P 上一题 │ Ctrl-C 暂停，下次接着填 "
KEYS_PICK = " ↑↓ 选择 │ 回车 确认 │ Ctrl-P 上一题 │ Ctrl-C 暂停 "
KEYS_MULTI = " ↑↓ 移动 │ 空格 选中/取消 │ 回车 确认 │ Ctrl-P 上一题 │ Ctrl-C 暂停 "
KEYS_REVIEW = " ↑↓ 移动 │ 回车 修改这一题 │ Home 回到“生成文稿” │ Ctrl-C 暂停 "
KEYS_PLAIN = " ↑↓ 选择 │ 回车 确认 │ Ctrl-C 退出 "
KEYS_TICK = " ↑↓ 移动 │ 空格 选中/取消 │ 回车 确认 │ Ctrl-C 暂停 "


def _answer_option(question: Question, value: object) -> Option:
    """“title：short answer”, with the whole answer as detail when the line cuts it."""
    summary = display(question, value)
    whole = full_text(question, value)
    return Option(f"{question.caption}：{summary}", question.name,
                  detail=whole if whole != summary else "")


def progress_line(progress: Progress | None) -> str:
    """第 14/53 题 · 【三、服务发展大局】 · 还需约 12 分钟"""
    if progress is None:
        return ""
    parts = [f"第 {progress.index}/{progress.total} 题"]
    if progress.group:
        parts.append(f"【{progress.group}】")
    if progress.minutes_left:
        parts.append(f"还需约 {progress.minutes_left} 分钟")
    return " · ".join(parts)


class TerminalAsker:
    """Asks in a terminal, one screen per question (drafter.interview.screens); Ctrl-C raises
    KeyboardInterrupt, Ctrl-D EOFError, the back key GoBack."""

    def __init__(self) -> None:
        import questionary

        self.qy = questionary  # its print() writes styled text above the screens
        self.proofread = _load_proofreader()
        self._review_at: str | None = None  # the review screen reopens where it was left

    # -- output -------------------------------------------------------------------------

    def say(self, text: str, style: str = "") -> None:
        self.qy.print(text, style=style or None)

    def heading(self, group: str) -> None:
        self.say(f"\n【{group}】", "bold fg:ansiyellow")

    def warn(self, text: str) -> None:
        self.say(text, "fg:ansiyellow")

    def _answered(self, text: str) -> None:
        self.say(f"✔ {text}", "fg:ansicyan")

    def _header(self, question: Question, default: object, progress: Progress | None
                ) -> list[tuple[str, str]]:
        lines = []
        if progress is not None:
            lines.append(("progress", progress_line(progress)))
        mark = "（必填）" if question.required else ""
        lines.append(("title", f"{question.title}{mark}"))
        for text in question.help.strip().split("\n") if question.help.strip() else []:
            lines.append(("help", text))
        hint = type_hint(question)
        if hint:
            lines.append(("help", hint))
        example = question.example
        if (example is not None and question.type not in ("choice", "multichoice", "checklist", "bool")
                and question.check(example)[0] != question.check(default)[0]):  # not shown yet
            shown = ("、".join(map(str, example)) if isinstance(example, list)
                     else as_text(question, example))
            lines.append(("help", f"例如：{shown}"))
        return lines

    # -- asking -------------------------------------------------------------------------

    def ask(self, question: Question, default: object, progress: Progress | None = None
            ) -> object:
        ask = {
            "bool": self._bool,
            "choice": self._choice,
            "multichoice": self._multichoice,
            "checklist": self._multichoice,
            "list": self._list,
        }.get(question.type, self._text)
        value = ask(question, default, self._header(question, default, progress))
        if value is BACK:
            raise GoBack
        self._answered(f"{question.caption}：{display(question, value)}")
        self._proofread(value)
        return value

    def _verdict(self, question: Question) -> Callable[[object], str]:
        def verdict(raw: object) -> str:
            return question.check(raw)[1]

        return verdict

    def _text(self, question: Question, default: object, header) -> object:
        multiline = question.type == "textarea"
        start = as_text(question, default)
        if multiline and start:
            start += "\n"  # the cursor waits on an empty line: Enter keeps the text
        raw = ask_text(header, start, self._verdict(question), multiline=multiline,
                       keys=KEYS_LINES if multiline else KEYS_TEXT)
        if raw is BACK:
            return BACK
        return question.check(raw)[0]

    def _list(self, question: Question, default: object, header) -> object:
        start, _ = question.check(default)
        text = "".join(f"{item}\n" for item in start or [])

        def status(raw: str) -> str:
            count = len(split_items(raw))
            limit = f"，最多 {question.max_items} 项" if question.max_items else ""
            return f"现有 {count} 项{limit}。"

        raw = ask_text(header, text, self._verdict(question), multiline=True, keys=KEYS_LINES,
                       status=status)
        if raw is BACK:
            return BACK
        return question.check(raw)[0]

    def _bool(self, question: Question, default: object, header) -> object:
        value, _ = question.check(default)
        start = value if isinstance(value, bool) else False
        options = [Option("是", True, key="y"), Option("否", False, key="n")]
        return ask_pick(header, options, start=0 if start else 1, keys=KEYS_PICK)

    def _choice(self, question: Question, default: object, header) -> object:
        options = [Option(c.label, c.value, detail=c.help)
                   for c in question.choices]
        if not question.required:
            options.append(Option("（不选）", _NOT_CHOSEN))
        value, _ = question.check(default)
        values = [o.value for o in options]
        # Enter on an optional choice nobody has made keeps it unmade (“不选则……自动选定”)
        unmade = values.index(_NOT_CHOSEN) if _NOT_CHOSEN in values else 0
        answer = ask_pick(header, options, start=values.index(value) if value in values else unmade,
                          keys=KEYS_PICK)
        return None if answer == _NOT_CHOSEN else answer

    def _multichoice(self, question: Question, default: object, header) -> object:
        chosen, _ = question.check(default)
        options = [Option(c.label, c.value, detail=c.help)
                   for c in question.choices]
        answer = ask_pick(header, options, multi=True, checked=set(chosen or []),
                          keys=KEYS_MULTI, validate=self._verdict(question))
        if answer is BACK:
            return BACK
        return question.check(answer)[0]

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
        options = [Option("✔ 答案无误，生成文稿", RENDER,
                          detail="选中这一行回车即生成文稿；选中其他任何一行回车可修改那一题。")]
        group = None
        for question in template.questions:
            if question.name not in values:
                continue
            if question.group and question.group != group:
                options.append(Option(f"【{question.group}】", separator=True))
                group = question.group
            options.append(_answer_option(question, values[question.name]))
        names = [o.value for o in options]
        header = [("title", f"请检查全部 {len(values)} 项答案。选中某一项回车即可修改；"
                            "确认无误后选第一行“生成文稿”。")]
        start = names.index(self._review_at) if self._review_at in names else 0

        def remember(index: int) -> None:
            self._review_at = options[index].value

        answer = ask_pick(header, options, start=start, keys=KEYS_REVIEW, on_move=remember,
                          detail_rows=8)
        if answer is BACK:
            raise GoBack
        self._review_at = answer
        if answer == RENDER:
            self._answered("生成文稿")
        else:
            question = template.question(answer)
            self.say(f"修改“{question.title if question else answer}”", "fg:ansicyan")
        return answer

    def unchanged(self, items: list[tuple[Question, object]]) -> list[str]:
        """Figures equal to last year's: the user ticks those that changed, Enter confirms."""
        header = [
            ("title", f"以下 {len(items)} 项与去年的答案完全相同，请逐项核对。"),
            ("help", "今年有变化的，用空格键选中，回车后逐项修改；都确实没变，直接回车确认。"),
        ]
        options = [_answer_option(q, value) for q, value in items]
        answer = ask_pick(header, options, multi=True, keys=KEYS_TICK, allow_back=False)
        if answer:
            self.say(f"将修改 {len(answer)} 项。", "fg:ansicyan")
        else:
            self._answered(f"已确认 {len(items)} 项与去年相同")
        return list(answer)

    def pick_template(self, entries: list[tuple[str, str, str]]) -> str:
        """entries: (id, title, description); the highlighted one's description in full."""
        options = [Option(f"{title}（{tid}）", tid, detail=description)
                   for tid, title, description in entries]
        header = [("title", "请选择模板"), ("help", "用 ↑↓ 方向键选择，回车确认。")]
        answer = ask_pick(header, options, keys=KEYS_PLAIN, allow_back=False)
        title = next(title for tid, title, _ in entries if tid == answer)
        self.say(f"✔ 模板：{title}（{answer}）", "fg:ansicyan")
        return answer

    def on_clash(self, path) -> str:
        """The draft's file already exists: overwrite, a new numbered name, or stop."""
        from drafter.interview.session import free_name

        new = free_name(path)
        header = [("title", f"文件“{path.name}”已存在（可能是上一版）。"),
                  ("help", "直接回车即另存为新文件，原文件不动。")]
        options = [
            Option(f"另存为“{new.name}”", "rename"),
            Option(f"覆盖“{path.name}”", "overwrite"),
            Option("不保存，退出（答案仍保存在续答文件中）", "stop"),
        ]
        answer = ask_pick(header, options, keys=KEYS_PLAIN, allow_back=False)
        self._answered({"rename": f"另存为“{new.name}”", "overwrite": f"覆盖“{path.name}”",
                        "stop": "不保存"}[answer])
        return answer

    def offer_resume(self, count: int, saved_at: dt.datetime, path: object) -> bool:
        header = [
            ("title", f"发现上次未填完的问卷：已答 {count} 题，保存于 {saved_at:%Y-%m-%d %H:%M}"
                      f"（{path}）。"),
            ("help", "接着填写吗？选“否”则从头开始（上次的答案会在回答第一题后被替换）。"),
        ]
        options = [Option("接着填写（y）", True, key="y"), Option("从头开始（n）", False, key="n")]
        answer = ask_pick(header, options, keys=KEYS_PLAIN, allow_back=False)
        self._answered("接着填写" if answer else "从头开始")
        return bool(answer)
