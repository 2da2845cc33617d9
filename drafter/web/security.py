"""The gate every request to `drafter serve` passes, before the page logic sees it.

A local web server is reachable by every web page the user has open: a page
elsewhere can make the browser send requests to 127.0.0.1 (cross-site requests)
or point its own domain at 127.0.0.1 (DNS rebinding). So:

- every URL starts with a random per-run token (a page elsewhere cannot guess it);
- the Host header must name this machine (a rebound domain name is refused);
- state changes are POST only, carry a second per-run secret (CSRF token) and must
  not come from another site (Origin and Sec-Fetch-Site headers);
- request bodies are limited in size, and responses forbid framing, outside
  resources and leaking the token through the Referer header.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

MAX_BODY = 2 * 1024 * 1024  # an answer may be a 200,000-character paste; 10 MB never is
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"

REFUSED_TOKEN = ("访问被拒绝：网址中缺少本次运行的访问口令，或口令不对。"
                 "请使用 drafter serve 启动时显示的完整网址（每次启动都会更换）。")
REFUSED_HOST = ("访问被拒绝：请求的主机名“{host}”不是本机。drafter serve 只接受 "
                "127.0.0.1 或 localhost 上的访问，以防其他网站借道访问本机。")
REFUSED_SIZE = "请求被拒绝：提交的内容过大（上限 {limit} MB）。请缩短内容后重试。"
REFUSED_CROSS_SITE = ("请求被拒绝：它来自其他网站或缺少页面口令。请在 drafter serve 打开的页面上操作；"
                      "如页面已打开很久，请刷新后重试。")

# Browsers load nothing from outside: every script and style ships in the wheel.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


@dataclass(frozen=True)
class Secrets:
    """The two random values of one run: the URL token and the CSRF token."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(18))


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """'localhost:8000' → 'localhost'; '[::1]:8000' → '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header


def host_allowed(header: str, bind: str) -> bool:
    """Loopback names always; the bind address itself; any IP literal when bound to all.

    A DNS-rebinding page arrives with its own domain name, never with an IP literal.
    """
    name = host_name(header)
    if is_loopback(name) or (bind not in WILDCARDS and name == bind.lower()):
        return True
    if bind in WILDCARDS:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


class Gate:
    """WSGI middleware: checks Host, token and body size, then strips the token from the path.

    The token moves into SCRIPT_NAME, so Flask's url_for writes it into every link and
    the views never see it.
    """

    def __init__(self, app, token: str, bind: str = "127.0.0.1", max_body: int = MAX_BODY):
        self.app = app
        self.prefix = f"/{token}"
        self.bind = bind
        self.max_body = max_body

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not host_allowed(host, self.bind):
            return _refuse(start_response, 403, REFUSED_HOST.format(host=host_name(host)[:80]))
        path = environ.get("PATH_INFO", "")
        head, slash, rest = path[len("/"):].partition("/")
        if not hmac.compare_digest(f"/{head}".encode(), self.prefix.encode()):
            return _refuse(start_response, 403, REFUSED_TOKEN)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = self.max_body + 1
        if length > self.max_body:
            return _refuse(start_response, 413,
                           REFUSED_SIZE.format(limit=self.max_body // (1024 * 1024)))
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
        environ["PATH_INFO"] = slash + rest if slash else "/"
        return self.app(environ, start_response)


def _refuse(start_response, status: int, message: str):
    reason = {403: "Forbidden", 413: "Payload Too Large"}[status]
    body = (message + "\n").encode("utf-8")
    start_response(f"{status} {reason}", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        ("Connection", "close"),
    ])
    return [body]


def cross_site(request, csrf: str) -> bool:
    """Whether a state-changing request must be refused (see the module docstring)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
        return True
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    return not hmac.compare_digest(sent.encode(), csrf.encode())


def harden(response, page: bool = True):
    """Headers for every response: no framing, no sniffing, no Referer, no outside resources."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if page:
        headers["Cache-Control"] = "no-store"
    return response
