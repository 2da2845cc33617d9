"""What a secretary sees on the screen: `drafter new` in a pseudo-terminal read through a
terminal emulator, so each assertion is about the screen as it stands at that moment."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from pty_helpers import (
    CTRL_E,
    CTRL_P,
    CTRL_U,
    DOWN,
    ENTER,
    HOME,
    TEMPLATE,
    UP,
    Terminal,
)

from drafter.interview.terminal import (
    KEYS_LINES,
    KEYS_MULTI,
    KEYS_PICK,
    KEYS_REVIEW,
    KEYS_TEXT,
    KEYS_TICK,
    type_hint,
)
from drafter.templates.loader import load_template

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

THIS_YEAR = dt.date.today().year
EXAMPLES = Path(__file__).parent.parent / "examples"
KEYS = {"textarea": KEYS_LINES, "list": KEYS_LINES, "multichoice": KEYS_MULTI,
        "checklist": KEYS_MULTI,
        "bool": KEYS_PICK, "choice": KEYS_PICK}


@pytest.fixture
def start(tmp_path):
    started: list[Terminal] = []

    def start(*args: str, columns: int = 80, lines: int = 24, command: str = "new",
              cwd: Path | None = None) -> Terminal:
        terminal = Terminal(list(args), cwd=cwd or tmp_path, state_dir=tmp_path / "state",
                            columns=columns, lines=lines, command=command, timeout=40)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()


def saved(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]


def squash(text: str) -> str:
    return "".join(text.split())


def wait_question(t: Terminal, question) -> list[str]:
    """Wait for the question's own screen (its title alone on a row, under a progress line)."""
    import time

    title = question.title + ("（必填）" if question.required else "")
    deadline = time.monotonic() + t.timeout
    while time.monotonic() < deadline:
        rows = t.wait_screen(title)
        if title in rows:
            return rows
    raise AssertionError(f"没有出现“{title}”这一题。屏幕：\n" + "\n".join(t.display))


def assert_instructions(t: Terminal, question, rows: list[str]) -> None:
    """Every line that says how to answer is on the screen, whole (wrapped rows joined)."""
    shown = squash("".join(rows))
    title_row = rows.index(question.title + ("（必填）" if question.required else ""))
    assert title_row > 0 and rows[title_row - 1].startswith("第 "), rows  # the progress line
    assert f"【{question.group}】" in rows[title_row - 1]
    for line in question.help.strip().split("\n") if question.help.strip() else []:
        assert squash(line) in shown, (line, rows)
    assert squash(type_hint(question)) in shown, (type_hint(question), rows)
    keys = KEYS.get(question.type, KEYS_TEXT)
    assert squash(keys) in shown, (keys, rows)


# -- the whole 科协 questionnaire at 80×24 ------------------------------------------------------

OCCASION = "在全市科协系统经验交流会上的发言"
PARAGRAPH = ("我们联合县农业农村局组建茶叶、中药材两个科技服务团，推行“专家+农技协+基地+农户”服务模式，"
             "一年来推广茶园绿色防控、中药材林下仿野生种植等实用技术12项，带动3100余户农户增收。")

# What the secretary types at each question; "" is a bare Enter (keep what is shown).
TYPED = {
    "org_full_name": "安澜县科学技术协会",
    "org_short": "县科协",
    "date": f"{THIS_YEAR}年5月8日",
    "signature": "y",
    "party_brand": "科润安澜",
    "spirit_talks": "26",
    "tech_workers": "8600人",
    "visits": "320",
    "worker_homes": "９",  # full-width, from a Chinese input method
    "proposals": "18",
    "proposals_adopted": "7",
    "industries": "生态茶叶、中药材、竹木精深加工",
    "expert_stations": "4",
    "experts": "23",
    "tech_problems": "37",
    "rural_assocs": "36",
    "rural_members": "4200",
    "courtyards": "2",
    "farmer_training": "1.58万",
    "popsci_events": "486",
    "beneficiaries": "13.8万",
    "literacy_rate": "13.2％",  # the full-width percent sign of a Chinese input method
    "volunteers": "1360",
    "township_total": "12",
    "township_kexie": "12",
    "platform": "“科普安澜”微信公众号",
    "platform_users": "38000",
    "congress_year": "2021年",
    "congress_number": "第八次",
    "committee_meetings": "6",
}


