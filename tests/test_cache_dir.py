"""drafter's cache folder holds only current data: an upgrade's leftovers are removed."""

from drafter.cache import cache_dir


def test_a_new_fingerprint_removes_the_old_folders_of_its_kind_only(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    old = cache_dir("yaml", "a" * 16)
    (old / "x.marshal").write_bytes(b"old")
    other_kind = cache_dir("rules", "a" * 16)
    unrelated = tmp_path / "yaml-notes"
    unrelated.mkdir()
    a_file = tmp_path / f"yaml-{'c' * 16}"
    a_file.write_text("not a folder", encoding="utf-8")

    new = cache_dir("yaml", "b" * 16)

    assert new.is_dir() and not old.exists()
    assert other_kind.is_dir() and unrelated.is_dir() and a_file.is_file()
    assert cache_dir("yaml", "b" * 16) == new  # an existing folder is simply used


def test_a_file_where_the_folder_should_be_means_no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    (tmp_path / f"docx-{'d' * 16}").write_text("x", encoding="utf-8")
    assert cache_dir("docx", "d" * 16) is None
