"""Every example's full text and docx body match the checked-in golden documents.

A failure here means a draft changed. If the change is intended, run
`python tests/golden.py`, read the diff of tests/golden/ and commit it.
"""

import difflib

import pytest
from golden import GOLDEN, examples, render_example

REGENERATE = "如果这一改动是有意的，请运行 python tests/golden.py 重新生成，并在提交中审阅差异。"


@pytest.mark.parametrize("example", examples(), ids=lambda p: p.stem)
def test_example_matches_its_golden_documents(example):
    for name, text in render_example(example).items():
        path = GOLDEN / name
        assert path.is_file(), f"缺少金样文件 tests/golden/{name}。{REGENERATE}"
        golden = path.read_text(encoding="utf-8")
        if text != golden:
            diff = "".join(list(difflib.unified_diff(
                golden.splitlines(True), text.splitlines(True),
                f"tests/golden/{name}", "rendered now"))[:60])
            pytest.fail(f"{name} 与金样不同。{REGENERATE}\n{diff}")


def test_every_golden_file_belongs_to_an_example():
    names = {f"{e.stem}{suffix}" for e in examples() for suffix in (".md", ".document.xml")}
    strays = sorted(p.name for p in GOLDEN.iterdir() if p.name not in names)
    assert not strays, f"没有对应示例的金样文件：{strays}。{REGENERATE}"