def current_question(t: Terminal, titles: dict) -> object:
    """The question whose screen is showing now, or None once the review screen is up."""
    import time

    deadline = time.monotonic() + t.timeout
    while time.monotonic() < deadline:
        t._read()
        rows = t.display
        if rows and rows[0].startswith("请检查全部"):
            return None
        for number, row in enumerate(rows[1:], 1):
            if row in titles and rows[number - 1].startswith("第 "):
                time.sleep(0.05)
                t._read()
                return titles[row]
        time.sleep(0.05)
    raise AssertionError("既没有题目也没有检查页。屏幕：\n" + "\n".join(t.display))


def test_whole_kexie_interview_at_80x24_keeps_every_instruction_on_screen(start, tmp_path):
    template = load_template("kexie")
    titles = {q.title + ("（必填）" if q.required else ""): q for q in template.questions}
    t = start("kexie")
    t.wait_screen("按 Ctrl-P 回到上一题", "全部答完后有一页总览")
    asked: list[str] = []
    went_back = False
    story = None  # the first paragraph question: a whole paragraph is pasted there
    while (question := current_question(t, titles)) is not None:
        rows = t.display
        assert_instructions(t, question, rows)
        assert len(rows) == 24
        asked.append(question.name)
        name = question.name
        if name == "county":
            t.send("安澜" + ENTER)
            rows = t.wait_screen("请写县（市、区、旗）的全称")
            assert_instructions(t, question, rows)  # the error does not push them away
            assert "请写县（市、区、旗）的全称，以“县”“区”“市”或“旗”结尾，不超过 20 字，例如“安澜县”。" \
                in "".join(rows)
            t.send(CTRL_U + "安澜县" + ENTER)
        elif question.type == "checklist":
            t.send(" ")  # the first measure and the third
            t.send(DOWN + DOWN)
            rows = t.wait_screen("[x]")
            assert_instructions(t, question, rows)
            highlighted = question.choices[2]
            assert squash(highlighted.help) in squash("".join(rows))  # what the measure means
            t.send(" " + ENTER)
        elif name == "study_forms":
            t.paste("党组理论学习中心组专题学习\n“科协讲堂”\n青年科技工作者读书班")
            rows = t.wait_screen("现有 3 项")
            assert_instructions(t, question, rows)
            t.send(ENTER)
            t.send(ENTER)
        elif name == "party_groups":
            t.send("0" + ENTER)
            rows = t.wait_screen("没有这一项就留空")
            assert_instructions(t, question, rows)
            t.send(CTRL_U + "11" + ENTER)
        elif question.type == "textarea" and story is None:
            story = question.title
            t.paste(PARAGRAPH)
            t.send(ENTER)
            t.send(ENTER)
        elif name == "signature" and not went_back:
            went_back = True
            t.send(CTRL_P)  # back to the date…
            wait_question(t, template.question("date"))
            t.send(CTRL_P)  # …and once more, to the occasion
            wait_question(t, template.question("occasion"))
            t.send(CTRL_U + OCCASION + ENTER)
            wait_question(t, template.question("date"))
            t.send(ENTER)  # the date comes round again with its answer: Enter keeps it
            t.expect(f"✔ {template.question('date').caption}：")
            continue  # and the signature question is asked again
        elif question.type == "list" and name in TYPED:
            t.send(TYPED[name] + ENTER + ENTER)
        elif question.type in ("bool", "choice", "multichoice"):
            t.send(ENTER)
        else:
            t.send(TYPED.get(name, "") + ENTER)
        t.expect(f"✔ {question.caption}：")
    assert {"study_forms", "party_groups", "party_brand"} <= set(asked)  # facts of ticked measures
    assert "spirit_talks" not in asked  # a measure not ticked: its facts are not asked

    # The review screen: its instructions stay while the cursor walks the whole list.
    rows = t.wait_screen("请检查全部", KEYS_REVIEW.strip().split(" │ ")[0])
    header = rows[0]
    assert header.startswith("请检查全部")
    seen_story = False
    for _ in range(len(asked) + 12):
        t.send(DOWN, pause=0.1)
        rows = t.wait_screen("请检查全部")
        shown = squash("".join(rows))
        assert rows[0] == header, rows  # the instruction line never scrolls away
        assert squash(KEYS_REVIEW) in shown
        assert "？：" not in shown  # “……哪些工作：理论武装”, not “……哪些工作？：理论武装”
        assert len(rows) == 24
        current = next(row for row in rows if row.startswith("› "))
        if current.startswith(f"› {story}"):
            assert squash(PARAGRAPH) in shown  # the whole paragraph, not 28 characters
            seen_story = True
    assert seen_story
    last = template.question(asked[-1]).title
    assert any(row.startswith(f"› {last}：") for row in rows)  # reached the last answer
    t.send(HOME)
    t.wait_screen("› ✔ 答案无误，生成文稿")
    t.send(ENTER)
    assert t.finish() == 0
    rows = t.display
    assert any("用 Word 或 WPS 打开" in row for row in rows[-6:])

    answers = saved(tmp_path / f"{THIS_YEAR}年县科协“六个坚持”经验交流材料.answers.yaml")
    assert answers["county"] == "安澜县"
    assert answers["occasion"] == OCCASION  # changed after going back two questions
    assert answers["date"] == dt.date(THIS_YEAR, 5, 8)
    assert answers["study_forms"] == ["党组理论学习中心组专题学习", "“科协讲堂”", "青年科技工作者读书班"]
    assert answers["party_groups"] == 11
    assert story is not None and PARAGRAPH in answers.values()
    assert answers["genre"] == "written"  # Enter on a choice keeps its default…
    assert answers["title_style"] == answers["theme"] == ""  # …and leaves an optional one unmade
    # the figures as typed (人, full-width digits, 万, 年, 第…次, ％) wherever the ticks asked them
    figures = {"tech_workers": 8600, "worker_homes": 9, "farmer_training": 15800,
               "beneficiaries": 138000, "literacy_rate": "13.2%", "congress_year": 2021,
               "congress_number": 8, "industries": ["生态茶叶", "中药材", "竹木精深加工"]}
    checked = [name for name in figures if name in asked]
    assert all(answers[name] == figures[name] for name in checked), checked
    assert len(checked) >= 3, asked


