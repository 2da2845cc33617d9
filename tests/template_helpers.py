"""A one-question template folder written on the spot, for tests of how templates are read."""

from __future__ import annotations

import textwrap
from pathlib import Path

ONE_QUESTION = textwrap.dedent("""\
    questions:
      - name: org
        label: 单位名称
        required: true
    """)
OUTLINE = "# {{ org }}材料\n\n{{ org }}认真履行职责。\n"


def write_template(root: Path, name: str = "tpl", meta: str = "", questions: str = ONE_QUESTION,
                   outline: str = OUTLINE) -> Path:
    """root/name with template.yaml (id `name`, plus `meta` lines), questions.yaml, outline.j2."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text(f"id: {name}\ntitle: 测试\noutput: 测试材料\n{meta}",
                                          encoding="utf-8")
    (folder / "questions.yaml").write_text(questions, encoding="utf-8")
    (folder / "outline.j2").write_text(outline, encoding="utf-8")
    return folder
