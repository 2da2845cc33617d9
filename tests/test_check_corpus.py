"""On clean official prose the checker raises nothing that matters: no high-confidence
finding, no suspected substitution artefact or outdated formulation at any confidence."""

import datetime as dt
import re
from pathlib import Path

import pytest

from drafter.check import check_text
from drafter.check.source import read_source

CLEAN = Path(__file__).parent / "data" / "clean"
FILES = sorted(p for p in CLEAN.glob("*.md") if p.name != "PROVENANCE.md")


def date_of(path: Path) -> dt.date:
    return dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", path.name).group())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_clean_official_prose_has_no_high_and_no_word_level_findings(path):
    findings = check_text(read_source(path), date=date_of(path))
    assert [(f.rule, f.text, f.line) for f in findings if f.confidence == "high"] == []
    assert [(f.rule, f.text, f.line) for f in findings
            if f.category in ("conversion", "formulation")] == []


def test_every_corpus_file_is_listed_in_the_provenance():
    provenance = (CLEAN / "PROVENANCE.md").read_text(encoding="utf-8")
    assert FILES and all(f"| {path.name} |" in provenance for path in FILES)


def test_the_corpus_holds_at_least_fifty_thousand_characters():
    assert sum(len(path.read_text(encoding="utf-8")) for path in FILES) >= 50_000
