"""The shared data file of dated formulations: current wording by date, outdated wording with its source."""

import datetime as dt

import pytest

from drafter.render.formulations import load


@pytest.mark.parametrize(("on", "expected"), [
    ("2023-03-01", "党的二十大精神"),
    ("2024-07-18", "党的二十大和二十届二中、三中全会精神"),
    ("2025-10-22", "党的二十大和二十届二中、三中全会精神"),
    ("2025-10-23", "党的二十大和二十届历次全会精神"),
    ("2026-09-01", "党的二十大和二十届历次全会精神"),
])
def test_party_spirit_follows_the_plenums(on, expected):
    assert load().current("party_spirit", dt.date.fromisoformat(on)) == expected


def test_plan_period_and_popsci_month_change_with_the_date():
    f = load()
    assert f.current("plan_period", dt.date(2025, 12, 31)) == "十四五"
    assert f.current("plan_period", dt.date(2026, 1, 1)) == "十五五"
    assert f.current("popsci_national_event", dt.date(2024, 9, 1)) == "全国科普日"
    assert f.current("popsci_national_event", dt.date(2026, 9, 1)) == "全国科普月"


def test_a_date_before_anything_recorded_has_no_wording():
    assert load().current("party_spirit", dt.date(2021, 5, 1)) is None


def test_an_expired_plan_is_not_current_after_its_end():
    f = load()
    assert f.current("youth_plan", dt.date(2025, 12, 31)) == "中长期青年发展规划（2016—2025年）"
    assert f.current("youth_plan", dt.date(2026, 1, 1)) is None
    expired = [o for o in f.outdated(dt.date(2026, 1, 1)) if o.wording.key == "youth_plan"]
    assert expired and expired[0].current is None and "2025年底" in expired[0].reason


def test_outdated_names_the_wording_current_on_the_date_and_the_event():
    outdated = {o.wording.text: o for o in load().outdated(dt.date(2026, 9, 1))}
    old = outdated["党的二十大精神"]
    assert old.current == "党的二十大和二十届历次全会精神"
    assert old.event.date == dt.date(2024, 7, 18) and "三中全会" in old.event.source
    assert "全国科普日" in outdated and "以习近平同志为核心的党中央" not in outdated


def test_unknown_key_is_named_with_the_known_ones():
    with pytest.raises(KeyError, match="party_spirit"):
        load().current("no_such_key", dt.date(2026, 1, 1))


def test_ended_by_names_the_event_that_replaced_a_wording():
    f = load()
    first, second, third = f.wordings["party_spirit"]
    assert f.ended_by(first).key == "plenum_20_3"
    assert f.ended_by(second).key == "plenum_20_4"
    assert f.ended_by(third) is None
    assert f.ended_by(f.wordings["youth_plan"][0]).key == "youth_plan_2016_expired"


def test_the_plain_form_rebuilds_the_same_data():
    """The checker keeps the file in drafter's cache as plain values, so a warm run reads no YAML."""
    from drafter.render.formulations import Formulations

    f = load()
    again = Formulations.from_plain(f.plain())
    assert again == f and again.confidence == f.confidence
    on = dt.date(2026, 9, 1)
    assert again.current("party_spirit", on) == f.current("party_spirit", on)
    assert [o.wording.text for o in again.outdated(on)] == [o.wording.text for o in f.outdated(on)]


# ---------------------------------------------------------------- disk cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of its own, and nothing remembered in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(folder))
    load.cache_clear()
    yield folder
    load.cache_clear()


def test_a_second_process_reads_the_cache_not_the_yaml(cache, monkeypatch):
    """Every render that says wording() needs the file; a warm run must not parse its YAML."""
    from drafter.render import formulations

    cold = load()
    assert len(list(cache.glob("formulations-*/*.marshal"))) == 1
    load.cache_clear()
    monkeypatch.setattr(formulations, "_parse", lambda path, text: pytest.fail("YAML parsed again"))
    warm = load()
    assert warm == cold and warm.confidence == cold.confidence


def test_an_edited_file_is_parsed_again(cache, tmp_path):
    from drafter.render.formulations import DATA_FILE

    copy = tmp_path / "formulations.yaml"
    text = DATA_FILE.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    assert load(copy).current("plan_period", dt.date(2026, 1, 1)) == "十五五"
    load.cache_clear()
    copy.write_text(text.replace("十五五", "十五五规划"), encoding="utf-8")
    assert load(copy).current("plan_period", dt.date(2026, 1, 1)) == "十五五规划"


@pytest.mark.parametrize("content", [b"", b"\x00garbage"], ids=["empty", "garbage"])
def test_a_damaged_cache_file_is_parsed_again(cache, content):
    good = load()
    [entry] = cache.glob("formulations-*/*.marshal")
    entry.write_bytes(content)
    load.cache_clear()
    assert load() == good
    assert entry.read_bytes() not in (b"", content)


def test_a_cache_entry_of_the_wrong_shape_is_parsed_again(cache):
    from drafter.files.cache import write_cached

    good = load()
    [entry] = cache.glob("formulations-*/*.marshal")
    write_cached(entry, {"events": [1, 2]})
    load.cache_clear()
    assert load() == good