# -- regenerating with last year's answers --------------------------------------------------


def enter_through(t: Terminal, template, last: Path) -> list[list[str]]:
    """Press Enter on every screen until the program ends; return the screens that were not
    questions (review, unchanged figures, existing file)."""
    from drafter.interview.answers import read_answers
    from drafter.interview.session import InterviewSession

    session = InterviewSession.open(template, last=read_answers(last), persist=False)
    for question in session.applicable():
        wait_question(t, question)
        t.send(ENTER)
    others = []
    for marker in ("请检查全部", "与去年的答案完全相同"):
        others.append(t.wait_screen(marker))
        t.send(ENTER)
    return others


def test_regenerating_twice_in_one_folder_gives_two_drafts(start, tmp_path):
    last = tmp_path / "去年.yaml"
    shutil.copy(EXAMPLES / "kexie.yaml", last)
    template = load_template("kexie")
    name = f"{THIS_YEAR}年县科协“六个坚持”经验交流材料"

    t = start("kexie", "--answers", "去年.yaml")
    t.wait_screen("每题已按去年的答案填好")
    review, unchanged = enter_through(t, template, last)
    shown = "".join(unchanged)
    count = re.match(r"以下 (\d+) 项与去年的答案完全相同，请逐项核对。", unchanged[0])
    assert count and int(count[1]) > 20, unchanged[0]
    assert "学会、企业科协中建立的党组织和党建工作小组数：11" in shown
    assert "今年有变化的，用空格键选中" in shown
    assert unchanged[-1].strip() == KEYS_TICK.strip()
    assert re.match(r"请检查全部 \d+ 项答案", review[0])
    assert t.finish() == 0
    first = tmp_path / f"{name}.docx"
    assert first.is_file()

    t = start("kexie", "--answers", "去年.yaml")
    enter_through(t, template, last)
    rows = t.wait_screen(f"文件“{name}.docx”已存在", "直接回车即另存为新文件")
    assert f"› 另存为“{name}（2）.docx”" in rows
    t.send(ENTER)
    assert t.finish() == 0
    second = tmp_path / f"{name}（2）.docx"
    assert second.is_file() and first.is_file()
    answers = saved(tmp_path / f"{name}（2）.answers.yaml")
    assert answers["year"] == THIS_YEAR
    before = saved(last)
    assert answers["date"] == before["date"].replace(year=THIS_YEAR)  # moved into this year
    assert answers["popsci_events"] == before["popsci_events"]


