"""The proofreader's fast paths never change a finding: the rule cache, lazy regexes, needles."""

import json
import marshal
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from drafter.check import check_text, engine
from drafter.check import rules as rules_module
from drafter.check.rules import RulesError, han_shadow, load_rules, needles_of

DATA = Path(__file__).parent / "data" / "check"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of its own, and no rule set remembered in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(folder))
    load_rules.cache_clear()
    yield folder
    load_rules.cache_clear()


def cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*/*.marshal"))


def write_rules(folder: Path, right: str = "科普大篷车") -> Path:
    path = folder / "extra.yaml"
    path.write_text(textwrap.dedent(f"""\
        category: conversion
        rules:
          - id: local-word
            wrong: 科普大蓬车
            right: {right}
            confidence: high
            reason: “篷”写成了“蓬”。
    """), encoding="utf-8")
    return path


# ---------------------------------------------------------------- disk cache


def test_second_load_comes_from_the_cache_and_equals_the_first(cache, monkeypatch):
    cold = load_rules()
    assert len(cached_files(cache)) == 1
    load_rules.cache_clear()
    monkeypatch.setattr(rules_module, "_validated", lambda sources: pytest.fail("YAML read again"))
    warm = load_rules()
    assert warm.rules == cold.rules
    assert warm.literal_index == cold.literal_index
    assert warm.literal_source == cold.literal_source


def test_warm_cache_gives_the_same_findings(cache):
    text = "\n".join([(DATA / "damaged.txt").read_text(encoding="utf-8"),
                      (DATA / "lookalikes.txt").read_text(encoding="utf-8")])
    cold = check_text(text)
    load_rules.cache_clear()
    assert check_text(text) == cold


@pytest.mark.parametrize("content", [b"", b"\x00garbage", marshal.dumps([1, 2]),
                                     marshal.dumps([{"id": "x"}])],
                         ids=["empty", "garbage", "wrong-shape", "missing-fields"])
def test_a_corrupt_cache_file_is_rebuilt_silently(cache, content):
    good = load_rules()
    [path] = cached_files(cache)
    path.write_bytes(content)
    load_rules.cache_clear()
    assert load_rules().rules == good.rules
    assert path.read_bytes() not in (b"", content)  # and written good again


def test_an_unusable_cache_folder_only_costs_time(cache):
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("a file where the folder should be", encoding="utf-8")
    assert len(load_rules().rules) > 90


def test_an_edited_rule_file_is_read_again(cache, tmp_path):
    path = write_rules(tmp_path)
    assert [f.fix for f in check_text("科普大蓬车", rules=(str(path),))] == ["科普大篷车"]
    write_rules(tmp_path, right="科普大棚车")
    load_rules.cache_clear()
    assert [f.fix for f in check_text("科普大蓬车", rules=(str(path),))] == ["科普大棚车"]
    assert len(cached_files(cache)) == 2


def test_a_broken_rule_file_is_reported_every_time_and_never_cached(cache, tmp_path):
    load_rules()
    path = tmp_path / "bad.yaml"
    path.write_text("rules:\n  - id: bad\n    regex: '(x'\n", encoding="utf-8")
    messages = []
    for _ in range(2):
        load_rules.cache_clear()
        with pytest.raises(RulesError) as info:
            load_rules((str(path),))
        messages.append(info.value.message)
    assert messages[0] == messages[1]
    assert f"{path}:3" in messages[0]
    assert len(cached_files(cache)) == 1  # the built-in set only


PROBE = """
import json, sys
import drafter.check
drafter.check.check_text("为群众效劳")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"yaml", "jinja2", "docx"})))
"""


def test_a_warm_run_imports_no_yaml(tmp_path):
    env = {**os.environ, "DRAFTER_CACHE_DIR": str(tmp_path)}

    def imported() -> list[str]:
        result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                                check=True, env=env)
        return json.loads(result.stdout)

    assert imported() == ["yaml"]
    assert imported() == []


# ---------------------------------------------------------------- lazy regexes


def test_only_the_regexes_a_text_could_match_are_compiled(monkeypatch):
    ruleset = load_rules()
    seen = []
    compile_once = rules_module.compiled

    def recording(source):
        seen.append(source)
        return compile_once(source)

    monkeypatch.setattr(rules_module, "compiled", recording)
    check_text("县科协坚持为群众效劳。")
    lines = engine.Lines("县科协坚持为群众效劳。")
    admitted = {r.source for r in ruleset.rules if r.source and engine._admits(r, lines)}
    assert set(seen) == admitted | {ruleset.literal_source}
    assert len(admitted) < len([r for r in ruleset.rules if r.source]) // 2


def test_the_shadow_is_made_only_when_a_needle_needs_it():
    by_id = load_rules().by_id
    lines = engine.Lines("中文,中文。")
    assert engine._admits(by_id["halfwidth-comma"], lines)  # needle “,”
    assert not engine._admits(by_id["halfwidth-question-mid"], lines)  # needle ideograph + “?”
    assert "shadow" not in vars(lines)
    lines = engine.Lines("中文?")
    assert engine._admits(by_id["halfwidth-question-mid"], lines)
    assert "shadow" in vars(lines)


# ---------------------------------------------------------------- needles


@pytest.mark.parametrize(("pattern", "needles"), [
    ("决胜全面", {"决胜全面"}),
    ("甲乙|丙丁", {"甲乙", "丙丁"}),
    ("(?:甲|乙)?丙", {"丙"}),
    ("(?:甲乙)?丙?", None),
    ("甲|乙*", None),
    ("(?:坚决|全力)打赢", {"坚决打赢", "全力打赢"}),
    ("[，。]{2}", {"，，", "，。", "。，", "。。"}),
    ("。{3,}|…", {"。。。", "…"}),
    ("x{2,5}y", {"xxy"}),  # a repeat ends with its minimum, right before what follows
    ("(?:ab){0}c", {"c"}),
    # lookarounds: their text is in the text too, right before or after the match
    ("(?<=，)好", {"，好"}),
    ("(?<=ab)c", {"abc"}),
    ("(?=ab)a", {"ab"}),
    ("[，、](?=[。？])", {"，。", "，？", "、。", "、？"}),
    ("(?<=[甲乙])-+(?=丙)", {"-丙"}),
    ("(?<=a.)b", {"a"}),
    ("(?<!x)，(?!y)", {"，"}),
    # what tells nothing
    (r"([，、])\1+", {"，", "、"}),
    (r"^\d+、", {"、"}),
    ("[^a]b?", None),
    (r"\d+", None),
    ("[一-龥]", None),
    ("(?i)abc", None),
    ("(?i:ab)c", {"c"}),
    ("a.b", {"a"}),
])


def test_needles_are_read_from_the_parse_tree(pattern, needles):
    assert needles_of(pattern) == (frozenset(needles) if needles is not None else None)


def test_a_needle_of_ideographs_alone_is_the_last_choice():
    sentinel = rules_module.HAN_SENTINEL
    needles = needles_of(f"(?<=[{sentinel}]) +(?=[{sentinel}])")
    assert needles and all(" " in needle for needle in needles)


def _pattern_rules():
    return [r for r in load_rules().rules if r.source]


def _target(rule, text: str) -> str:
    return han_shadow(text) if rule.on_shadow else text


@pytest.mark.parametrize("rule", _pattern_rules(), ids=lambda r: r.id)
def test_needles_admit_every_flag_example(rule):
    for sentence in rule.examples_flag:
        assert rule.needles is None or any(n in _target(rule, sentence) for n in rule.needles)
        assert engine._admits(rule, engine.Lines(sentence))


def _corpus() -> list[str]:
    texts = [(DATA / name).read_text(encoding="utf-8") for name in ("damaged.txt", "lookalikes.txt")]
    for rule in load_rules().rules:
        texts += [*rule.examples_flag, *rule.examples_silent]
    return texts


def test_a_rule_is_skipped_only_where_it_cannot_match():
    for text in _corpus():
        lines = engine.Lines(text)
        for rule in _pattern_rules():
            if rule.pattern.search(_target(rule, text)):
                assert engine._admits(rule, lines), (rule.id, text)


def test_skipping_changes_no_finding(monkeypatch):
    texts = _corpus()
    texts.append("\n".join(texts))
    fast = [check_text(t) for t in texts]
    monkeypatch.setattr(engine, "_admits", lambda rule, lines: True)
    assert [check_text(t) for t in texts] == fast
