"""The questionnaire page and its state changes (all POST, all through the session).

Every change goes to `InterviewSession.set`, which checks it with the question's
own rules, keeps or refuses it with the terminal's Chinese message, and saves the
resume store: the view only passes the raw value along and reports the result.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for

from drafter.errors import UserError
from drafter.web.fields import MULTI_VALUED

blueprint = Blueprint("form", __name__)



def _render(template_id: str, errors: dict | None = None, status: int = 200):
    from drafter.web.view import sections, state

    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        page = render_template(
            "form.html",
            template=session.template,
            sections=sections(session),
            state=state(session),
            errors=errors or {},
            warnings=workspace.warnings.get(template_id, []),
            chosen=workspace.chosen and len(workspace.entries()) == 1,
        )
    return page, status


@blueprint.get("/t/<template_id>/")
def page(template_id: str):
    return _render(template_id)


@blueprint.post("/t/<template_id>/answer")
def answer(template_id: str):
    """One changed answer (JSON {name, value}); replies with its error and the new state."""
    from drafter.web.view import state

    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return jsonify(error="请求格式不对。请刷新页面后重试。"), 400
    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        question = session.template.question(data["name"])
        if question is None:
            return jsonify(error=f"没有名为“{data['name']}”的问题。请刷新页面后重试。"), 400
        error = session.set(question.name, _raw(question, data.get("value")))
        return jsonify(name=question.name, error=error, **state(session))


def _raw(question, value: object) -> object:
    """What the control sent, in the shape `Question.check` reads (as from an answers file)."""
    if question.type in MULTI_VALUED:
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
        return value if isinstance(value, str) else ""
    return value if isinstance(value, str) else ""


@blueprint.post("/t/<template_id>/save")
def save(template_id: str):
    """The whole form at once, for a browser without scripts: same checks, one by one."""
    workspace = g.workspace
    session = workspace.session(template_id)
    errors = {}
    with workspace.lock:
        for question in session.applicable():
            name = question.name
            if question.type in MULTI_VALUED:
                raw: object = request.form.getlist(name)
                if f"{name}__present" not in request.form:
                    continue
            elif name in request.form:
                raw = request.form[name]
            else:
                continue
            error = session.set(name, raw)
            if error:
                errors[name] = error
    if errors:
        return _render(template_id, errors, 422)
    return redirect(url_for("form.page", template_id=template_id), 303)


@blueprint.post("/t/<template_id>/confirm")
def confirm(template_id: str):
    """Numbers the user confirms are still right although they equal last year's."""
    from drafter.web.view import state

    data = request.get_json(silent=True) or {}
    names = [n for n in data.get("names", []) if isinstance(n, str)]
    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        session.confirm_unchanged(names)
        return jsonify(error="", **state(session))


@blueprint.post("/t/<template_id>/last")
def last_year(template_id: str):
    """Last year's answers file (uploaded): pre-fills the form, moves the year."""
    from drafter.files.inputs import decode_text
    from drafter.interview.answers import parse_answers

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UserError("请先选择去年的答案文件（.yaml），再点“载入”。")
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    last = parse_answers(decode_text(upload.read(), name).text, name)
    from drafter.web.workspace import open_session

    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:  # answers given this year stay; last year's fill the rest
        workspace.replace(template_id, open_session(session.template, last))
    return redirect(url_for("form.page", template_id=template_id), 303)


@blueprint.post("/t/<template_id>/restart")
def restart(template_id: str):
    """Forget every answer of this template (the resume store too) and start again."""
    from drafter.web.workspace import open_session

    workspace = g.workspace
    session = workspace.session(template_id)
    with workspace.lock:
        session.discard()
        workspace.replace(template_id, open_session(session.template))
    return redirect(url_for("form.page", template_id=template_id), 303)