# -- lists ----------------------------------------------------------------------------------


def answer_up_to_programmes(t: Terminal, events: str = "12") -> None:
    """The test template's questions before its list, answered plainly."""
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "青川县科学技术协会", ENTER)
    t.answer("单位简称", ENTER)
    t.answer("全年科普活动场次", events, ENTER)
    answer_from_station(t)


def answer_from_station(t: Terminal) -> None:
    t.answer("是否建有院士专家工作站", "n")
    t.answer("获评的示范称号", ENTER)
    t.answer("重点工作领域", " ", ENTER)


def finish_after_activity(t: Terminal) -> int:
    """Enter through the last questions and the review screen; the exit status."""
    t.answer("特色活动介绍", ENTER)
    t.answer("落款日期", ENTER)
    t.wait_screen("请检查全部")
    t.send(ENTER)
    return t.finish()


def test_a_three_line_paste_into_a_list_gives_three_items(start, tmp_path):
    t = start(str(TEMPLATE), "-o", "材料.txt", columns=100, lines=40)
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "青川县科学技术协会", ENTER)
    t.answer("单位简称", ENTER)
    t.answer("全年科普活动场次", "13.8万", ENTER)
    t.expect("请填写 0 到 10000 之间的整数")  # the template's own limit still holds
    t.send(CTRL_U + "120" + ENTER)
    answer_from_station(t)
    t.answer("品牌活动名称")
    t.paste("科技活动周\r\n全国科普日\r\n科普月")
    t.wait_screen("现有 3 项")
    t.send(ENTER)
    t.send(ENTER)
    t.expect("✔ 品牌活动名称：科技活动周、全国科普日、科普月")
    assert "应删去" not in t.screen  # no joined-up item with stray spaces to warn about
    assert finish_after_activity(t) == 0
    assert saved(tmp_path / "材料.answers.yaml")["programmes"] == ["科技活动周", "全国科普日", "科普月"]


def test_editing_the_middle_item_of_a_list_keeps_the_others(start, tmp_path):
    t = start(str(TEMPLATE), "-o", "材料.txt", columns=100, lines=40)
    answer_up_to_programmes(t)
    t.answer("品牌活动名称", "甲活动", ENTER, "乙活动", ENTER, "丙活动", ENTER, ENTER)
    t.answer("特色活动介绍", CTRL_P)  # back to the list: each item on its own line
    rows = t.wait_screen("› 甲活动", "  乙活动", "  丙活动")
    t.send(UP)  # the cursor waits on the empty line after the items: up to 丙, up to 乙
    t.send(UP)
    t.send(CTRL_E + CTRL_U + "乙活动（新）")  # end of line, then clear it: type anew
    t.send(DOWN + DOWN + ENTER)
    t.expect("✔ 品牌活动名称：甲活动、乙活动（新）、丙活动")
    t.answer("特色活动介绍", CTRL_P)
    t.wait_screen("› 甲活动")
    t.send(UP + UP + CTRL_E + CTRL_U)  # clearing the middle item drops that item only
    t.send(DOWN + DOWN + ENTER)
    t.expect("✔ 品牌活动名称：甲活动、丙活动")
    assert finish_after_activity(t) == 0
    assert saved(tmp_path / "材料.answers.yaml")["programmes"] == ["甲活动", "丙活动"]
    assert rows  # the list was shown whole before editing


