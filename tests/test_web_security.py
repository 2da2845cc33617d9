"""drafter serve is safe by default: refused without the token, from a foreign Host, cross-site,
with an oversized body; listening on loopback only. Tested at HTTP level and on a real socket."""

import os
import re
import signal
import socket
import subprocess
import sys

import pytest
from werkzeug.test import Client

from drafter.web.app import create_app
from drafter.web.security import Secrets
from drafter.web.server import start
from drafter.web.workspace import Workspace

REFUSED_TOKEN = ("访问被拒绝：网址中缺少本次运行的访问口令，或口令不对。"
                 "请使用 drafter serve 启动时显示的完整网址（每次启动都会更换）。\n")
REFUSED_CROSS_SITE = ("请求被拒绝：它来自其他网站或缺少页面口令。请在 drafter serve 打开的页面上操作；"
                      "如页面已打开很久，请刷新后重试。\n")


@pytest.fixture
def secrets():
    return Secrets()


@pytest.fixture
def client(secrets, tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_STATE_DIR", str(tmp_path / "state"))
    return Client(create_app(Workspace(), secrets))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_opens_with_the_token_and_lists_the_templates(client, secrets):
    response = client.get(f"/{secrets.token}/")
    assert response.status_code == 200
    page = text(response)
    assert "县科协“六个坚持”经验交流材料" in page
    assert f'href="/{secrets.token}/t/kexie/"' in page  # every link carries the token


@pytest.mark.parametrize("path", ["/", "/t/kexie/", "/static/drafter.css", "/wrong-token/",
                                  "/../etc/passwd"])
def test_a_request_without_the_token_is_refused(client, path):
    response = client.get(path)
    assert response.status_code == 403
    assert text(response) == REFUSED_TOKEN


def test_a_token_that_differs_in_one_character_is_refused(client, secrets):
    wrong = secrets.token[:-1] + ("a" if secrets.token[-1] != "a" else "b")
    assert client.get(f"/{wrong}/").status_code == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil.example:80", "192.168.1.5:8000"])
def test_a_foreign_host_header_is_refused(client, secrets, host):
    """DNS rebinding: another site's name resolving to 127.0.0.1 arrives with its own Host."""
    response = client.get(f"/{secrets.token}/", headers={"Host": host})
    assert response.status_code == 403
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    assert text(response) == (f"访问被拒绝：请求的主机名“{name}”不是本机。drafter serve 只接受 "
                              "127.0.0.1 或 localhost 上的访问，以防其他网站借道访问本机。\n")


@pytest.mark.parametrize("host", ["localhost", "localhost:8123", "127.0.0.1:8123", "[::1]:8123"])
def test_loopback_host_headers_are_accepted(client, secrets, host):
    assert client.get(f"/{secrets.token}/", headers={"Host": host}).status_code == 200


def test_a_wildcard_bind_accepts_ip_literals_but_not_names(secrets):
    client = Client(create_app(Workspace(), secrets, bind="0.0.0.0"))
    assert client.get(f"/{secrets.token}/", headers={"Host": "192.168.1.5:80"}).status_code == 200
    assert client.get(f"/{secrets.token}/", headers={"Host": "evil.example"}).status_code == 403


def post(client, secrets, headers=None, csrf=True, path="/t/kexie/restart"):
    headers = dict(headers or {})
    if csrf:
        headers["X-CSRF-Token"] = secrets.csrf
    return client.post(f"/{secrets.token}{path}", headers=headers)


@pytest.mark.parametrize("headers, csrf", [
    ({"Origin": "http://evil.example"}, True),
    ({"Origin": "null"}, True),
    ({"Sec-Fetch-Site": "cross-site"}, True),
    ({"Sec-Fetch-Site": "same-site"}, True),
    ({}, False),  # a form posted from elsewhere cannot know the page's CSRF token
    ({"Origin": "http://localhost"}, False),
], ids=["foreign-origin", "null-origin", "cross-site", "same-site", "no-csrf", "no-csrf-own-origin"])
def test_a_cross_site_post_is_refused(client, secrets, headers, csrf):
    response = post(client, secrets, headers, csrf)
    assert response.status_code == 403
    assert text(response) == REFUSED_CROSS_SITE


def test_a_wrong_csrf_token_is_refused(client, secrets):
    response = client.post(f"/{secrets.token}/t/kexie/restart",
                           headers={"X-CSRF-Token": secrets.csrf[::-1]})
    assert response.status_code == 403


def test_state_changes_are_post_only(client, secrets):
    for path in ("/t/kexie/answer", "/t/kexie/restart", "/t/kexie/last", "/t/kexie/save"):
        assert client.get(f"/{secrets.token}{path}").status_code == 405
    assert client.put(f"/{secrets.token}/t/kexie/answer",
                      headers={"X-CSRF-Token": secrets.csrf}).status_code == 405


def test_a_10_mb_body_is_refused_before_it_is_read(client, secrets):
    body = b"x" * (10 * 1024 * 1024)
    response = client.post(f"/{secrets.token}/t/kexie/answer", data=body,
                           headers={"X-CSRF-Token": secrets.csrf,
                                    "Content-Type": "application/json"})
    assert response.status_code == 413
    assert text(response) == "请求被拒绝：提交的内容过大（上限 2 MB）。请缩短内容后重试。\n"


def test_a_10_mb_chunked_body_is_refused_on_a_real_socket(tmp_path, monkeypatch):
    """Chunked bodies carry no Content-Length: Flask's limit stops them while reading."""
    import threading

    monkeypatch.setenv("DRAFTER_STATE_DIR", str(tmp_path / "state"))
    secrets = Secrets()
    server, _url = start(Workspace(["kexie"]), secrets=secrets)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=30) as conn:
            conn.sendall((f"POST /{secrets.token}/t/kexie/last HTTP/1.1\r\n"
                          f"Host: 127.0.0.1:{server.server_port}\r\n"
                          f"X-CSRF-Token: {secrets.csrf}\r\nTransfer-Encoding: chunked\r\n"
                          "Content-Type: multipart/form-data; boundary=x\r\n\r\n").encode())
            chunk = b"%x\r\n" % (1024 * 1024) + b"x" * (1024 * 1024) + b"\r\n"
            try:
                for _ in range(10):
                    conn.sendall(chunk)
                conn.sendall(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed before the body was through
            assert conn.recv(12) == b"HTTP/1.1 413"
    finally:
        server.shutdown()
        server.server_close()


def test_responses_forbid_framing_outside_resources_and_referers(client, secrets):
    headers = client.get(f"/{secrets.token}/").headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"  # the token never leaves in a Referer
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def test_the_page_loads_nothing_from_outside(client, secrets):
    page = text(client.get(f"/{secrets.token}/"))
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    css = text(client.get(f"/{secrets.token}/static/drafter.css"))
    assert "url(" not in css and "@import" not in css


def test_only_listed_templates_open(client, secrets):
    response = client.get(f"/{secrets.token}/t/..%2F..%2Fetc/")
    assert response.status_code in (404, 422)
    response = client.get(f"/{secrets.token}/t/no-such-template/")
    assert response.status_code == 422
    assert "本次运行没有名为“no-such-template”的模板。请回到模板列表重新选择。" in text(response)


def test_the_server_binds_loopback_only_by_default():
    server, url = start(Workspace())
    try:
        assert server.socket.getsockname()[0] == "127.0.0.1"
        assert url.startswith(f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.server_close()


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads Linux's socket table")
def test_drafter_serve_listens_on_loopback_and_stops_cleanly_on_ctrl_c(tmp_path):
    env = dict(os.environ, DRAFTER_STATE_DIR=str(tmp_path / "state"))
    process = subprocess.Popen([sys.executable, "-m", "drafter", "serve", "kexie", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"drafter serve 已启动：http://127\.0\.0\.1:(\d+)/([\w-]{20,})/\n", line)
        assert match, line
        port = int(match[1])
        listening = [row.split()[1] for row in open("/proc/net/tcp").read().splitlines()[1:]
                     if row.split()[3] == "0A"]  # state LISTEN
        ours = [address for address in listening if int(address.split(":")[1], 16) == port]
        assert ours == [f"0100007F:{port:04X}"]  # 127.0.0.1, nothing else
        six = open("/proc/net/tcp6").read() if os.path.exists("/proc/net/tcp6") else ""
        assert f":{port:04X} " not in six
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(f"GET /{match[2]}/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            assert conn.recv(12) == b"HTTP/1.1 303"  # the one named template opens directly
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "已停止 drafter serve。已填的答案都已保存，再次运行即可接着填写。" in out
    assert err == ""


def test_binding_elsewhere_prints_a_warning(capsys, monkeypatch):
    """The warning is checked without opening a real non-loopback socket."""
    from drafter.web import server as server_module

    started = []


    def fake_start(workspace, host, port):  # binds loopback, records what was asked
        started.append(host)
        real, url = start(workspace, "127.0.0.1", 0)
        real.serve_forever = lambda: (_ for _ in ()).throw(KeyboardInterrupt)
        return real, url

    monkeypatch.setattr(server_module, "start", fake_start)
    assert server_module.serve(Workspace(), host="0.0.0.0", open_browser=False) == 0
    err = capsys.readouterr().err
    assert err.startswith("警告：--host 0.0.0.0 让本机以外的电脑也能打开这个页面（凭网址中的口令）。")
    assert started == ["0.0.0.0"]
