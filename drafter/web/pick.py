"""The template list: what `drafter serve` shows when no template was named."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for

blueprint = Blueprint("pick", __name__)


@blueprint.get("/")
def index():
    entries = g.workspace.entries()
    if g.workspace.chosen and len(entries) == 1:
        return redirect(url_for("form.page", template_id=entries[0].id), 303)
    return render_template("pick.html", entries=entries)
