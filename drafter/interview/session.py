"""The interview session: one questionnaire in progress, with no terminal and no printing.

Every front end drives the same object: the terminal asker of `drafter new` asks
one question at a time, the web form of `drafter serve` shows a whole section;
both call `set()` with what the user typed and show what comes back. The
session knows which questions apply (`when`), what a field starts with (the
answer, last year's answer, or the template's default), progress, what is still
missing, which answers are unchanged from last year, and it saves every change
to the resume store, so an interrupted questionnaire loses nothing.

Answers whose `when` stops holding are kept aside, not deleted: clearing and
refilling a parent brings its children's answers back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drafter.interview.expressions import default_for, is_asked
from drafter.interview.questions import Question
from drafter.templates.loader import Template

# Rough seconds a secretary spends on one question of each type, for "about N minutes left".
SECONDS_PER_TYPE = {
    "text": 25, "textarea": 120, "int": 15, "year": 5, "date": 10, "bool": 5,
    "choice": 10, "multichoice": 25, "checklist": 45, "list": 45,
}
UNCHANGED_TYPES = ("int", "text", "textarea", "list")  # answers that carry last year's figures
SAMPLE_MARK = "【样稿】"
SAMPLE_NOTE = ("【样稿】本稿按模板的默认值和示例生成，单位名称、数字和日期都是示例，不是真实情况，"
               "不能直接使用。请用 drafter new 逐题填写本单位的实际情况后再出稿。")
SAMPLE_HEADER = "【样稿】以下答案是模板的默认值和示例，不是真实情况；请逐项改成本单位的实际情况。"


@dataclass(frozen=True)
class Note:
    """Something a front end should show once: kind is "warning" or "info"."""

    kind: str
    text: str


@dataclass(frozen=True)
class Progress:
    index: int  # 1-based position among the questions that apply now
    total: int
    group: str
    minutes_left: int  # for the questions not yet answered


@dataclass(frozen=True)
class Group:
    title: str
    questions: tuple[Question, ...]
    answered: int

    @property
    def total(self) -> int:
        return len(self.questions)


@dataclass
class Finished:
    """Where a finished draft went and what to tell the user about it."""

    path: Path | None  # None when written to the screen
    answers_path: Path
    draft: object  # drafter.render.pipeline.Draft
    notes: list[str] = field(default_factory=list)


# on_clash(path) -> "overwrite" | "rename" | "stop": what to do when the derived output exists.
ClashHandler = Callable[[Path], str]


class OutputExists(Exception):
    """The user chose to stop rather than overwrite an existing draft."""


@dataclass
class InterviewSession:
    template: Template
    values: dict = field(default_factory=dict)  # answered questions that apply: checked values
    last: dict | None = None  # last year's raw answers, pre-filled as starting values
    persist: bool = True  # save every change to the resume store
    sample: bool = False  # answers are the template's defaults and examples: mark the draft
    notes: list[Note] = field(default_factory=list)
    saved: object = None  # drafter.interview.resume.Saved found when opening, if any
    _aside: dict = field(default_factory=dict)  # answers whose `when` no longer holds
    _confirmed: set = field(default_factory=set)
    _save_failed: bool = False

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, template: Template, last=None, persist: bool = True) -> InterviewSession:
        """A session for `template`; `last` is last year's AnswersFile, if any.

        A resume file found for the template is in `saved` (and its problems in
        `notes`); the front end decides whether to `resume()` it.
        """
        session = cls(template, persist=persist)
        if last is not None:
            session._take_last_year(last)
        if persist:
            session._find_saved()
        return session

    def _take_last_year(self, last) -> None:
        template = self.template
        if last.template_id and last.template_id not in template.chain_ids:
            self._note("warning", f"{last.path} 是为模板“{last.template_id}”填写的，现用模板"
                                  f"“{template.id}”，同名的题目仍会预先填好，请逐题核对。")
        unusable = [q.title for q in template.questions
                    if q.name in last.values and q.type != "year" and q.check(last.values[q.name])[1]]
        if unusable:
            self._note("warning", f"{last.path} 中以下答案不符合现在的要求，改用模板的默认值："
                                  f"{'、'.join(unusable)}。")
        self.last = dict(last.values)

    def _find_saved(self) -> None:
        from drafter.interview import resume

        try:
            saved = resume.load(self.template)
        except OSError as exc:
            self._note("warning", f"无法读取上次保存的问卷（{exc}），本次从头开始。")
            return
        if saved is None:
            return
        if saved.notice:
            self._note("warning", saved.notice)
            return
        if saved.caution:
            self._note("warning", saved.caution)
        if saved.dropped:
            self._note("warning", "注意：模板已更新，以下答案不再符合要求，需要重新回答："
                                  f"{'、'.join(saved.dropped)}。")
        if saved.values:
            self.saved = saved

    def resume(self) -> None:
        """Continue from the answers saved last time."""
        if self.saved is not None:
            self.values = dict(self.saved.values)
            self._settle()

    def _note(self, kind: str, text: str) -> None:
        self.notes.append(Note(kind, text))

    # -- reading ------------------------------------------------------------------------

    def question(self, name: str) -> Question:
        question = self.template.question(name)
        if question is None:
            raise KeyError(name)
        return question

    def applicable(self) -> list[Question]:
        """The questions whose `when` holds, in template order.

        Conditions see the answers given, and for questions not yet answered the value
        they start with (default or last year's), as a render of these answers would.
        """
        return [question for question, asked in self._walk() if asked]

    def _walk(self):
        """(question, applies) in template order, evaluating conditions as a render does."""
        seen: dict = {}
        for question in self.template.questions:
            asked = is_asked(question, seen)
            if asked:
                name = question.name
                seen[name] = (self.values[name] if name in self.values
                              else prefilled_default(question, seen, self.last))
            else:
                seen[question.name] = None
            yield question, asked

    def is_answered(self, name: str) -> bool:
        return name in self.values

    def start_value(self, question: Question) -> object:
        """What a field shows: the answer, else last year's answer, else the template default."""
        if question.name in self.values:
            return self.values[question.name]
        return prefilled_default(question, self.values, self.last)

    def next_question(self) -> Question | None:
        """The first question that applies and has no answer yet."""
        return next((q for q in self.applicable() if q.name not in self.values), None)

    def next_after(self, name: str) -> Question | None:
        """The question after `name` among those that apply (answered or not)."""
        questions = self.applicable()
        names = [q.name for q in questions]
        if name not in names:
            return self.next_question()
        index = names.index(name)
        return questions[index + 1] if index + 1 < len(questions) else None

    def previous_question(self, name: str | None) -> Question | None:
        """The question before `name` among those that apply; with None, the last answered."""
        questions = self.applicable()
        names = [q.name for q in questions]
        if name is None or name not in names:
            answered = [q for q in questions if q.name in self.values]
            return answered[-1] if answered else None
        index = names.index(name)
        return questions[index - 1] if index > 0 else None

    def progress(self, name: str) -> Progress:
        questions = self.applicable()
        names = [q.name for q in questions]
        index = names.index(name) + 1 if name in names else len(self.values) + 1
        seconds = sum(SECONDS_PER_TYPE.get(q.type, 20) for q in questions
                      if q.name not in self.values)
        question = self.template.question(name)
        return Progress(index, len(questions), question.group if question else "",
                        max(1, round(seconds / 60)) if seconds else 0)

    def groups(self) -> list[Group]:
        """The sections of the questionnaire with what applies now and how much is answered."""
        order: list[str] = []
        members: dict[str, list[Question]] = {}
        for question in self.applicable():
            title = question.group or "其他"
            if title not in members:
                order.append(title)
                members[title] = []
            members[title].append(question)
        return [Group(t, tuple(members[t]), sum(q.name in self.values for q in members[t]))
                for t in order]

    def missing_required(self) -> list[Question]:
        """Required questions that apply and are still empty."""
        return [q for q in self.applicable()
                if q.required and q.is_empty(self.values.get(q.name, self.start_value(q)))]

    def unchanged_from_last_year(self) -> list[Question]:
        """Answers carrying figures that are still exactly last year's, not yet confirmed."""
        if not self.last:
            return []
        found = []
        for question in self.applicable():
            name = question.name
            if (question.type not in UNCHANGED_TYPES or name not in self.values
                    or name not in self.last or name in self._confirmed):
                continue
            value = self.values[name]
            if question.type != "int" and not _has_digit(value):
                continue
            before, error = question.check(self.last[name])
            if not error and before == value and not question.is_empty(value):
                found.append(question)
        return found

    def confirm_unchanged(self, names) -> None:
        """The user says these figures really are the same as last year."""
        self._confirmed.update(names)

    # -- changing -----------------------------------------------------------------------

    def set(self, name: str, raw: object) -> str:
        """Store an answer; return '' or the Chinese reason it was refused (nothing stored).

        An empty answer to an optional question is an answer ("none"); the session saves
        after every accepted change.
        """
        question = self.question(name)
        value, error = question.check(raw)
        if error:
            return error
        self.values[name] = value
        self._confirmed.discard(name)
        self._settle()
        self._save()
        return ""

    def accept_start_values(self) -> None:
        """Take what every unanswered field shows (last year's answer, a default) as its answer.

        The terminal asks each question and Enter keeps the pre-filled value; a form asks
        nothing, so what it shows must become answers, or the preview and the answers file
        would not contain what the page displays. A value its question refuses stays
        unanswered.
        """
        done: set[str] = set()
        while pending := [q for q in self.applicable()
                          if q.name not in done and q.name not in self.values]:
            for question in pending:
                done.add(question.name)
                value = self.start_value(question)
                if not question.is_empty(value):
                    self.set(question.name, value)

    def leave_empty(self, name: str) -> None:
        """Record a question as answered with nothing (a required one then shows as missing)."""
        self.question(name)
        self.values[name] = None
        self._settle()
        self._save()

    def clear(self, name: str) -> None:
        """Forget an answer, so the question counts as not yet answered."""
        self.values.pop(name, None)
        self._settle()
        self._save()

    def _settle(self) -> None:
        """Set aside answers whose condition no longer holds; bring back those that hold again."""
        seen: dict = {}
        for question in self.template.questions:
            name = question.name
            if not is_asked(question, seen):
                if name in self.values:
                    self._aside[name] = self.values.pop(name)
                seen[name] = None
                continue
            if name not in self.values and name in self._aside:
                self.values[name] = self._aside.pop(name)
            seen[name] = (self.values[name] if name in self.values
                          else prefilled_default(question, seen, self.last))

    def _save(self) -> None:
        """After every change; a state folder we cannot write is said once, not fatal."""
        if not self.persist:
            return
        from drafter.errors import OutputError
        from drafter.interview import resume

        try:
            resume.save(self.template, {**self._aside, **self.values})
        except (OutputError, OSError) as exc:
            if not self._save_failed:
                self._save_failed = True
                self._note("warning", f"注意：无法保存中途答案（{exc}），中断后将无法接着填写。"
                                      f"可设置环境变量 {resume.ENV_VAR} 指定一个可写的文件夹。")

    @property
    def save_failed(self) -> bool:
        return self._save_failed

    def take_notes(self) -> list[Note]:
        """The notes not yet shown; each is handed out once."""
        notes, self.notes = self.notes, []
        return notes

    # -- results ------------------------------------------------------------------------

    def answers_file(self):
        from drafter.interview.answers import AnswersFile

        return AnswersFile("（问卷）", self.template.id, self.template.version, dict(self.values))

    def answers_yaml(self, header: str = "") -> str:
        """The readable answers file: the same text whichever front end collected the answers
        (the header says the day it was saved, not by what)."""
        from drafter.interview.answers import dump_answers

        if self.sample:
            header = f"{SAMPLE_HEADER}{'（' + header + '）' if header else ''}"
        header = header or f"{dt.date.today().isoformat()} 由 drafter 保存"
        return dump_answers(self.template, self.values, header=header)

    def draft(self, allow_missing: bool = True):
        """The draft these answers make now (for a preview, or to write); a sample says so."""
        from drafter.render.pipeline import draft_from_answers

        draft = draft_from_answers(self.template, self.answers_file(), allow_missing)
        if self.sample:
            draft.document = marked_as_sample(draft.document)
        return draft

    def finish(self, output: Path | str | None = None, fmt: str = "docx", force: bool = False,
               allow_missing: bool = False, on_clash: ClashHandler | None = None,
               header: str = "", keep_resume: bool = False) -> Finished:
        """Render, write the draft and its answers file beside it, forget the resume store.

        With no `output`, the name comes from the template; if that file (or its answers
        file) exists and `force` is off, `on_clash` decides: overwrite, a new numbered
        name (the default), or stop (OutputExists).
        """
        from drafter.files.output import atomic_write_text, check_target
        from drafter.render.pipeline import default_output, write_draft

        draft = self.draft(allow_missing)
        to_screen = output == "-"
        if output and not to_screen:
            path = Path(output)
        else:
            path = default_output(draft, fmt)
            if not force and not to_screen and _taken(path):
                choice = (on_clash or (lambda _p: "rename"))(path)
                if choice == "stop":
                    raise OutputExists(str(path))
                if choice == "overwrite":
                    force = True
                else:
                    path = free_name(path)
        answers_path = answers_path_for(path)
        if not to_screen:
            check_target(path, force)
        check_target(answers_path, force)
        written, notes = write_draft(draft, "-" if to_screen else path, fmt, force)
        atomic_write_text(answers_path, self.answers_yaml(header), force=force)
        if not keep_resume:
            self.discard()
        return Finished(written, answers_path, draft, list(notes))

    def discard(self) -> None:
        """Forget the resume store once its answers have become a draft."""
        if self.persist:
            from drafter.interview import resume

            resume.discard(self.template.id)


def marked_as_sample(document):
    """【样稿】 before the title and a line under it saying the facts are made up.

    A draft from defaults and examples reads like a real county's report; without the
    mark it could be handed in by mistake.
    """
    from drafter.document.model import Block, Kind, Span

    blocks = list(document.blocks)
    heads = 0
    for index, block in enumerate(blocks):
        if block.kind is Kind.TITLE and not block.text.startswith(SAMPLE_MARK):
            blocks[index] = block._replace(spans=(Span(SAMPLE_MARK), *block.spans))
        if block.kind not in (Kind.TITLE, Kind.SUBTITLE):
            break
        heads = index + 1
    blocks.insert(heads, Block(Kind.PARAGRAPH, (Span(SAMPLE_NOTE),)))
    return document._replace(blocks=tuple(blocks))


def prefilled_default(question: Question, answers: dict, last: dict | None) -> object:
    """What an unanswered question starts with: last year's answer if usable, else the default.

    A year question follows the calendar, not last year's file; a date keeps its month
    and day but moves into the year being reported on.
    """
    if last is not None:
        if question.type == "year":
            return dt.date.today().year
        if question.name in last:
            value, error = question.check(last[question.name])
            if not error:
                if question.type == "date" and isinstance(value, dt.date):
                    return _moved(value, answers.get("year"))
                return value
    return default_for(question, answers)


def _moved(day: dt.date, year: object) -> dt.date:
    target = year if isinstance(year, int) else dt.date.today().year
    try:
        return day.replace(year=target)
    except ValueError:  # 29 February
        return day.replace(year=target, day=28)


def _has_digit(value: object) -> bool:
    if isinstance(value, list):
        return any(_has_digit(item) for item in value)
    return isinstance(value, str) and any(ch.isdigit() for ch in value)


def answers_path_for(output: Path) -> Path:
    """`材料.docx` → `材料.answers.yaml`, beside the draft."""
    return output.with_name(f"{output.stem}.answers.yaml")


def _taken(path: Path) -> bool:
    return path.exists() or answers_path_for(path).exists()


def free_name(path: Path) -> Path:
    """`材料.docx` → `材料（2）.docx`, the first number whose draft and answers file are free."""
    number = 2
    while True:
        candidate = path.with_name(f"{path.stem}（{number}）{path.suffix}")
        if not _taken(candidate):
            return candidate
        number += 1
