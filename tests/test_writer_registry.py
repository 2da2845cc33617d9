"""Output formats come from one registry: a new format is one entry and one writer function."""

import pytest

from drafter import writers
from drafter.cli import main
from drafter.document.model import Document
from drafter.errors import UserError
from drafter.writers import Format, for_output

REPO_EXAMPLE = "examples/kexie.yaml"


def write_shout(document: Document, options) -> tuple[bytes, list[str]]:
    """A trivial writer: the title and headings, one per line."""
    lines = [document.title] + [block.text for block in document.headings()]
    return "\n".join(lines).encode("utf-8"), ["喊出来了"]


@pytest.fixture
def shout(monkeypatch):
    fmt = Format("shout", "提纲", (".shout",), False, f"{__name__}:write_shout")
    monkeypatch.setitem(writers.FORMATS, "shout", fmt)
    return fmt


def test_a_registered_format_is_chosen_by_suffix_and_by_name(shout):
    assert for_output("提纲.shout", None) is shout
    assert for_output("提纲.txt", "shout") is shout
    assert for_output("-", None).name == "txt"


def test_a_registered_format_renders_through_the_cli(shout, tmp_path, capsys):
    from conftest import REPO

    out = tmp_path / "提纲.shout"
    assert main(["render", "kexie", "--answers", str(REPO / REPO_EXAMPLE), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8").splitlines()
    golden = (REPO / "tests" / "golden" / "kexie.md").read_text(encoding="utf-8").split("\n")[0]
    assert text[0] == golden.removeprefix("# ")
    assert len(text) == 7  # the title and six level-1 headings
    assert "提示：喊出来了" in capsys.readouterr().err

    assert main(["render", "kexie", "--answers", str(REPO / REPO_EXAMPLE), "--format", "shout",
                 "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith(text[0])


def test_binary_formats_are_refused_on_the_screen(monkeypatch):
    monkeypatch.setitem(writers.FORMATS, "blob",
                        Format("blob", "二进制", (".blob",), True, f"{__name__}:write_shout"))
    with pytest.raises(UserError) as caught:
        writers.ensure_printable(writers.get("blob"))
    assert caught.value.message.startswith("blob 是二进制文件，不能输出到屏幕。请用 -o 文件名.blob")


def test_an_unknown_suffix_lists_the_registered_endings():
    with pytest.raises(UserError) as caught:
        for_output("材料.pdf", None)
    assert caught.value.message == ("无法从文件名 材料.pdf 判断输出格式。请用 .docx、.md、.txt、.html "
                                    "结尾，或加 --format docx|md|txt|html。")
