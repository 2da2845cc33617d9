"""`drafter new` in a real pseudo-terminal: what a secretary types and sees."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import yaml
from pty_helpers import (
    CTRL_C,
    CTRL_D,
    CTRL_U,
    DOWN,
    ENTER,
    FINISH_TEXT,
    HOME,
    SPACE,
    TEMPLATE,
    Terminal,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")



def draft_text(path) -> str:
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return path.read_text(encoding="utf-8")


def saved_answers(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]


@pytest.fixture
def term(tmp_path):
    """Start `drafter new` on the test template; always cleaned up."""
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        terminal = Terminal([str(TEMPLATE), *args], cwd=tmp_path, state_dir=tmp_path / "state")
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()


def resume_file(tmp_path):
    return tmp_path / "state" / "resume" / "interview-test.yaml"


def test_full_questionnaire_makes_a_draft_with_the_typed_facts(term, tmp_path):
    t = term("-o", "材料.docx")
    t.expect("问卷测试模板")
    t.expect("【基本情况】")
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "青川县科学技术协会", ENTER)
    t.answer("单位简称", ENTER)  # default derived from the full name: 青川科协
    t.expect("【工作数据】")
    t.answer("全年科普活动场次", "abc", ENTER)
    t.expect("请填写 0 到 10000 之间的整数（只写数字，例如 120）。")
    t.send(CTRL_U + "120" + ENTER)
    t.answer("是否建有院士专家工作站", "y")
    t.answer("院士专家工作站个数", CTRL_U + "3" + ENTER)
    t.answer("获评的示范称号", DOWN, ENTER)
    t.expect("✔ 获评的示范称号：省级科普示范县（市、区）")
    t.answer("重点工作领域", SPACE, DOWN, SPACE, ENTER)
    t.expect("✔ 重点工作领域：科学普及、学会建设")
    t.expect("【特色工作】")
    t.answer("品牌活动名称", "科技活动周", ENTER, "全国科普日", ENTER, ENTER)  # Enter twice ends
    t.answer("特色活动介绍", "组织“科普大篷车”进乡村。", ENTER, "全年行程三千公里，为群众效劳。",
             FINISH_TEXT)
    t.expect("注意：“效劳”")  # proofreading warns under the answer and lets it stand
    t.answer("落款日期", "2024-13-45", ENTER)
    t.expect("应为日期，例如 2024-05-08 或 2024年5月8日；“2024-13-45”无法识别。")
    t.send(CTRL_U + "2024年5月8日" + ENTER)

    # Review: every answer listed; change the count of events, then render.
    t.expect("请检查全部")
    t.expect("✔ 答案无误，生成文稿")
    t.expect("全年科普活动场次：120")
    t.expect("特色活动介绍：组织“科普大篷车”进乡村。……")
    t.send(DOWN * 4)  # year, full name, short name, events (group headings are skipped)
    t.send(ENTER)
    t.answer("全年科普活动场次", CTRL_U + "150" + ENTER)
    t.expect("› 全年科普活动场次：150")  # the review screen comes back where it was left
    t.send(HOME)
    t.send(ENTER)
    assert t.finish() == 0

    screen = t.screen
    assert "已生成：材料.docx" in screen
    assert "合计" in screen and "宣读约" in screen  # the same summary as drafter render
    assert "答案已保存：材料.answers.yaml" in screen

    text = draft_text(tmp_path / "材料.docx")
    for fact in ("青川县科学技术协会", "青川科协", "科普活动150场", "工作站3个", "获评省级科普示范县",
                 "科学普及和学会建设", "科技活动周和全国科普日", "科普大篷车", "三千公里",
                 "2024年5月8日"):
        assert fact in text, fact
    assert "120场" not in text

    answers = saved_answers(tmp_path / "材料.answers.yaml")
    assert answers["events"] == 150
    assert answers["level"] == "省级科普示范县"
    assert answers["activity"] == "组织“科普大篷车”进乡村。\n全年行程三千公里，为群众效劳。"
    assert answers["date"] == dt.date(2024, 5, 8)
    assert answers["year"] == dt.date.today().year
    assert not resume_file(tmp_path).exists()  # a finished questionnaire leaves nothing behind


def test_interrupted_questionnaire_resumes_with_earlier_answers_intact(term, tmp_path):
    t = term("-o", "材料.txt")
    t.answer("材料年份", CTRL_U + "2023" + ENTER)
    t.answer("单位全称", "青川县科学技术协会", ENTER)
    t.answer("单位简称", CTRL_U + "县科协" + ENTER)
    t.answer("全年科普活动场次", "88", ENTER)
    t.answer("是否建有院士专家工作站", CTRL_C)
    assert t.finish() == 130
    assert "问卷已中断" in t.screen
    assert str(resume_file(tmp_path)) in t.screen.replace("\n", "")
    kept = saved_answers(resume_file(tmp_path))
    assert kept == {"year": 2023, "org_full_name": "青川县科学技术协会", "org_short": "县科协",
                    "events": 88}
    assert not (tmp_path / "材料.txt").exists()

    t = term("-o", "材料.txt")
    t.expect("发现上次未填完的问卷：已答 4 题")
    t.answer("接着填写吗", "y")
    t.answer("是否建有院士专家工作站", "n")  # continues exactly where it stopped
    t.answer("获评的示范称号", ENTER)
    t.answer("重点工作领域", SPACE, ENTER)
    t.answer("品牌活动名称", ENTER)
    t.answer("特色活动介绍", "一段介绍。", ENTER, ENTER)
    t.answer("落款日期", ENTER)
    t.expect("生成文稿")
    t.send(ENTER)
    assert t.finish() == 0
    assert "材料年份" not in t.screen.split("接着填写")[-1].split("请检查全部")[0]

    answers = saved_answers(tmp_path / "材料.answers.yaml")
    assert answers["year"] == 2023
    assert answers["org_full_name"] == "青川县科学技术协会"
    assert answers["org_short"] == "县科协"
    assert answers["events"] == 88
    assert answers["has_station"] is False
    assert "station_count" not in answers  # its `when` no longer holds
    assert not resume_file(tmp_path).exists()
    assert "2023年县科协测试材料" in draft_text(tmp_path / "材料.txt")


def test_declining_to_resume_starts_fresh(term, tmp_path):
    t = term()
    t.answer("材料年份", CTRL_U + "2023" + ENTER)
    t.answer("单位全称", "旧单位", ENTER)
    t.answer("单位简称", CTRL_U, CTRL_D)  # Ctrl-D on an empty line leaves too
    assert t.finish() == 130
    assert saved_answers(resume_file(tmp_path))["org_full_name"] == "旧单位"

    t = term()
    t.expect("发现上次未填完的问卷")
    t.answer("接着填写吗", "n")
    t.answer("材料年份", ENTER)  # asked again from the start
    t.answer("单位全称", "新单位", ENTER)
    t.answer("单位简称", CTRL_C)
    assert t.finish() == 130
    assert saved_answers(resume_file(tmp_path)) == {"year": dt.date.today().year,
                                                    "org_full_name": "新单位"}


def test_ctrl_d_in_a_choice_list_keeps_answers(term, tmp_path):
    t = term()
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "青川县科学技术协会", ENTER)
    t.answer("单位简称", ENTER)
    t.answer("全年科普活动场次", "5", ENTER)
    t.answer("是否建有院士专家工作站", "n")
    t.answer("获评的示范称号", CTRL_D)
    assert t.finish() == 130
    assert "问卷已中断" in t.screen
    assert saved_answers(resume_file(tmp_path))["has_station"] is False


def test_an_unwritable_state_folder_is_not_reported_as_nothing_answered(tmp_path):
    """Issue 16.9: answers given but not saved must not be called "尚未回答任何问题"."""
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state folder should be", encoding="utf-8")
    t = Terminal([str(TEMPLATE), "-o", "材料.txt"], cwd=tmp_path, state_dir=blocker)
    try:
        t.answer("材料年份", CTRL_U + "2023" + ENTER)
        t.answer("单位全称", CTRL_C)
        assert t.finish() == 130
        screen = t.screen.replace("\n", "")
        assert "尚未回答任何问题" not in screen
        assert "已回答 1 题，但断点文件夹" in screen and "无法写入，这些回答没能保存" in screen
        assert "DRAFTER_STATE_DIR" in screen
    finally:
        t.close()


def test_closed_terminal_keeps_answers(term, tmp_path):
    t = term()
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "青川县科学技术协会", ENTER)
    t.answer("单位简称", "县")  # half typed when the window closes
    os.close(t.child.child_fd)  # the window closes: the kernel sends SIGHUP
    assert t.child.wait() == 129  # left through the hang-up handler, not killed mid-write
    kept = saved_answers(resume_file(tmp_path))
    assert kept["org_full_name"] == "青川县科学技术协会"
    assert "org_short" not in kept
    assert [p.name for p in resume_file(tmp_path).parent.iterdir()] == ["interview-test.yaml"]


def test_last_years_answers_prefill_every_question(term, tmp_path):
    last = tmp_path / "去年.yaml"
    last.write_text(
        "template: interview-test\n"
        "answers:\n"
        "  year: 2019\n"
        "  org_full_name: 青川县科学技术协会\n"
        "  org_short: 县科协\n"
        "  events: 96\n"
        "  has_station: false\n"
        "  level: 市级科普示范县\n"
        "  areas: [人才服务]\n"
        "  programmes: [科技活动周]\n"
        "  activity: |\n"
        "    去年的特色活动。\n"
        "    第二行。\n"
        "  date: 2019-12-01\n",
        encoding="utf-8",
    )
    t = term("--answers", str(last), "-o", "今年.txt")
    t.answer("材料年份", ENTER)
    t.answer("单位全称", ENTER)
    t.answer("单位简称", ENTER)
    t.answer("全年科普活动场次", ENTER)
    t.answer("是否建有院士专家工作站", ENTER)
    t.answer("获评的示范称号", ENTER)
    t.answer("重点工作领域", ENTER)
    t.answer("品牌活动名称", ENTER)  # last year's items, the cursor on the empty line after them
    t.answer("特色活动介绍", ENTER)
    t.answer("落款日期", ENTER)
    t.expect("生成文稿")
    t.send(ENTER)
    t.expect("以下 1 项与去年的答案完全相同")
    t.expect("全年科普活动场次：96")
    t.send(ENTER)  # nothing ticked: all confirmed
    assert t.finish() == 0
    answers = saved_answers(tmp_path / "今年.answers.yaml")
    assert answers["year"] == dt.date.today().year
    assert answers["org_short"] == "县科协"
    assert answers["events"] == 96
    assert answers["has_station"] is False
    assert answers["level"] == "市级科普示范县"
    assert answers["areas"] == ["人才服务"]
    assert answers["programmes"] == ["科技活动周"]
    assert answers["activity"] == "去年的特色活动。\n第二行。"
    assert answers["date"] == dt.date(dt.date.today().year, 12, 1)  # moved into the new year


def test_a_figure_ticked_as_changed_is_asked_again_before_rendering(term, tmp_path):
    last = tmp_path / "去年.yaml"
    last.write_text("template: interview-test\nanswers:\n  year: 2019\n  org_full_name: 青川县科学技术协会\n"
                    "  events: 96\n  has_station: true\n  station_count: 2\n  level: 市级科普示范县\n"
                    "  areas: [人才服务]\n", encoding="utf-8")
    t = term("--answers", str(last), "-o", "今年.txt")
    for label in ("材料年份", "单位全称", "单位简称", "全年科普活动场次", "是否建有院士专家工作站",
                  "院士专家工作站个数", "获评的示范称号", "重点工作领域", "品牌活动名称",
                  "特色活动介绍", "落款日期"):
        t.answer(label, ENTER)
    t.expect("生成文稿")
    t.send(ENTER)
    t.expect("以下 2 项与去年的答案完全相同")
    t.expect("院士专家工作站个数：2")
    t.send(SPACE + ENTER)  # the first, the number of events, did change
    t.answer("全年科普活动场次", CTRL_U + "13.8万" + ENTER)
    t.expect("请填写 0 到 10000 之间的整数")  # 138000 is over this template's cap: it says so
    t.send(CTRL_U + "130" + ENTER)
    t.expect("请检查全部")  # back to the review; Enter renders, nothing left to confirm
    t.send(ENTER)
    assert t.finish() == 0
    answers = saved_answers(tmp_path / "今年.answers.yaml")
    assert answers["events"] == 130 and answers["station_count"] == 2


def test_existing_output_is_refused_before_any_question(term, tmp_path):
    (tmp_path / "材料.txt").write_text("旧稿", encoding="utf-8")
    t = term("-o", "材料.txt")
    assert t.finish() == 2
    assert "已存在" in t.screen and "--force" in t.screen
    assert "材料年份" not in t.screen
    assert (tmp_path / "材料.txt").read_text(encoding="utf-8") == "旧稿"


def test_without_a_terminal_it_says_what_to_use_instead(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "drafter", "new", str(TEMPLATE)], input="青川\n", cwd=tmp_path,
        capture_output=True, text=True, encoding="utf-8", timeout=60,
        env={**os.environ, "DRAFTER_STATE_DIR": str(tmp_path / "state")},
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "输入不是终端" in result.stderr
    assert "drafter render 模板 --answers" in result.stderr
    assert "--defaults" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_a_template_name_a_list_with_descriptions_is_offered(tmp_path):
    own = tmp_path / "我的模板"
    own.mkdir()
    (own / "interview_template").symlink_to(TEMPLATE, target_is_directory=True)
    t = Terminal(["--template-dir", str(own), "-o", "材料.md"], cwd=tmp_path,
                 state_dir=tmp_path / "state")
    try:
        t.expect("请选择模板")
        t.expect("问卷测试模板（interview-test）")  # own folders first
        t.expect("县科协“六个坚持”经验交流材料（kexie）")  # built-ins are listed too
        t.expect("覆盖全部题型的小模板")  # the highlighted one's description
        t.send(ENTER)
        t.expect("✔ 模板：问卷测试模板（interview-test）")
        t.answer("材料年份", CTRL_C)
        assert t.finish() == 130
        assert "尚未回答任何问题" in t.screen
    finally:
        t.close()
