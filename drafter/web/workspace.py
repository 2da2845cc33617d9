"""What one `drafter serve` run may open: its templates and one interview session each.

The browser names a template only by id, and only ids from this run's list are
opened: `drafter serve kexie` opens kexie alone; `drafter serve` without a
template offers the templates drafter finds (as `drafter templates list` does).
No other folder is ever read on a browser's request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import UserError


@dataclass(frozen=True)
class Entry:
    """One template on the list page."""

    id: str
    title: str
    description: str
    broken: bool = False


class UnknownTemplate(UserError):
    def __init__(self, template_id: str):
        super().__init__(f"本次运行没有名为“{template_id}”的模板。请回到模板列表重新选择。")


class Workspace:
    """Templates and sessions of one run; every session call happens under `lock`
    (the server answers requests on several threads, the session is one object)."""

    def __init__(self, templates: list[str] | tuple[str, ...] = (),
                 template_dirs: list[str] | tuple[str, ...] = (),
                 last: str | Path | None = None):
        self.template_dirs = list(template_dirs)
        self.last = Path(last) if last else None
        self.lock = threading.RLock()
        self._sessions: dict = {}
        self._entries: list[Entry] | None = None
        self._names: dict[str, str] = {}  # template id -> what to load it by
        self.warnings: dict[str, list[str]] = {}
        self.chosen = bool(templates)  # named on the command line: no list is offered
        if templates:
            from drafter.templates.loader import load_template

            for name in templates:  # fail at start, in the terminal, for a wrong name
                template = load_template(name, self.template_dirs)
                self._names[template.id] = name
                self._remember(template)

    def _remember(self, template) -> None:
        entries = self._entries or []
        entries.append(Entry(template.id, template.title, template.description))
        self._entries = entries

    def entries(self) -> list[Entry]:
        """The template list: the chosen ones, else every template found, first id wins."""
        with self.lock:
            if self._entries is None:
                self._entries = self._discover()
            return list(self._entries)

    def _discover(self) -> list[Entry]:
        from drafter.templates.loader import listings

        entries = []
        for item in listings(self.template_dirs):
            self._names[item.id] = str(item.folder)
            description = "模板有误，打开后会列出问题。" if item.broken else item.description
            entries.append(Entry(item.id, item.title, description, item.broken))
        return entries

    def session(self, template_id: str):
        """The open session for a template, opened (resume store, last year's answers) once."""
        with self.lock:
            session = self._sessions.get(template_id)
            if session is not None:
                return session
            self.entries()
            if template_id not in self._names:
                raise UnknownTemplate(template_id)
            session = self._open(template_id)
            self._sessions[template_id] = session
            return session

    def _open(self, template_id: str):
        from drafter.interview.answers import read_answers
        from drafter.render.pipeline import load_checked_template

        template, warnings = load_checked_template(self._names[template_id], self.template_dirs)
        self.warnings[template_id] = warnings
        return open_session(template, read_answers(self.last) if self.last else None)

    def replace(self, template_id: str, session) -> None:
        """Put a fresh session in place (after loading last year's answers or starting over)."""
        with self.lock:
            self._sessions[template_id] = session


def open_session(template, last=None):
    """A session that continues where the user stopped (the resume store `drafter new`
    uses too); with last year's answers, those pre-fill every field still unanswered."""
    from drafter.interview.session import InterviewSession

    session = InterviewSession.open(template, last=last)
    session.resume()
    if last is not None:
        session.accept_start_values()
    return session


