"""The draft as the user takes it away, and the page's state as JSON.

The preview itself is built in drafter.web.view (with the rest of the page state).
Downloads go through the writer registry, so every format drafter can write is offered.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify

blueprint = Blueprint("results", __name__)


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

    from drafter.render.engine import render_output_name
    from drafter.render.pipeline import document_bytes
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
    from drafter.render.engine import render_output_name

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
