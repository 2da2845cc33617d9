"""Template and style files are parsed once and then read from the cache while unchanged."""

import datetime as dt

import pytest

from drafter.files import yamlio

TEXT = """\
id: 测试
when: 2024-05-08
stamp: 2024-05-08 09:30:00+08:00
items:
  - 一
  - 2
  - true
  - null
nested: {a: 1.5, b: [x, y]}
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(folder))
    return folder


def cached_files(cache):
    return sorted(cache.glob("yaml-*/*.marshal"))


def test_second_load_comes_from_the_cache_with_the_same_data_and_lines(cache, tmp_path,
                                                                       monkeypatch):
    path = tmp_path / "t.yaml"
    path.write_text(TEXT, encoding="utf-8")
    first = yamlio.load_yaml_file(path, "测试文件")
    assert len(cached_files(cache)) == 1

    def no_parsing(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlio, "load_yaml_text", no_parsing)
    second = yamlio.load_yaml_file(path, "测试文件")
    assert second.data == first.data
    assert second.lines == first.lines
    assert second.file == str(path)
    assert second.data["when"] == dt.date(2024, 5, 8)
    assert second.data["stamp"] == first.data["stamp"]
    assert isinstance(second.data["stamp"], dt.datetime)
    assert second.line("nested", "b") == 9


def test_an_edited_file_is_parsed_again(cache, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TEXT, encoding="utf-8")
    yamlio.load_yaml_file(path, "测试文件")
    path.write_text(TEXT.replace("测试", "改过"), encoding="utf-8")
    assert yamlio.load_yaml_file(path, "测试文件").data["id"] == "改过"


def test_a_damaged_cache_file_is_parsed_again(cache, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TEXT, encoding="utf-8")
    expected = yamlio.load_yaml_file(path, "测试文件").data
    for cached in cached_files(cache):
        cached.write_bytes(b"\x00garbage")
    assert yamlio.load_yaml_file(path, "测试文件").data == expected


def test_errors_are_reported_every_time_and_never_cached(cache, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(yamlio.YamlProblem) as caught:
            yamlio.load_yaml_file(path, "测试文件")
        assert caught.value.problem.line is not None
    assert cached_files(cache) == []
