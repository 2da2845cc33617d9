"""The application factory: one Flask app per `drafter serve` run.

Why Flask: it is built on Jinja2 and Werkzeug, which drafter already trusts
(Jinja2 renders the outlines), it is small, well kept and pure Python (installs
anywhere drafter does), it has a test client for request-level tests, and its
blueprints keep each concern of the page in its own module. The pages are our
own trusted Jinja templates with autoescaping; the outline templates a user
brings stay in drafter's sandbox and never reach this environment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from drafter.web.security import MAX_BODY, Gate, Secrets, cross_site, harden
from drafter.web.workspace import Workspace

HERE = Path(__file__).resolve().parent


def create_app(workspace: Workspace, secrets: Secrets | None = None, bind: str = "127.0.0.1"):
    """The WSGI application: the Flask app behind the security gate.

    Returns the gate; the Flask app is `gate.app` (tests use its test client through
    the gate with `werkzeug.test.Client`, exactly as a browser reaches it).
    """
    from flask import Flask, abort, g, request

    from drafter.errors import UserError
    from drafter.web import form, pick, results

    secrets = secrets or Secrets()
    app = Flask("drafter.web", root_path=str(HERE), static_folder="static",
                template_folder="templates")
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        JSON_AS_ASCII=False,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.json.ensure_ascii = False
    app.extensions["drafter"] = workspace
    app.jinja_env.globals["csrf_token"] = secrets.csrf
    app.jinja_env.globals["this_year"] = dt.date.today().year
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.before_request
    def refuse_cross_site():
        g.workspace = workspace
        if request.method not in ("GET", "HEAD") and cross_site(request, secrets.csrf):
            abort(403, description="cross-site")

    @app.after_request
    def headers(response):
        return harden(response, page=request.endpoint != "static")

    @app.errorhandler(UserError)
    def user_error(exc: UserError):
        from flask import render_template

        return render_template("error.html", message=exc.message), 422

    @app.errorhandler(403)
    def forbidden(exc):
        from drafter.web.security import REFUSED_CROSS_SITE

        return _plain(REFUSED_CROSS_SITE, 403)

    @app.errorhandler(404)
    def not_found(exc):
        return _plain("找不到这个页面。请回到 drafter serve 启动时显示的网址。", 404)

    @app.errorhandler(405)
    def not_allowed(exc):
        return _plain("不支持这种请求方式。", 405)

    @app.errorhandler(413)
    def too_large(exc):
        from drafter.web.security import REFUSED_SIZE

        return _plain(REFUSED_SIZE.format(limit=MAX_BODY // (1024 * 1024)), 413)

    app.register_blueprint(pick.blueprint)
    app.register_blueprint(form.blueprint)
    app.register_blueprint(results.blueprint)
    return Gate(app, secrets.token, bind)


def _plain(message: str, status: int):
    from flask import Response

    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
