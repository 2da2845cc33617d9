"""The writer's LibreOffice script tables are code point ranges (a regex class of them cost
~10 ms to compile at every import); they must say exactly what the classes said."""

import re

import pytest

from drafter.writers import wordxml

# The character classes the ranges replaced, as they were written.
CLASSES = {
    "_LO_ASIAN": "[\u2e80-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]",
    "_LO_WEAK": "[\x01\x02 \u00a0\u02c7\u02ca\u02cb\u02d9\u0300-\u036f\u2000-\u2bff"
                "\ufe00-\ufe1f\U0001f000-\U0001faff]",
    "_LO_LATIN": "[\x00-\u058f\u10a0-\u10ff\u13a0-\u16ff\u1e00-\u1fff\u2c60-\u2ce3"
                 "\ua720-\ua7ff\ufb00-\ufb06]",
}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_ranges_agree_with_the_character_class_on_every_code_point(name):
    pattern = re.compile(CLASSES[name])
    ranges = getattr(wordxml, name)
    differ = [hex(code) for code in range(0x110000)
              if bool(pattern.match(chr(code))) != wordxml._in_ranges(chr(code), ranges)]
    assert differ == []


def test_latin_spans_after_latin_text_and_at_paragraph_start():
    """The rare branch the tables serve: “ after a Latin letter or at the start, skipping
    spaces, goes to the Latin font in LibreOffice; after an ideograph it does not."""
    assert wordxml.libreoffice_latin_spans("“开头”") == [(0, 1)]
    assert wordxml.libreoffice_latin_spans("A “引号”") == [(2, 3)]
    assert wordxml.libreoffice_latin_spans("汉 “引号”") == []
