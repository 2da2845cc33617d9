"""Run the web application on this machine until Ctrl-C.

Werkzeug's threaded server (Flask's own) is enough for one user on one machine,
and needs nothing beyond Flask. Its per-request log is silenced: every line
would print the secret token.
"""

from __future__ import annotations

import sys

from drafter.errors import UserError
from drafter.web.security import Secrets, is_loopback
from drafter.web.workspace import Workspace

NON_LOOPBACK_WARNING = (
    "警告：--host {host} 让本机以外的电脑也能打开这个页面（凭网址中的口令）。"
    "答案里可能有尚未公开的内容，只在可信的网络中这样做；平时不要加 --host。"
)


def url_host(host: str) -> str:
    """The host part of the URL to open: a wildcard bind is opened through loopback."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def start(workspace: Workspace, host: str = "127.0.0.1", port: int = 0,
          secrets: Secrets | None = None):
    """Bind the server (not yet serving); return it and the URL to open."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from drafter.web.app import create_app

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-") -> None:
            pass

    secrets = secrets or Secrets()
    app = create_app(workspace, secrets, bind=host)
    try:
        server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    except OSError as exc:
        raise UserError(f"无法在 {host}:{port} 上启动网页服务：{exc.strerror or exc}。"
                        "请换一个端口（--port），或不写 --port 让 drafter 自动选一个空闲端口。") from None
    return server, f"http://{url_host(host)}:{server.server_port}/{secrets.token}/"


def serve(workspace: Workspace, host: str = "127.0.0.1", port: int = 0,
          open_browser: bool = True, out=None) -> int:
    """Serve until interrupted; print the URL (with its token) first."""
    out = out or sys.stdout
    server, url = start(workspace, host, port)
    if not is_loopback(host):
        print(NON_LOOPBACK_WARNING.format(host=host), file=sys.stderr, flush=True)
    print(f"drafter serve 已启动：{url}", file=out, flush=True)
    print("请在浏览器中打开上面的网址（网址含本次运行的口令，不要发给别人）。"
          "按 Ctrl-C 停止；已填的答案随时保存，下次运行可接着填。", file=out, flush=True)
    if open_browser:
        import webbrowser

        if not webbrowser.open(url):
            print("没能自动打开浏览器，请手动打开上面的网址。", file=out, flush=True)
    try:
        server.serve_forever()  # Werkzeug's returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("\n已停止 drafter serve。已填的答案都已保存，再次运行即可接着填写。", file=out, flush=True)
    return 0
