"""The questionnaire's flow and the `drafter new` command, without a terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from drafter.cli import main
from drafter.interview.session import InterviewSession, prefilled_default
from drafter.interview.terminal import (
    RENDER,
    DefaultAnswers,
    GoBack,
    Questionnaire,
    TerminalAsker,
    display,
)
from drafter.templates.loader import load_template

TEMPLATE_DIR = Path(__file__).parent / "data" / "interview_template"
THIS_YEAR = dt.date.today().year


@pytest.fixture
def template():
    return load_template(str(TEMPLATE_DIR))


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("DRAFTER_STATE_DIR", str(folder))
    return folder


ANSWERS = {
    "year": 2024,
    "org_full_name": "青川县科学技术协会",
    "events": 120,
    "has_station": True,
    "station_count": 3,
    "level": "省级科普示范县",
    "areas": ["科学普及"],
    "programmes": ["科技活动周"],
    "activity": "第一句。\n第二句。",
    "date": dt.date(2024, 5, 8),
}


class ScriptedAsker:
    """Answers from a script (or keeps the default); records what it was asked.

    `later` holds the answers for questions asked again from the review screen.
    """

    def __init__(self, script: dict, reviews: list[str] | None = None,
                 later: dict[str, list] | None = None):
        self.script = dict(script)
        self.reviews = list(reviews or [])
        self.later = {name: list(values) for name, values in (later or {}).items()}
        self.asked: list[tuple[str, object]] = []
        self.progress: list = []
        self.headings: list[str] = []
        self.shown_unchanged: list[list[str]] = []

    def heading(self, group: str) -> None:
        self.headings.append(group)

    unchanged_answer: list[str] = []

    def ask(self, question, default, progress=None):
        first_time = question.name not in [name for name, _ in self.asked]
        self.asked.append((question.name, default))
        self.progress.append(progress)
        if not first_time and self.later.get(question.name):
            return self.later[question.name].pop(0)
        if question.name in self.script:
            return self.script.pop(question.name)
        return default

    def review(self, template, values):
        return self.reviews.pop(0) if self.reviews else RENDER

    def unchanged(self, items):
        self.shown_unchanged.append([q.name for q, _ in items])
        return self.unchanged_answer

    def warn(self, text):
        self.headings.append(f"warning: {text}")


def interview(template, asker, values=None) -> dict:
    """Run the questionnaire over a session that does not touch the resume store."""
    session = InterviewSession(template, values=dict(values or {}), persist=False)
    return Questionnaire(session, asker).run()


def test_asks_in_template_order_with_headings_and_expression_defaults(template):
    asker = ScriptedAsker(ANSWERS)
    values = interview(template, asker)
    assert [name for name, _ in asker.asked] == [q.name for q in template.questions]
    assert asker.headings == ["基本情况", "工作数据", "特色工作"]
    assert dict(asker.asked)["org_short"] == "青川科协"  # computed from the full name
    assert values["org_short"] == "青川科协"
    assert dict(asker.asked)["year"] == THIS_YEAR


def test_each_question_is_asked_with_its_progress(template):
    asker = ScriptedAsker(ANSWERS)
    interview(template, asker)
    first, fifth = asker.progress[0], asker.progress[4]
    assert (first.index, first.total, first.group) == (1, 11, "基本情况")
    assert (fifth.index, fifth.group) == (5, "工作数据")
    assert first.minutes_left > fifth.minutes_left >= 1


class SequenceAsker(ScriptedAsker):
    """Gives answers in the order of a script of (question, answer); GOBACK presses the back key."""

    GOBACK = object()

    def __init__(self, steps):
        super().__init__({})
        self.steps = list(steps)

    def ask(self, question, default, progress=None):
        self.asked.append((question.name, default))
        if self.steps and self.steps[0][0] == question.name:
            answer = self.steps.pop(0)[1]
            if answer is self.GOBACK:
                raise GoBack
            return answer
        return ANSWERS.get(question.name, default)


def test_going_back_two_questions_changes_an_answer_and_walks_forward_again(template):
    back = SequenceAsker.GOBACK
    asker = SequenceAsker([("year", 2024), ("org_full_name", "旧名称"), ("org_short", "旧简称"),
                           ("events", back), ("org_short", back), ("org_full_name", "青川县科协"),
                           ("org_short", "青川科协")])
    values = interview(template, asker)
    order = [name for name, _ in asker.asked][:8]
    assert order == ["year", "org_full_name", "org_short", "events", "org_short",
                     "org_full_name", "org_short", "events"]
    assert dict(asker.asked[4:5])["org_short"] == "旧简称"  # shown again with its answer
    assert values["org_full_name"] == "青川县科协" and values["org_short"] == "青川科协"
    assert values["events"] == 120  # asked once more after walking forward, then answered


def test_back_on_the_first_question_says_so_and_asks_it_again(template):
    asker = SequenceAsker([("year", SequenceAsker.GOBACK)])
    values = interview(template, asker)
    assert [name for name, _ in asker.asked][:2] == ["year", "year"]
    assert "warning: 已经是第一题。" in asker.headings
    assert values["year"] == 2024


def test_back_from_a_question_changed_in_review_reaches_the_one_before(template):
    asker = SequenceAsker([*((n, v) for n, v in ANSWERS.items()),
                           ("events", SequenceAsker.GOBACK), ("org_full_name", "临江县科协")])
    asker.steps.insert(len(ANSWERS), ("org_short", "青川科协"))
    asker.reviews = ["events"]
    values = interview(template, asker)
    assert values["org_short"] == "青川科协" and values["events"] == 120


def test_figures_unchanged_from_last_year_are_listed_and_the_ticked_ones_asked_again(template):
    from drafter.interview.answers import AnswersFile

    last = AnswersFile("去年.yaml", "interview-test", "0.1",
                       {**ANSWERS, "year": 2023, "events": 96, "date": dt.date(2023, 12, 1)})
    session = InterviewSession.open(template, last=last, persist=False)
    asker = ScriptedAsker({}, later={"events": [130]})
    asker.unchanged_answer = ["events"]
    values = Questionnaire(session, asker).run()
    assert asker.shown_unchanged == [["events", "station_count"]]  # figures only
    assert values["events"] == 130
    assert values["date"] == dt.date(THIS_YEAR, 12, 1)
    assert [name for name, _ in asker.asked].count("events") == 2
    assert session.unchanged_from_last_year() == []  # the others were confirmed as they stood


def test_when_skips_a_question(template):
    asker = ScriptedAsker({**ANSWERS, "has_station": False})
    values = interview(template, asker)
    assert "station_count" not in [name for name, _ in asker.asked]
    assert "station_count" not in values


def test_every_answer_is_saved_to_the_resume_store_as_it_is_given(template, monkeypatch):
    from drafter.interview import resume

    snapshots: list[dict] = []
    monkeypatch.setattr(resume, "save", lambda tpl, values: snapshots.append(dict(values)))
    Questionnaire(InterviewSession(template), ScriptedAsker(ANSWERS)).run()
    assert [len(s) for s in snapshots] == list(range(1, len(template.questions) + 1))
    assert snapshots[1] == {"year": 2024, "org_full_name": "青川县科学技术协会"}


def test_resumed_answers_are_kept_and_not_asked_again(template):
    earlier = {"year": 2023, "org_full_name": "青川县科学技术协会", "org_short": "县科协"}
    asker = ScriptedAsker(ANSWERS)
    values = interview(template, asker, earlier)
    assert [name for name, _ in asker.asked][0] == "events"
    assert asker.headings[0] == "工作数据"
    assert {k: values[k] for k in earlier} == earlier


def test_review_changes_one_answer_and_follows_its_consequences(template, monkeypatch):
    # Turning has_station off sets the count aside; turning it on again brings it back.
    from drafter.interview import resume

    saved: list[dict] = []
    monkeypatch.setattr(resume, "save", lambda tpl, values: saved.append(dict(values)))
    asker = ScriptedAsker({**ANSWERS, "station_count": 3},
                          reviews=["has_station", "events", "has_station"],
                          later={"has_station": [False, True], "events": [150]})
    session = InterviewSession(template)
    values = Questionnaire(session, asker).run()
    assert values["events"] == 150
    assert values["has_station"] is True
    assert values["station_count"] == 3  # the earlier answer came back, not asked again
    after_review = [name for name, _ in asker.asked[len(template.questions):]]
    assert after_review == ["has_station", "events", "has_station"]
    assert session.values == values
    assert ("events", 120) in asker.asked  # a change starts from the current answer


def test_last_years_answers_become_defaults_but_the_year_is_this_year(template):
    last = {"year": 2019, "org_full_name": "青川县科学技术协会", "events": "96",
            "level": "不存在的称号", "date": dt.date(2019, 12, 1)}
    q = template.question
    assert prefilled_default(q("year"), {}, last) == THIS_YEAR
    assert prefilled_default(q("org_full_name"), {}, last) == "青川县科学技术协会"
    assert prefilled_default(q("events"), {}, last) == 96
    assert prefilled_default(q("level"), {}, last) is None  # invalid: falls back to the template
    assert prefilled_default(q("has_station"), {}, last) is True  # not in the file: template
    assert prefilled_default(q("date"), {}, last) == dt.date(THIS_YEAR, 12, 1)  # moved
    assert prefilled_default(q("date"), {"year": 2025}, last) == dt.date(2025, 12, 1)
    assert prefilled_default(q("org_short"), {"org_full_name": "临江县科协"}, last) == "临江科协"


def test_default_answers_use_defaults_then_examples(template):
    values = interview(template, DefaultAnswers())
    assert values["year"] == THIS_YEAR
    assert values["org_full_name"] == "青川县科学技术协会"  # example
    assert values["org_short"] == "青川科协"  # default computed from the example
    assert values["events"] == 120
    assert values["has_station"] is True and values["station_count"] == 1
    assert values["level"] is None  # no default, no example
    assert values["programmes"] == ["科技活动周", "全国科普日"]


def test_review_lines_are_short_and_readable(template):
    q = template.question
    assert display(q("has_station"), False) == "否"
    assert display(q("date"), dt.date(2024, 5, 8)) == "2024年5月8日"
    assert display(q("areas"), ["科学普及", "人才服务"]) == "科学普及、人才服务"
    assert display(q("level"), "省级科普示范县") == "省级科普示范县（市、区）"
    assert display(q("activity"), "第一句。\n第二句。") == "第一句。……"
    assert display(q("activity"), "长" * 100).endswith("…")
    assert display(q("org_short"), None) == "（未填）"


def test_proofreading_findings_are_shown_and_never_block(template, monkeypatch):
    class Finding:
        text, suggestion, reason = "效劳", "服务", "繁简转换造成的错字。"

    class Worded(Finding):
        def message(self):
            return "“根底”应为“基础”（繁简转换造成的错字）"

    asker = TerminalAsker()
    shown: list[str] = []
    monkeypatch.setattr(asker, "say", lambda text, style="": shown.append(text))
    monkeypatch.setattr(asker, "proofread",
                        lambda text: [Finding(), Worded()] if "效劳" in text else [])
    monkeypatch.setattr(asker, "_text", lambda question, default, header: "为群众效劳。")
    assert asker.ask(template.question("activity"), None) == "为群众效劳。"
    assert shown[0] == "✔ 特色活动介绍：为群众效劳。"
    warnings = [line for line in shown if "注意" in line]
    assert warnings == [
        "  注意：“效劳”，建议改为“服务”（繁简转换造成的错字）。可在最后检查时修改。",
        "  注意：“根底”应为“基础”（繁简转换造成的错字）。可在最后检查时修改。",
    ]


# -- the command, in-process (pytest's stdin is not a terminal) --------------------------


def test_without_a_terminal_new_explains_and_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", str(TEMPLATE_DIR)]) == 2
    err = capsys.readouterr().err
    assert "输入不是终端" in err and "drafter render" in err and "--defaults" in err
    assert list(tmp_path.iterdir()) == []


def test_defaults_render_without_asking(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", str(TEMPLATE_DIR), "--defaults", "-o", "样稿.txt"]) == 0
    out = capsys.readouterr().out
    assert "已生成：样稿.txt" in out and "合计" in out
    text = (tmp_path / "样稿.txt").read_text(encoding="utf-8")
    assert "青川县科学技术协会" in text
    assert "【待补充：获评的示范称号】" in text  # required, no default, no example
    answers = yaml.safe_load((tmp_path / "样稿.answers.yaml").read_text(encoding="utf-8"))
    assert answers["template"] == "interview-test"
    assert answers["answers"]["events"] == 120


def test_defaults_name_the_file_after_the_template_and_keep_a_resume_file(tmp_path, monkeypatch,
                                                                          state_dir):
    from drafter.interview import resume

    monkeypatch.chdir(tmp_path)
    template = load_template(str(TEMPLATE_DIR))
    resume.save(template, {"year": 2020})
    assert main(["new", str(TEMPLATE_DIR), "--defaults", "--format", "md"]) == 0
    assert (tmp_path / f"{THIS_YEAR}年青川科协测试材料.md").is_file()
    assert (tmp_path / f"{THIS_YEAR}年青川科协测试材料.answers.yaml").is_file()
    assert resume.load(template).values == {"year": 2020}  # not the questionnaire's to discard


def test_defaults_with_last_years_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "去年.yaml").write_text(
        "template: interview-test\nanswers:\n  year: 2019\n  org_full_name: 临江县科学技术协会\n"
        "  events: 96\n  level: 市级科普示范县\n  date: 去年年底\n", encoding="utf-8")
    assert main(["new", str(TEMPLATE_DIR), "--defaults", "--answers", "去年.yaml",
                 "-o", "今年.txt"]) == 0
    text = (tmp_path / "今年.txt").read_text(encoding="utf-8")
    assert f"{THIS_YEAR}年临江科协测试材料" in text
    assert "科普活动96场" in text and "获评市级科普示范县" in text
    assert "以下答案不符合现在的要求，改用模板的默认值：落款日期" in capsys.readouterr().err


def test_existing_answers_file_is_not_overwritten_without_force(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "样稿.answers.yaml").write_text("# 我的答案\n", encoding="utf-8")
    assert main(["new", str(TEMPLATE_DIR), "--defaults", "-o", "样稿.txt"]) == 2
    assert "已存在" in capsys.readouterr().err
    assert not (tmp_path / "样稿.txt").exists()
    assert (tmp_path / "样稿.answers.yaml").read_text(encoding="utf-8") == "# 我的答案\n"
    assert main(["new", str(TEMPLATE_DIR), "--defaults", "-o", "样稿.txt", "--force"]) == 0
    assert "interview-test" in (tmp_path / "样稿.answers.yaml").read_text(encoding="utf-8")


def test_a_newcomer_sees_the_kexie_draft_from_defaults(tmp_path, monkeypatch):
    import docx

    monkeypatch.chdir(tmp_path)
    assert main(["new", "kexie", "--defaults"]) == 0
    [draft] = tmp_path.glob("*.docx")
    assert draft.name == f"{THIS_YEAR}年县科协“六个坚持”经验交流材料.docx"
    paragraphs = [p.text for p in docx.Document(str(draft)).paragraphs if p.text]
    text = "\n".join(paragraphs)
    assert "科协" in text and "【待补充" not in text  # the examples fill every required fact
    assert paragraphs[0].startswith("【样稿】") and len(paragraphs[0]) > len("【样稿】")
    assert paragraphs[-1].startswith(f"{THIS_YEAR}年")  # the date follows the year, not the example
    assert any(p.startswith("【样稿】本稿按模板的默认值和示例生成") for p in paragraphs[1:3])
    answers = (tmp_path / f"{draft.stem}.answers.yaml").read_text(encoding="utf-8")
    assert "# 【样稿】以下答案是模板的默认值和示例" in answers
    assert (tmp_path / f"{draft.stem}.answers.yaml").is_file()


def test_registering_the_command_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys; from drafter.cli import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('questionary', 'prompt_toolkit', 'docx', 'jinja2', 'yaml')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert "questionary" not in result.stdout and "prompt_toolkit" not in result.stdout
    assert "docx" not in result.stdout


# -- the command's flow with a scripted terminal ----------------------------------------


class ScriptedTerminal(ScriptedAsker):
    """Stands in for TerminalAsker: what `drafter new` would show, recorded."""

    resume_answer = True
    instances: list = []

    def __init__(self):
        super().__init__(ANSWERS)
        self.shown: list[str] = []
        self.offers: list[int] = []
        self.clashes: list[str] = []
        ScriptedTerminal.instances.append(self)

    def say(self, text, style=""):
        self.shown.append(text)

    warn = say

    def offer_resume(self, count, saved_at, path):
        self.offers.append(count)
        return self.resume_answer

    clash_answer = "rename"

    def on_clash(self, path):
        self.clashes.append(path.name)
        return self.clash_answer

    def pick_template(self, entries):
        return "interview-test"


@pytest.fixture
def terminal(monkeypatch):
    import sys

    import drafter.interview.terminal

    class TTY:
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", TTY())
    monkeypatch.setattr(drafter.interview.terminal, "TerminalAsker", ScriptedTerminal)
    ScriptedTerminal.instances = []
    return ScriptedTerminal.instances


def test_stopping_at_an_existing_draft_keeps_the_answers_for_the_next_run(
        tmp_path, monkeypatch, capsys, terminal, state_dir):
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "2024年青川科协测试材料.txt"
    existing.write_text("旧稿", encoding="utf-8")
    ScriptedTerminal.clash_answer = "stop"
    assert main(["new", str(TEMPLATE_DIR), "--format", "txt"]) == 1
    assert terminal[-1].clashes == [existing.name]
    err = capsys.readouterr().err
    assert "没有保存文稿" in err and "再次运行 drafter new" in err
    resume_file = state_dir / "resume" / "interview-test.yaml"
    assert resume_file.is_file() and existing.read_text(encoding="utf-8") == "旧稿"

    assert main(["new", str(TEMPLATE_DIR), "--format", "txt", "--force"]) == 0
    second = terminal[-1]
    assert second.offers == [len(ANSWERS) + 1]  # the script, plus org_short's default
    assert second.asked == []  # everything came back from the resume file
    assert second.clashes == []  # --force: no question
    assert "青川县科学技术协会" in existing.read_text(encoding="utf-8")
    assert not resume_file.exists()


def test_an_existing_draft_gets_a_new_numbered_name_by_default(tmp_path, monkeypatch, capsys,
                                                               terminal):
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "2024年青川科协测试材料.txt"
    existing.write_text("旧稿", encoding="utf-8")
    ScriptedTerminal.clash_answer = "rename"
    assert main(["new", str(TEMPLATE_DIR), "--format", "txt"]) == 0
    assert existing.read_text(encoding="utf-8") == "旧稿"
    second = tmp_path / "2024年青川科协测试材料（2）.txt"
    assert "青川县科学技术协会" in second.read_text(encoding="utf-8")
    assert (tmp_path / "2024年青川科协测试材料（2）.answers.yaml").is_file()
    assert f"已生成：{second}" in capsys.readouterr().out


def test_picking_a_template_when_none_is_named(tmp_path, monkeypatch, terminal):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--template-dir", str(TEMPLATE_DIR.parent), "-o", "a.md"]) == 0
    assert (tmp_path / "a.md").is_file() and (tmp_path / "a.answers.yaml").is_file()


def test_a_window_closed_while_the_screen_is_drawn_leaves_like_a_hang_up(
        tmp_path, monkeypatch, capsys, terminal, state_dir):
    """The write to a closed terminal can fail (EIO) before SIGHUP arrives: exit 129, answers kept."""
    import errno

    import drafter.interview.terminal

    monkeypatch.chdir(tmp_path)
    answered = []

    def run(self):
        self.session.set("year", 2024)
        answered.append(True)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(drafter.interview.terminal.Questionnaire, "run", run)
    assert main(["new", str(TEMPLATE_DIR), "-o", "a.md"]) == 129
    assert answered and (state_dir / "resume" / "interview-test.yaml").is_file()
    assert "问卷已中断。已回答的内容保存在" in capsys.readouterr().err


def test_other_os_errors_while_asking_are_not_taken_for_a_hang_up(tmp_path, monkeypatch, terminal):
    import drafter.interview.terminal

    monkeypatch.chdir(tmp_path)

    def run(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(drafter.interview.terminal.Questionnaire, "run", run)
    with pytest.raises(PermissionError):
        main(["new", str(TEMPLATE_DIR), "-o", "a.md"])
