"""The web form at request level: generated from the question model, every change through the
interview session (same messages, same resume store, same answers file as the terminal)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import yaml
from werkzeug.test import Client

from drafter.templates.loader import load_template
from drafter.web.app import create_app
from drafter.web.security import Secrets
from drafter.web.workspace import Workspace

THIS_YEAR = dt.date.today().year


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("DRAFTER_STATE_DIR", str(folder))
    return folder


class Web:
    """One `drafter serve TEMPLATE` run, driven with HTTP requests as the page's script does."""

    def __init__(self, template: str):
        self.secrets = Secrets()
        self.workspace = Workspace([template])
        self.client = Client(create_app(self.workspace, self.secrets))
        self.id = self.workspace.entries()[0].id
        self.base = f"/{self.secrets.token}/t/{self.id}"

    def page(self) -> str:
        response = self.client.get(f"{self.base}/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def answer(self, name: str, value) -> dict:
        response = self.client.post(f"{self.base}/answer", json={"name": name, "value": value},
                                    headers={"X-CSRF-Token": self.secrets.csrf})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def get(self, path: str):
        return self.client.get(f"{self.base}/{path}")

    def post_form(self, path: str, data: dict, **kwargs):
        return self.client.post(f"{self.base}/{path}", data={**data, "csrf": self.secrets.csrf},
                                **kwargs)


@pytest.fixture
def web(state_dir):
    from pty_helpers import TEMPLATE  # the questionnaire test template: every question type

    return Web(str(TEMPLATE))


def field_html(page: str, name: str) -> str:
    match = re.search(rf'<div class="field" id="q-{name}".*?\n</div>', page, re.S)
    assert match, name
    return match.group(0)


def test_each_question_becomes_the_control_its_type_needs(web):
    page = web.page()
    expected = {
        "year": f'type="text" value="{THIS_YEAR}"',
        "org_full_name": '<label class="title" for="f-org_full_name">单位全称<span class="req">（必填）</span>',
        "events": 'inputmode="numeric"',
        "has_station": 'type="radio" name="has_station" value="是" checked',
        "level": 'type="radio" name="level" value="省级科普示范县"',
        "areas": 'type="checkbox" name="areas" value="学会建设"',
        "programmes": '<ol class="rows">',
        "activity": "<textarea",
        "date": "例如 2024-05-08 或 2024年5月8日。",
    }
    for name, html in expected.items():
        assert html in field_html(page, name), name


def test_labels_help_and_examples_come_from_the_question_and_examples_are_not_answers(web):
    template = web.workspace.session(web.id).template
    page = web.page()
    full_name = field_html(page, "org_full_name")
    question = template.question("org_full_name")
    assert f'<p class="help" id="h-org_full_name">{question.help}</p>' in full_name
    assert ('<p class="example" id="x-org_full_name"><span class="tag">示例</span>'
            f"{question.example}</p>") in full_name
    assert 'value=""' in full_name  # the example is shown beside the field, never as its value
    assert 'aria-describedby="h-org_full_name x-org_full_name e-org_full_name"' in full_name
    programmes = field_html(page, "programmes")
    assert "<li>科技活动周</li><li>全国科普日</li>" in programmes
    assert 'name="programmes" value=""' in programmes


def test_validation_messages_are_the_terminals_and_nothing_wrong_is_stored(web):
    template = web.workspace.session(web.id).template
    for name, raw in (("events", "abc"), ("events", "20000"), ("date", "2024-13-45"),
                      ("org_full_name", "长" * 41), ("areas", ["天文"])):
        reply = web.answer(name, raw)
        assert reply["error"] == template.question(name).check(raw)[1] != "", (name, raw)
    assert web.answer("events", "abc")["error"] == "请填写 0 到 10000 之间的整数（只写数字，例如 120）。"
    assert not web.workspace.session(web.id).is_answered("events")
    assert web.answer("events", "1,200")["error"] == ""  # the same lenient parsing
    assert web.workspace.session(web.id).values["events"] == 1200
    assert web.answer("date", "2024年5月8日")["error"] == ""
    assert web.workspace.session(web.id).values["date"] == dt.date(2024, 5, 8)


def test_conditional_questions_follow_their_condition_and_keep_their_answer(web):
    assert "station_count" in web.answer("station_count", "3")["applicable"]
    reply = web.answer("has_station", "否")
    assert "station_count" not in reply["applicable"]
    assert 'id="q-station_count" data-name="station_count" data-widget="number" hidden' in web.page()
    reply = web.answer("has_station", "是")
    assert "station_count" in reply["applicable"]
    assert web.workspace.session(web.id).values["station_count"] == 3


def test_progress_missing_answers_and_the_preview(web):
    reply = web.answer("events", "120")
    groups = {g["title"]: (g["answered"], g["total"]) for g in reply["groups"]}
    assert groups["工作数据"][0] == 1
    assert [m["name"] for m in reply["missing"]] == ["org_full_name", "level"]
    assert '<mark class="placeholder">【待补充：单位全称】</mark>' in reply["preview"]
    page = web.page()
    assert '<li><a href="#f-org_full_name">单位全称</a></li>' in page
    reply = web.answer("org_full_name", "青川县<b>科学技术协会</b>")
    assert [m["name"] for m in reply["missing"]] == ["level"]
    assert "青川县&lt;b&gt;科学技术协会&lt;/b&gt;" in reply["preview"]  # answers are escaped
    assert any(line.startswith("  合计 ") for line in reply["measure"])


def test_every_change_is_saved_and_a_restarted_server_continues(web, state_dir):
    web.answer("org_full_name", "青川县科学技术协会")
    web.answer("programmes", ["科技活动周", "  ", "全国科普日"])
    saved = yaml.safe_load((state_dir / "resume" / "interview-test.yaml").read_text("utf-8"))
    assert saved["answers"]["programmes"] == ["科技活动周", "全国科普日"]
    again = Web(web.workspace._names[web.id])  # a new `drafter serve` run
    page = again.page()
    assert 'value="青川县科学技术协会"' in field_html(page, "org_full_name")
    assert 'name="programmes" value="全国科普日"' in field_html(page, "programmes")


def test_the_answers_download_is_the_sessions_readable_yaml(web):
    web.answer("org_full_name", "青川县科学技术协会")
    web.answer("activity", "第一行\n第二行")
    response = web.get("answers.yaml")
    assert response.status_code == 200
    assert "attachment;" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text == web.workspace.session(web.id).answers_yaml()
    assert "  activity: |-\n    第一行\n    第二行\n" in text


@pytest.mark.parametrize("fmt, suffix", [("docx", ".docx"), ("md", ".md"), ("txt", ".txt")])
def test_the_draft_downloads_in_each_format(web, fmt, suffix):
    from drafter.render.pipeline import document_bytes

    web.answer("org_full_name", "青川县科学技术协会")
    response = web.get(f"download/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(suffix)
    expected, _ = document_bytes(web.workspace.session(web.id).draft(allow_missing=True), fmt)
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
        assert "青川县科学技术协会" in text
    else:
        assert response.data == expected
    assert web.get("download/exe").status_code == 404


def test_last_years_answers_prefill_move_the_year_and_mark_unchanged_numbers(web):
    last = ("template: interview-test\nanswers:\n  year: 2024\n  org_full_name: 青川县科学技术协会\n"
            "  events: 120\n  level: 省级科普示范县\n  date: 2024-05-08\n")
    response = web.post_form("last", {"file": (io.BytesIO(last.encode("gb18030")), "去年.yaml")},
                             content_type="multipart/form-data")
    assert response.status_code == 303
    session = web.workspace.session(web.id)
    assert session.values["year"] == THIS_YEAR
    assert session.values["events"] == 120
    assert session.values["date"] == dt.date(THIS_YEAR, 5, 8)
    page = web.page()
    assert '<p class="unchanged" id="u-events">与去年的数字相同，请核对。' in page
    reply = web.client.post(f"{web.base}/confirm", json={"names": ["events"]},
                            headers={"X-CSRF-Token": web.secrets.csrf}).get_json()
    assert reply["unchanged"] == []


def test_an_unreadable_answers_file_says_what_is_wrong(web):
    response = web.post_form("last", {"file": (io.BytesIO(b"answers: [\n"), "坏.yaml")},
                             content_type="multipart/form-data")
    assert response.status_code == 422
    assert "答案文件有误" in response.get_data(as_text=True)
    response = web.post_form("last", {}, content_type="multipart/form-data")
    assert "请先选择去年的答案文件（.yaml），再点“载入”。" in response.get_data(as_text=True)


def test_the_form_works_without_scripts(web):
    response = web.post_form("save", {"org_full_name": "青川县科学技术协会", "events": "abc",
                                      "programmes": ["甲", "乙"], "programmes__present": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写 0 到 10000 之间的整数（只写数字，例如 120）。" in field_html(page, "events")
    assert 'aria-invalid="true"' in field_html(page, "events")
    session = web.workspace.session(web.id)
    assert session.values["org_full_name"] == "青川县科学技术协会"
    assert session.values["programmes"] == ["甲", "乙"]


def test_starting_over_forgets_every_answer(web, state_dir):
    web.answer("org_full_name", "青川县科学技术协会")
    assert web.post_form("restart", {}).status_code == 303
    assert not web.workspace.session(web.id).values
    assert not (state_dir / "resume" / "interview-test.yaml").exists()


def test_without_a_template_the_list_offers_every_template(state_dir):
    secrets = Secrets()
    client = Client(create_app(Workspace(), secrets))
    page = client.get(f"/{secrets.token}/").get_data(as_text=True)
    for template_id in ("kexie", "gonghui", "gongqingtuan", "fulian"):
        title = load_template(template_id).title
        assert f'<a href="/{secrets.token}/t/{template_id}/">{title}</a>' in page


def test_the_web_and_the_terminal_write_byte_identical_answers(web, tmp_path):
    """The same answers typed in `drafter new` (a real terminal) and in the web form."""
    import sys

    if sys.platform == "win32":
        pytest.skip("needs a POSIX pseudo-terminal")
    from pty_helpers import DOWN, ENTER, FINISH_TEXT, HOME, SPACE, TEMPLATE, Terminal

    terminal = Terminal([str(TEMPLATE), "-o", "材料.md"], cwd=tmp_path,
                        state_dir=tmp_path / "terminal-state")
    try:
        terminal.answer("材料年份", ENTER)
        terminal.answer("单位全称", "青川县科学技术协会", ENTER)
        terminal.answer("单位简称", ENTER)
        terminal.answer("全年科普活动场次", "1,200", ENTER)
        terminal.answer("是否建有院士专家工作站", "y")
        terminal.answer("院士专家工作站个数", "\x153" + ENTER)
        terminal.answer("获评的示范称号", DOWN, ENTER)
        terminal.answer("重点工作领域", SPACE, DOWN, SPACE, ENTER)
        terminal.answer("品牌活动名称", "科技活动周", ENTER, "全国科普日", ENTER, ENTER)
        terminal.answer("特色活动介绍", "组织“科普大篷车”进乡村。", ENTER, "全年行程三千公里。",
                        FINISH_TEXT)
        terminal.answer("落款日期", "2024年5月8日", ENTER)
        terminal.expect("✔ 答案无误，生成文稿")
        terminal.send(HOME)
        terminal.send(ENTER)
        assert terminal.finish() == 0
    finally:
        terminal.close()
    typed = (tmp_path / "材料.answers.yaml").read_text("utf-8")

    for name, value in (("year", str(THIS_YEAR)), ("org_full_name", "青川县科学技术协会"),
                        ("org_short", "青川科协"), ("events", "1,200"), ("has_station", "是"),
                        ("station_count", "3"), ("level", "省级科普示范县"),
                        ("areas", ["科学普及", "学会建设"]), ("programmes", ["科技活动周", "全国科普日"]),
                        ("activity", "组织“科普大篷车”进乡村。\n全年行程三千公里。"),
                        ("date", "2024年5月8日")):
        assert web.answer(name, value)["error"] == "", name
    clicked = web.get("answers.yaml").get_data(as_text=True)
    assert typed == clicked
