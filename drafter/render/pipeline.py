"""The library behind the commands: template and answers in, a written draft out."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from drafter.document.measure import Measure, measure
from drafter.document.model import Document
from drafter.files.output import atomic_write, check_target, fit_name
from drafter.interview.answers import AnswersFile, read_answers, validate_answers
from drafter.render.engine import render_document, render_output_name
from drafter.render.helpers import answer_warnings, document_date
from drafter.templates.loader import Template, load_template


@dataclass
class Draft:
    """A rendered draft and everything worth telling the user about it."""

    template: Template
    answers: dict
    document: Document
    warnings: list[str] = field(default_factory=list)

    @property
    def measure(self) -> Measure:
        return measure(self.document)


def check_answers(template: Template, answers_file: AnswersFile,
                  allow_missing: bool = False) -> tuple[dict, list[str]]:
    """Validated values and warnings; split out so a batch can name outputs before rendering."""
    values, warnings = validate_answers(template, answers_file, allow_missing)
    warnings += answer_warnings(values)
    if answers_file.template_id and answers_file.template_id not in template.chain_ids:
        warnings.insert(0, f"答案文件 {answers_file.path} 是为模板“{answers_file.template_id}”填写的，"
                           f"现用模板“{template.id}”生成，请核对内容。")
    return values, warnings


def draft_from_values(template: Template, values: dict, warnings: list[str] | None = None,
                      allow_missing: bool = False, env=None) -> Draft:
    """Render checked values; `env` lets a batch reuse one Jinja environment."""
    document = render_document(template, values, allow_missing=allow_missing, env=env)
    return Draft(template, values, document, list(warnings or []))


def draft_from_answers(template: Template, answers_file: AnswersFile,
                       allow_missing: bool = False, env=None) -> Draft:
    values, warnings = check_answers(template, answers_file, allow_missing)
    return draft_from_values(template, values, warnings, allow_missing, env)


def format_for(output: str | None, explicit: str | None) -> str:
    """The format's name for an output file and an optional --format (see drafter.writers)."""
    from drafter.writers import for_output

    return for_output(output, explicit).name


def resolve_style(template: Template) -> str | Path:
    """A style named by the template: a file in its folder (or an ancestor's), else a built-in."""
    from drafter.templates.loader import template_style

    return template_style(template)


def document_bytes(draft: Draft, fmt: str, reference_docx: Path | None = None) -> tuple[bytes,
                                                                                      list[str]]:
    """Serialise a draft with the template's style and properties."""
    return serialise(
        draft.document,
        fmt,
        style=resolve_style(draft.template),
        reference_docx=reference_docx or draft.template.reference_docx,
        properties={
            "title": draft.document.title,
            "author": draft.document.author,
            "subject": draft.template.title,
            "keywords": draft.template.organisation,
        },
    )


def serialise(document: Document, fmt: str, style: str | Path = "gongwen",
              reference_docx: Path | None = None, properties: dict | None = None
              ) -> tuple[bytes, list[str]]:
    """Any Document (rendered or read from text) as bytes in a registered format, plus notes."""
    from drafter.writers import WriteOptions, get

    return get(fmt).write(document, WriteOptions(style, reference_docx, dict(properties or {})))


def default_output(draft: Draft, fmt: str, out_dir: Path | None = None) -> Path:
    name = render_output_name(draft.template, draft.answers)
    from drafter.writers import get

    return (out_dir or Path.cwd()) / fit_name(name, get(fmt).suffixes[0])


def write_draft(draft: Draft, output: Path | str | None, fmt: str, force: bool = False,
                reference_docx: Path | None = None, out_dir: Path | None = None
                ) -> tuple[Path | None, list[str]]:
    """Write the draft to a file atomically, or to stdout for text formats ('-')."""
    if output == "-":
        from drafter.writers import ensure_printable, get

        ensure_printable(get(fmt))
        data, notes = document_bytes(draft, fmt)
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return None, notes
    path = Path(output) if output else default_output(draft, fmt, out_dir)
    check_target(path, force)
    data, notes = document_bytes(draft, fmt, reference_docx)
    atomic_write(path, lambda stream: stream.write(data), force=force)
    return path, notes


def render_file(template_name: str, answers_path: str | Path, output: str | None = None,
                fmt: str | None = None, force: bool = False, allow_missing: bool = False,
                template_dirs: list[str] | None = None,
                reference_docx: Path | None = None, out_dir: Path | None = None
                ) -> tuple[Draft, Path | None, list[str]]:
    """`drafter render` as a function: returns the draft, where it went, and notes."""
    fmt = format_for(output, fmt)
    template, template_warnings = load_checked_template(template_name, template_dirs)
    draft = draft_from_answers(template, read_answers(answers_path), allow_missing)
    draft.warnings[:0] = template_warnings
    path, notes = write_draft(draft, output, fmt, force, reference_docx, out_dir)
    return draft, path, notes


def load_checked_template(name: str, template_dirs: list[str] | None = None
                          ) -> tuple[Template, list[str]]:
    """Load a template and run the template check first: errors stop, warnings come back.

    The templates installed with drafter were checked by its test suite, and a template
    whose files are exactly those of an earlier clean check is not checked again: then the
    check's module is not even imported (the check is most of a first run's time).
    """
    from drafter.files.cache import cached_file, files_unchanged

    template = load_template(name, template_dirs)
    if template.shipped or files_unchanged(cached_file("checked", template.identity)):
        return template, []
    from drafter.templates.check import ensure_renderable

    return template, ensure_renderable(template)


def proofread_line(draft: Draft, path: Path | None = None) -> str:
    """The one-line proofreading summary every rendered draft gets."""
    from drafter.check import check_document, summary_line

    year = draft.answers.get("year")
    # the date the template chose its wordings for: the checker judges them on the same day
    findings = check_document(draft.document, year=year if isinstance(year, int) else None,
                              date=document_date(draft.answers))
    return summary_line(findings, path=str(path) if path else None)


def summary_lines(draft: Draft, path: Path | None) -> list[str]:
    """What render and new print after writing: where, how long, and whether it reads clean."""
    from drafter.document.measure import report, targets

    lines = [f"已生成：{path}"] if path is not None else []
    lines += report(draft.measure, *targets(draft.template, draft.answers))
    lines.append(proofread_line(draft, path))
    return lines
