"""What the page shows of a session: sections of fields, progress, missing answers, preview.

One function per shape, used both to render the page and to answer each change
as JSON, so the first load and every update show the same thing. Call these
under the workspace lock: they read the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafter.web.fields import Field, make_field

UNGROUPED = "其他"


@dataclass(frozen=True)
class Section:
    """One group of questions: a fieldset on the page with its own progress."""

    index: int
    title: str
    fields: tuple[Field, ...]


def sections(session) -> list[Section]:
    """Every question of the template, grouped as in questions.yaml; those whose
    condition does not hold are rendered hidden so they can appear without a reload."""
    applicable = {q.name for q in session.applicable()}
    titles: list[str] = []
    grouped: dict[str, list] = {}
    for question in session.template.questions:
        title = question.group or (titles[-1] if titles else UNGROUPED)
        if title not in grouped:
            titles.append(title)
            grouped[title] = []
        grouped[title].append(question)
    return [
        Section(index, title, tuple(
            make_field(q, session.start_value(q), q.name in applicable, index)
            for q in grouped[title]
        ))
        for index, title in enumerate(titles)
    ]


def progress(session) -> dict:
    """Answered/total overall and per group, which questions apply, what is missing."""
    groups = [{"title": group.title, "answered": group.answered, "total": group.total}
              for group in session.groups()]
    return {
        "applicable": [q.name for q in session.applicable()],
        "groups": groups,
        "answered": sum(group["answered"] for group in groups),
        "total": sum(group["total"] for group in groups),
        "missing": [{"name": q.name, "title": q.title} for q in session.missing_required()],
        "unchanged": [q.name for q in session.unchanged_from_last_year()],
        "notes": [note.text for note in session.take_notes()],
        "starts": starts(session),
    }


def starts(session) -> dict[str, str]:
    """What each unanswered one-value field shows now: a default computed from earlier
    answers follows them (the script updates fields the user has not touched)."""
    from drafter.web.fields import MULTI_VALUED, as_text

    return {q.name: as_text(q, session.start_value(q)) for q in session.applicable()
            if not session.is_answered(q.name) and q.type not in MULTI_VALUED}


def state(session) -> dict:
    """Everything an update needs: progress and the preview."""
    return {**progress(session), **preview(session)}


def preview(session) -> dict:
    """The draft so far (missing required facts as 【待补充：…】) with length and findings:
    the HTML writer's rendering of the Document model, with the same length report and
    proofreading the terminal prints after a render."""
    from drafter.check import check_document
    from drafter.document.measure import report
    from drafter.errors import UserError
    from drafter.writers.html import to_html_fragment

    try:
        draft = session.draft(allow_missing=True)
    except UserError as exc:
        return {"preview": "", "preview_error": exc.message, "measure": [], "findings": []}
    template = draft.template
    year = draft.answers.get("year")
    findings = check_document(draft.document, year=year if isinstance(year, int) else None)
    return {
        "preview": to_html_fragment(draft.document),
        "preview_error": "",
        "measure": report(draft.measure, template.target_chars, template.target_minutes),
        "findings": [{"where": finding.location, "text": finding.message()}
                     for finding in findings],
    }

