"""Question defaults and `when` conditions: small Jinja expressions over earlier answers.

Evaluated in the same sandbox and under the same time, memory and recursion bounds as
outlines (drafter.render.sandbox.guarded), so a template's questions are no more trusted than
its outline.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import jinja2

from drafter.errors import Problem, SandboxError, TemplateError
from drafter.interview.questions import Question
from drafter.render.sandbox import GuardedSandbox, guarded


@lru_cache(maxsize=1)
def _env() -> GuardedSandbox:
    from drafter.render.filters import cn_num, format_date, join_cn

    env = GuardedSandbox(undefined=jinja2.ChainableUndefined, autoescape=False)
    env.filters.update(date_cn=format_date, join_cn=join_cn, cn_num=cn_num)
    env.globals.update(today=dt.date.today)
    return env


@lru_cache(maxsize=512)
def _template(source: str) -> jinja2.Template:
    """Compiled once per expression text: a batch evaluates the same defaults many times."""
    return _env().from_string(source)


@lru_cache(maxsize=512)
def _expression(source: str):
    return _env().compile_expression(source)


def _context(answers: dict) -> dict:
    context = {k: ("" if v is None else v) for k, v in answers.items()}
    context.setdefault("this_year", dt.date.today().year)
    return context


def _evaluate(question: Question, what: str, call) -> object:
    """Run a question's expression under the sandbox's bounds; a failure names the question."""

    def run() -> object:
        _env().reset_budget()
        return call()

    try:
        return guarded(run, what)
    except SandboxError as exc:
        raise TemplateError([Problem(exc.message, file=question.source, line=question.line,
                                     field=question.name)]) from None


def default_for(question: Question, answers: dict) -> object:
    """The question's default, computed from earlier answers where it is an expression."""
    if question.type == "year" and question.default is None and question.required:
        return dt.date.today().year
    if not question.default_is_expression:
        return question.default
    context = _context(answers)
    text = _evaluate(question, "默认值",
                     lambda: _template(str(question.default)).render(context)).strip()
    return text or None


def is_asked(question: Question, answers: dict) -> bool:
    """Whether the question applies, given earlier answers (its measure's tick, its `when`)."""
    if not question.tick_allows(answers):
        return False
    if not question.when:
        return True
    context = _context(answers)
    return bool(_evaluate(question, "提问条件 when ",
                          lambda: _expression(when_expression(question))(**context)))


def when_expression(question: Question) -> str:
    """The `when` text as a bare expression: `{{ x }}` and `x` mean the same."""
    expression = question.when.strip()
    if expression.startswith("{{") and expression.endswith("}}"):
        expression = expression[2:-2]
    return expression
