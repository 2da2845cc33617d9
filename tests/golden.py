"""Golden documents: every example rendered to Markdown and to the docx body.

The checked-in files under tests/golden/ pin the full text and the docx's
`word/document.xml` of every `examples/*.yaml`. After an intended change to a
template, the writer or a style profile, regenerate them and review the diff
in the commit:

    python tests/golden.py

`python tests/golden.py --check` only reports which files differ.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def _readable_xml(xml: str) -> str:
    """One paragraph per line, so a reviewed diff shows which paragraph changed."""
    return re.sub(r"(?=<w:p[ >])|(?=<w:sectPr[ >])|(?=</w:body>)", "\n", xml).rstrip() + "\n"


def render_example(example: Path) -> dict[str, str]:
    """File name under tests/golden/ → expected content, for one example answers file."""
    from drafter.interview.answers import read_answers
    from drafter.render.pipeline import document_bytes, draft_from_answers
    from drafter.templates.loader import load_template

    answers = read_answers(example)
    template = load_template(answers.template_id)
    draft = draft_from_answers(template, answers)
    markdown, _ = document_bytes(draft, "md")
    docx, _ = document_bytes(draft, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    return {
        f"{example.stem}.md": markdown.decode("utf-8"),
        f"{example.stem}.document.xml": _readable_xml(body),
    }


def expected() -> dict[str, str]:
    files: dict[str, str] = {}
    for example in examples():
        files.update(render_example(example))
    return files


def main(argv: list[str]) -> int:
    files = expected()
    if "--check" in argv:
        stale = [name for name, text in files.items()
                 if not (GOLDEN / name).is_file()
                 or (GOLDEN / name).read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"differs: tests/golden/{name}")
        return 1 if stale else 0
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.iterdir():
        if old.name not in files:
            old.unlink()
            print(f"removed: tests/golden/{old.name}")
    for name, text in files.items():
        path = GOLDEN / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"written: tests/golden/{name}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
