"""The draft as the page shows it and as the user takes it away.

The preview is the HTML writer's rendering of the Document model, with the same
length report and proofreading the terminal prints after a render. Downloads go
through the writer registry, so every format drafter can write is offered.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify

from drafter.errors import UserError

blueprint = Blueprint("results", __name__)


def preview(session) -> dict:
    """The draft so far (missing required facts as 【待补充：…】) with length and findings."""
    from drafter.check import check_document
    from drafter.measure import report
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


@blueprint.get("/t/<template_id>/state")
def current(template_id: str):
    from drafter.web.view import state

    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        return jsonify(state(session))


@blueprint.get("/t/<template_id>/download/<fmt>")
def download(template_id: str, fmt: str):
    """The draft in one of the registered formats, as an attachment."""
    from flask import abort

    from drafter.pipeline import document_bytes
    from drafter.render import render_output_name
    from drafter.writers import FORMATS

    if fmt not in FORMATS:
        abort(404)
    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        draft = session.draft(allow_missing=True)
        data, _notes = document_bytes(draft, fmt)
        name = render_output_name(draft.template, draft.answers) + FORMATS[fmt].suffixes[0]
    return _attachment(data, name, _MIME.get(fmt, "application/octet-stream"))


@blueprint.get("/t/<template_id>/answers.yaml")
def answers(template_id: str):
    """The readable answers file, the same text `drafter new` saves beside its draft."""
    from drafter.render import render_output_name

    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        text = session.answers_yaml()
        draft = session.draft(allow_missing=True)
        name = render_output_name(draft.template, draft.answers) + ".answers.yaml"
    return _attachment(text.encode("utf-8"), name, "application/yaml; charset=utf-8")


_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def _attachment(data: bytes, name: str, mime: str) -> Response:
    from urllib.parse import quote

    response = Response(data, content_type=mime)
    ascii_name = "draft" + name[name.rfind("."):] if "." in name else "draft"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    return response
