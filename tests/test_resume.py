"""Resume files: where they live, that they are whole, and what comes back from them."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

import pytest

from drafter.errors import OutputError
from drafter.interview import resume
from drafter.interview.answers import read_answers
from drafter.templates.loader import load_template

TEMPLATE_DIR = Path(__file__).parent / "data" / "interview_template"


@pytest.fixture
def template():
    return load_template(str(TEMPLATE_DIR))


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_env_var_redirects_the_state_folder(state):
    assert resume.resume_path("kexie") == state / "resume" / "kexie.yaml"


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_STATE_HOME": "/xdg/state"}, Path("/xdg/state/drafter")),
        ("linux", {}, Path.home() / ".local" / "state" / "drafter"),
        ("darwin", {}, Path.home() / "Library" / "Application Support" / "drafter"),
        ("win32", {"LOCALAPPDATA": "/appdata/local"}, Path("/appdata/local/drafter")),
    ],
)
def test_platform_conventions(monkeypatch, platform, env, expected):
    monkeypatch.delenv("DRAFTER_STATE_DIR")
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert resume.state_dir() == expected


def test_template_ids_become_safe_file_names():
    assert resume.resume_path("../../etc/passwd").parent.name == "resume"
    assert resume.resume_path("科协 模板").name == "科协_模板.yaml"


def test_saved_answers_are_a_readable_answers_file(template, state):
    path = resume.save(template, {"year": 2024, "org_full_name": "青川县科学技术协会",
                                  "activity": "第一句。\n第二句。"})
    text = path.read_text(encoding="utf-8")
    assert "青川县科学技术协会" in text and "activity: |-" in text
    assert "drafter new interview-test" in text  # says what it is for
    answers = read_answers(path)
    assert answers.template_id == "interview-test"
    assert answers.values["activity"] == "第一句。\n第二句。"
    assert sorted(p.name for p in path.parent.iterdir()) == ["interview-test.yaml"]


def test_a_failed_save_keeps_the_previous_file(template, monkeypatch):
    path = resume.save(template, {"year": 2024})
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError):
        resume.save(template, {"year": 2024, "org_full_name": "新单位"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["interview-test.yaml"]


def test_load_checks_answers_again(template):
    assert resume.load(template) is None
    resume.save(template, {"year": 2024, "events": 88, "date": dt.date(2024, 5, 8),
                           "activity": None, "programmes": ["科技活动周"]})
    saved = resume.load(template)
    assert saved.values == {"year": 2024, "events": 88, "date": dt.date(2024, 5, 8),
                            "activity": None, "programmes": ["科技活动周"]}
    assert saved.dropped == [] and saved.notice == ""
    assert isinstance(saved.saved_at, dt.datetime)


def test_answers_the_template_no_longer_accepts_are_dropped_by_name(template):
    path = resume.resume_path(template.id)
    path.parent.mkdir(parents=True)
    path.write_text("template: interview-test\nanswers:\n  events: 很多\n  year: 2024\n",
                    encoding="utf-8")
    saved = resume.load(template)
    assert saved.values == {"year": 2024}
    assert saved.dropped == ["全年科普活动场次"]


def test_an_unreadable_file_is_set_aside_not_lost(template):
    path = resume.resume_path(template.id)
    path.parent.mkdir(parents=True)
    path.write_text("answers: [unclosed\n", encoding="utf-8")
    saved = resume.load(template)
    assert saved.values == {}
    assert "无法读取" in saved.notice and str(saved.path) in saved.notice
    assert not path.exists()
    assert saved.path.read_text(encoding="utf-8") == "answers: [unclosed\n"


def test_discard(template):
    resume.discard(template.id)  # nothing there: fine
    path = resume.save(template, {"year": 2024})
    resume.discard(template.id)
    assert not path.exists()


def resume_of_another_template(template) -> Path:
    """A resume file in this template's place, written for the kexie template."""
    path = resume.resume_path(template.id)
    path.parent.mkdir(parents=True)
    path.write_text("template: kexie\nanswers:\n  org_full_name: 别的单位\n", encoding="utf-8")
    return path


def test_a_resume_file_of_another_template_is_not_offered(template):
    """Issue 16.9: it used to be offered without a word, its answers poured into this one."""
    path = resume_of_another_template(template)
    saved = resume.load(template)
    assert saved.values == {}
    assert saved.notice.startswith(f"断点文件 {path} 是模板“kexie”的问卷，不属于模板“interview-test”，"
                                   "没有沿用；已改名为 ")
    assert not path.exists() and saved.path.is_file()  # kept aside, never offered again
    assert "other-template" in saved.path.name
    assert resume.load(template) is None


def test_a_resume_file_of_another_template_version_is_offered_with_a_caution(template):
    path = resume.save(template, {"org_full_name": "青川县科学技术协会"})
    text = path.read_text(encoding="utf-8")
    assert resume.load(template).caution == ""  # the same version: nothing to say
    path.write_text(re.sub(r"(?m)^template_version: .*$", "template_version: '0.0.9'", text),
                    encoding="utf-8")
    saved = resume.load(template)
    assert saved.values == {"org_full_name": "青川县科学技术协会"} and not saved.notice
    assert saved.caution == (f"注意：上次保存的问卷是按模板 interview-test 的 0.0.9 版填写的，"
                             f"现在是 {template.version}，接着填写时请逐题核对。")


def test_the_session_says_why_a_resume_file_is_not_offered(template):
    from drafter.interview.session import InterviewSession

    resume_of_another_template(template)
    session = InterviewSession.open(template)
    assert session.saved is None
    assert any("不属于模板“interview-test”" in note.text for note in session.take_notes())