def test_going_back_two_questions_and_changing_an_answer(start, tmp_path):
    t = start(str(TEMPLATE), "-o", "材料.txt", columns=100, lines=40)
    t.expect("按 Ctrl-P 回到上一题")  # the introduction names the key
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "青川县科技协会", ENTER)
    t.answer("单位简称", CTRL_U + "县科协" + ENTER)
    t.answer("全年科普活动场次", CTRL_P)
    t.wait_screen("第 3/11 题", "› 县科协")
    t.send(CTRL_P)
    t.wait_screen("第 2/11 题", "› 青川县科技协会")
    t.send(CTRL_U + "青川县科学技术协会" + ENTER)
    t.wait_screen("第 3/11 题", "› 县科协")  # the one in between, with its answer
    t.send(ENTER)
    t.wait_screen("第 4/11 题", "全年科普活动场次")
    t.send("5" + ENTER)
    answer_from_station(t)
    t.answer("品牌活动名称", ENTER)
    assert finish_after_activity(t) == 0
    answers = saved(tmp_path / "材料.answers.yaml")
    assert answers["org_full_name"] == "青川县科学技术协会" and answers["org_short"] == "县科协"
    assert answers["events"] == 5


# -- the smaller things ---------------------------------------------------------------------


def test_an_empty_answer_leaves_no_example_that_reads_like_an_answer(start):
    t = start(str(TEMPLATE), "-o", "材料.txt", columns=100, lines=40)
    answer_up_to_programmes(t, events="8")
    t.answer("品牌活动名称", ENTER)
    rows = t.wait_screen("✔ 品牌活动名称：（未填）")
    assert not any("例如" in row for row in rows if row.startswith(("✔", "›")))


def test_error_messages_wrap_at_60_columns(start):
    t = start("kexie", columns=60, lines=24)
    t.answer("材料年份", ENTER)
    t.answer("单位全称", "安澜县科学技术协会", ENTER)
    t.answer("单位简称", "县科协", ENTER)
    t.answer("所在县（市、区）", "安澜", ENTER)
    rows = t.wait_screen("请写县（市、区、旗）的全称")
    message = "请写县（市、区、旗）的全称，以“县”“区”“市”或“旗”结尾，不超过 20 字，例如“安澜县”。"
    assert message in "".join(rows)  # whole, over two rows
    assert squash(KEYS_TEXT) in squash("".join(rows))


def test_defaults_output_carries_the_sample_mark(start, tmp_path):
    t = start("kexie", "--defaults", "--format", "txt")
    assert t.finish() == 0
    assert "这是样稿" in t.screen
    [draft] = tmp_path.glob("*.txt")
    lines = [line.strip() for line in draft.read_text(encoding="utf-8").splitlines() if line]
    assert lines[0].startswith("【样稿】")
    assert any(line.startswith("【样稿】本稿按模板的默认值和示例生成") for line in lines[1:4])
    answers = (tmp_path / f"{draft.stem}.answers.yaml").read_text(encoding="utf-8")
    assert "# 【样稿】" in answers


HELP_COMMANDS = [["new"], ["render"], ["check"], ["format"], ["preview"], ["templates"],
                 ["templates", "list"], ["templates", "show"], ["templates", "new"],
                 ["templates", "check"]]


def test_every_command_help_in_a_terminal_is_chinese(start):
    for argv in HELP_COMMANDS:
        t = start(*argv[1:], "--help", command=argv[0], columns=80, lines=24)
        assert t.finish() == 0
        screen = t.screen
        assert screen.startswith("用法：drafter"), screen[:200]
        assert "选项：" in screen and "显示本帮助并退出" in screen
        for english in ("usage:", "positional arguments", "options:", "show this help"):
            assert english not in screen, (argv, english)
