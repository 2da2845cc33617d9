"""Inputs for the benchmarks, built once per run in a scratch folder (not timed).

- N answers files: the 科协 example with a different county, organisation and
  figures in each, so every file yields its own output name and text.
- The same documents as docxtpl contexts and as Markdown for pandoc: their
  paragraphs come from drafter's own rendering, so all three tools lay out
  exactly the same content. (This favours docxtpl and pandoc: they are handed
  finished sentences and do none of the template logic.)
- A docxtpl template and a pandoc reference document made from drafter's
  output, so all three use the same page setup and Word styles.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bench_lib import EXAMPLE, TEMPLATE, child_env, drafter_command

ROLE_OF = {"title": "title", "subtitle": "subtitle", "paragraph": "body",
           "signature": "signature", "date": "date"}


def answers_files(folder: Path, count: int) -> list[Path]:
    """count answers files derived from the example, each for a different county."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        answers = dict(data["answers"])
        county = f"安澜{i:03d}县"
        answers.update(
            county=county,
            org_full_name=f"{county}科学技术协会",
            org_short=f"{county}科协",
            popsci_events=400 + i,
            tech_workers=8000 + 7 * i,
            visits=300 + i % 50,
        )
        path = folder / f"{i:03d}.yaml"
        path.write_text(yaml.safe_dump({**data, "answers": answers}, allow_unicode=True,
                                       sort_keys=False), "utf-8")
        paths.append(path)
    return paths


def documents(paths: list[Path]):
    """drafter Documents for the answers files, via the library (setup, not timed)."""
    from drafter.interview.answers import read_answers
    from drafter.render.engine import make_environment
    from drafter.render.pipeline import draft_from_answers
    from drafter.templates.loader import load_template

    template = load_template(TEMPLATE)
    env = make_environment(template)
    return [draft_from_answers(template, read_answers(p), env=env).document for p in paths]


def docxtpl_context(document) -> dict:
    blocks = []
    for block, number in document.numbered():
        role = f"heading{block.level}" if block.kind == "heading" else ROLE_OF[str(block.kind)]
        blocks.append({"role": role, "text": number + block.text})
    return {"title": document.title, "blocks": blocks}


def write_contexts(path: Path, docs) -> Path:
    path.write_text(json.dumps([docxtpl_context(d) for d in docs], ensure_ascii=False), "utf-8")
    return path


def write_markdown(folder: Path, docs) -> list[Path]:
    from drafter.writers.text import to_markdown

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, document in enumerate(docs):
        path = folder / f"{i:03d}.md"
        path.write_text(to_markdown(document), "utf-8")
        paths.append(path)
    return paths


def reference_docx(work: Path) -> Path:
    """drafter's own rendering of the example: pandoc's reference doc and docxtpl's base."""
    out = work / "drafter-example.docx"
    subprocess.run([*drafter_command(), "render", TEMPLATE, "--answers", str(EXAMPLE), "-o",
                    str(out), "--force"], check=True, env=child_env(), capture_output=True)
    return out


def docxtpl_template(reference: Path, out: Path) -> Path:
    """A docxtpl template with drafter's styles: one styled paragraph per block role."""
    import docx

    from drafter.writers.styles import load_profile

    profile = load_profile("gongwen")
    document = docx.Document(str(reference))
    body = document.element.body
    for paragraph in list(document.paragraphs):
        body.remove(paragraph._element)
    roles = ["title", "subtitle", "heading1", "heading2", "heading3", "heading4", "body",
             "signature", "date"]
    document.add_paragraph("{%p for b in blocks %}")
    for i, role in enumerate(roles):
        keyword = "if" if i == 0 else "elif"
        document.add_paragraph(f"{{%p {keyword} b.role == '{role}' %}}")
        document.add_paragraph("{{ b.text }}", style=profile.style(role).name)
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    document.save(str(out))
    return out
