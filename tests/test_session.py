"""The interview session: the questionnaire's logic as a library object, no terminal involved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from drafter.interview.answers import AnswersFile
from drafter.interview.session import (
    SAMPLE_HEADER,
    SAMPLE_NOTE,
    InterviewSession,
    OutputExists,
    free_name,
)
from drafter.templates.loader import load_template

TEMPLATE_DIR = Path(__file__).parent / "data" / "interview_template"
THIS_YEAR = dt.date.today().year
FILLED = {"year": 2024, "org_full_name": "青川县科学技术协会", "org_short": "青川科协",
          "events": 120, "has_station": True, "station_count": 3, "level": "省级科普示范县",
          "areas": ["科学普及"], "programmes": ["科技活动周"], "activity": "第一句。",
          "date": "2024-05-08"}


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("DRAFTER_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def template():
    return load_template(str(TEMPLATE_DIR))


def filled(template, **changes) -> InterviewSession:
    session = InterviewSession(template, persist=False)
    for name, raw in {**FILLED, **changes}.items():
        assert session.set(name, raw) == "", name
    return session


def test_set_validates_with_the_question_and_keeps_nothing_refused(template):
    session = InterviewSession(template, persist=False)
    assert session.set("events", "很多") == "请填写 0 到 10000 之间的整数（只写数字，例如 120）。"
    assert not session.is_answered("events")
    assert session.set("events", "96") == ""
    assert session.values["events"] == 96
    assert session.set("org_full_name", "") == "此项必填，请填写。"


def test_a_condition_turned_off_and_on_brings_the_dependent_answer_back(template):
    session = filled(template)
    assert session.set("has_station", False) == ""
    assert "station_count" not in session.values
    assert "station_count" not in [q.name for q in session.applicable()]
    assert session.set("has_station", True) == ""
    assert session.values["station_count"] == 3


def test_next_previous_and_progress_follow_the_questions_that_apply(template):
    session = InterviewSession(template, persist=False)
    assert session.next_question().name == "year"
    for name in ("year", "org_full_name", "org_short", "events"):
        session.set(name, FILLED[name])
    assert session.next_question().name == "has_station"
    assert session.previous_question("has_station").name == "events"
    assert session.previous_question(None).name == "events"  # the last one answered
    assert session.next_after("org_short").name == "events"
    progress = session.progress("has_station")
    assert (progress.index, progress.total, progress.group) == (5, 11, "工作数据")
    assert progress.minutes_left >= 1
    session.set("has_station", False)
    assert session.progress("level").total == 10  # station_count no longer applies


def test_groups_count_what_is_answered(template):
    session = InterviewSession(template, persist=False)
    session.set("year", 2024)
    groups = session.groups()
    assert [(g.title, g.answered, g.total) for g in groups] == [
        ("基本情况", 1, 3), ("工作数据", 0, 5), ("特色工作", 0, 3)]


def test_missing_required_lists_empty_required_questions(template):
    session = InterviewSession(template, persist=False)
    names = [q.name for q in session.missing_required()]
    assert names == ["org_full_name", "events", "level"]  # year and org_short have defaults
    assert [q.name for q in filled(template).missing_required()] == []


def test_last_years_answers_prefill_move_the_date_and_flag_unchanged_figures(template):
    last = AnswersFile("去年.yaml", "interview-test", "1", {
        "year": 2019, "org_full_name": "青川县科学技术协会", "events": 96,
        "activity": "开展活动32场。", "date": dt.date(2019, 12, 1), "level": "不存在的称号"})
    session = InterviewSession.open(template, last=last, persist=False)
    assert [n.text for n in session.take_notes()] == [
        "去年.yaml 中以下答案不符合现在的要求，改用模板的默认值：获评的示范称号。"]
    assert session.start_value(template.question("year")) == THIS_YEAR
    session.set("year", 2025)
    assert session.start_value(template.question("date")) == dt.date(2025, 12, 1)
    for name in ("org_full_name", "events", "activity"):
        session.set(name, session.start_value(template.question(name)))
    unchanged = [q.name for q in session.unchanged_from_last_year()]
    assert unchanged == ["events", "activity"]  # the name has no figure in it
    session.confirm_unchanged(["events"])
    assert [q.name for q in session.unchanged_from_last_year()] == ["activity"]
    session.set("activity", "开展活动40场。")
    assert session.unchanged_from_last_year() == []


def test_every_change_is_saved_and_a_new_session_can_resume_it(template, state_dir):
    session = InterviewSession.open(template)
    session.set("year", 2024)
    session.set("has_station", False)
    again = InterviewSession.open(template)
    assert again.saved is not None and again.values == {}
    again.resume()
    assert again.values == {"year": 2024, "has_station": False}


def test_an_unwritable_state_folder_is_said_once(template, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("DRAFTER_STATE_DIR", str(blocker))
    session = InterviewSession.open(template)
    session.set("year", 2024)
    session.set("org_full_name", "青川县科学技术协会")
    notes = session.take_notes()
    assert len(notes) == 1 and notes[0].text.startswith("注意：无法保存中途答案")
    assert session.values["org_full_name"] == "青川县科学技术协会"  # answering goes on


def test_answers_yaml_is_the_same_text_for_the_same_answers(template):
    one = filled(template)
    other = InterviewSession(template, persist=False)
    for name in reversed(list(FILLED)):  # a web form may fill fields in any order
        other.set(name, FILLED[name])
    assert one.answers_yaml() == other.answers_yaml()
    assert "org_full_name: 青川县科学技术协会" in one.answers_yaml()


def test_finish_offers_a_new_name_overwrite_or_stop_for_an_existing_draft(template, tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    session = filled(template)
    first = session.finish(fmt="txt")
    assert first.path.name == "2024年青川科协测试材料.txt"
    assert first.answers_path.name == "2024年青川科协测试材料.answers.yaml"
    asked = []
    second = filled(template).finish(fmt="txt", on_clash=lambda p: asked.append(p.name) or "rename")
    assert asked == ["2024年青川科协测试材料.txt"]
    assert second.path.name == "2024年青川科协测试材料（2）.txt"
    with pytest.raises(OutputExists):
        filled(template).finish(fmt="txt", on_clash=lambda p: "stop")
    overwritten = filled(template, events=150).finish(fmt="txt", on_clash=lambda p: "overwrite")
    assert overwritten.path == first.path and "150" in first.path.read_text(encoding="utf-8")


def test_free_name_skips_names_whose_draft_or_answers_exist(tmp_path):
    (tmp_path / "材料.docx").write_bytes(b"")
    (tmp_path / "材料（2）.answers.yaml").write_text("", encoding="utf-8")
    assert free_name(tmp_path / "材料.docx") == tmp_path / "材料（3）.docx"


def test_draft_previews_with_placeholders_for_missing_facts(template):
    session = InterviewSession(template, persist=False)
    session.set("org_full_name", "青川县科学技术协会")
    text = "\n".join(session.draft().document.plain_lines())
    assert "青川县科学技术协会" in text and "【待补充：获评的示范称号】" in text


def test_a_sample_is_marked_in_its_title_a_header_line_and_its_answers_file(template, tmp_path,
                                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    session = filled(template)
    session.sample = True
    finished = session.finish(fmt="txt")
    lines = [line for line in finished.path.read_text(encoding="utf-8").splitlines() if line]
    assert lines[0] == "【样稿】2024年青川科协测试材料"
    assert lines[1].strip() == SAMPLE_NOTE
    answers = finished.answers_path.read_text(encoding="utf-8")
    assert f"# {SAMPLE_HEADER}" in answers.splitlines()
    assert "【样稿】" not in "".join(filled(template).draft().document.plain_lines())


def test_accepting_start_values_makes_what_a_form_shows_the_answers(template):
    last = AnswersFile("去年.yaml", "interview-test", "1", {
        "year": 2019, "org_full_name": "青川县科学技术协会", "events": 96, "has_station": False,
        "level": "不存在的称号", "date": dt.date(2019, 12, 1)})
    session = InterviewSession.open(template, last=last, persist=False)
    session.accept_start_values()
    values = session.values
    assert values["year"] == THIS_YEAR and values["events"] == 96
    assert values["org_short"] == "青川科协"  # the default computed from last year's name
    assert values["date"] == dt.date(THIS_YEAR, 12, 1)
    assert "station_count" not in values  # last year had none: its condition does not hold
    assert "level" not in values  # refused last year's value and no default: left unanswered
