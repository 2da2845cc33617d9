"""A checklist in `drafter new`: each measure's one-line description on screen, and a
measure's facts asked only after it is ticked."""

from __future__ import annotations

import sys
import textwrap

import pytest
import yaml
from pty_helpers import DOWN, ENTER, SPACE, Terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def test_checklist_shows_descriptions_and_asks_only_ticked_facts(tmp_path):
    folder = tmp_path / "tick"
    folder.mkdir()
    (folder / "template.yaml").write_text("id: tick\ntitle: 做法清单测试\n", encoding="utf-8")
    (folder / "questions.yaml").write_text(textwrap.dedent("""\
        questions:
          - name: s1_done
            type: checklist
            label: 一年来确实做了哪些工作
            choices:
              - {value: visits, label: 走访慰问, help: 班子成员到一线走访慰问科技工作者}
              - {value: homes, label: 科技工作者之家, help: 建设科技工作者之家}
          - name: visit_count
            type: int
            label: 走访人次
            measure: visits
          - name: home_count
            type: int
            label: 之家个数
            measure: homes
        """), encoding="utf-8")
    (folder / "outline.j2").write_text(textwrap.dedent("""\
        # 测试

        {% if did("visits") %}走访{{ visit_count }}人次。{% endif %}

        {% if did("homes") %}建成{{ home_count }}个。{% endif %}
        """), encoding="utf-8")
    terminal = Terminal([str(folder), "-o", "稿.md"], cwd=tmp_path, state_dir=tmp_path / "state")
    try:
        terminal.expect("一年来确实做了哪些工作")
        terminal.expect("只勾选确实做了的工作")
        terminal.expect("班子成员到一线走访慰问科技工作者")  # the highlighted measure's description
        terminal.send(DOWN)
        terminal.expect("建设科技工作者之家")
        terminal.send(SPACE + ENTER)  # tick only the second measure
        terminal.answer("之家个数", "9", ENTER)
        terminal.expect("请检查全部")
        assert "走访人次" not in terminal.screen  # the unticked measure's fact is never asked
        terminal.send(ENTER)
        assert terminal.finish() == 0
    finally:
        terminal.close()
    assert (tmp_path / "稿.md").read_text(encoding="utf-8").count("建成9个。") == 1
    saved = yaml.safe_load((tmp_path / "稿.answers.yaml").read_text(encoding="utf-8"))["answers"]
    assert saved["s1_done"] == ["homes"] and saved["home_count"] == 9
    assert "visit_count" not in saved
