"""Dated political formulations: the one data file templates and the checker share.

`drafter/data/formulations.yaml` lists events (a meeting, a document, a law,
each with its date and source) and, per key, the wordings that succeeded each
other, each in force from an event. A template asks for the wording current
on the document's date; the checker asks which wordings were already outdated
on that date and why. Dates live only here, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import NamedTuple

DATA_FILE = Path(__file__).parent.parent / "data" / "formulations.yaml"


class Event(NamedTuple):
    key: str
    date: dt.date
    source: str


class Wording(NamedTuple):
    key: str  # the formulation it belongs to, e.g. "party_spirit"
    text: str
    since: Event | None  # None: in force from before anything we record
    until: Event | None  # None: in force until the next wording begins

    def in_force(self, on: dt.date) -> bool:
        return (self.since is None or self.since.date <= on) and (
            self.until is None or on <= self.until.date)


class Outdated(NamedTuple):
    """A wording no longer current on some date, what is current instead, and why."""

    wording: Wording
    current: str | None  # the wording in force on that date; None if retired without successor
    event: Event  # the event that ended it

    @property
    def reason(self) -> str:
        if self.current is None:
            return f"{self.event.source}；此后不宜再作为现行文件引用。"
        return f"{self.event.source}；此后应为“{self.current}”。"


class Formulations(NamedTuple):
    events: dict[str, Event]
    wordings: dict[str, tuple[Wording, ...]]  # key -> successive wordings, oldest first
    literal: frozenset[str]  # keys whose outdated wordings are wrong wherever they appear
    # how sure the checker is that an outdated wording of a literal key is wrong (default medium)
    confidence: dict[str, str]

    def current(self, key: str, on: dt.date) -> str | None:
        """The wording of `key` in force on `on`, or None if we know none for that date."""
        if key not in self.wordings:
            known = "、".join(sorted(self.wordings))
            raise KeyError(f"没有名为“{key}”的时效提法。可用的有：{known}。")
        for wording in reversed(self.wordings[key]):
            if wording.in_force(on):
                return wording.text
        return None

    def ended_by(self, wording: Wording) -> Event | None:
        """The event after which `wording` is no longer current: its own `until`, else the
        start of the wording that followed it; None while nothing has replaced it."""
        if wording.until is not None:
            return wording.until
        sequence = self.wordings[wording.key]
        index = sequence.index(wording)
        later = sequence[index + 1] if index + 1 < len(sequence) else None
        return later.since if later is not None else None

    def outdated(self, on: dt.date) -> list[Outdated]:
        """Every wording that was current once but is not on `on`."""
        found = []
        for key, sequence in self.wordings.items():
            now = self.current(key, on)
            for wording in sequence:
                end = self.ended_by(wording)
                if end is None:
                    continue
                if wording.until is not None and end.date < on or (
                        wording.until is None and end.date <= on):
                    found.append(Outdated(wording, now, end))
        return found

    def plain(self) -> dict:
        """The data as plain values (for drafter's marshal cache); from_plain rebuilds it."""
        return {
            "events": {k: (e.date.toordinal(), e.source) for k, e in self.events.items()},
            "wordings": {k: [(w.text, w.since and w.since.key, w.until and w.until.key)
                             for w in seq] for k, seq in self.wordings.items()},
            "literal": {k: self.confidence.get(k, "medium") for k in sorted(self.literal)},
        }

    @classmethod
    def from_plain(cls, plain: dict) -> Formulations:
        events = {k: Event(k, dt.date.fromordinal(o), s) for k, (o, s) in plain["events"].items()}
        wordings = {k: tuple(Wording(k, text, events.get(since), events.get(until))
                             for text, since, until in seq)
                    for k, seq in plain["wordings"].items()}
        literal = dict(plain["literal"])
        return cls(events, wordings, frozenset(literal), literal)


class FormulationsError(ValueError):
    """The shipped data file is broken: a bug in drafter, not a user error."""


@cache
def load(path: Path = DATA_FILE) -> Formulations:
    """The formulations of `path`, from drafter's cache when this exact file was read before.

    Every render that uses `wording()` needs them; parsing the YAML in pure Python costs
    about 45 ms, reading the cached plain values well under one.
    """
    from drafter.files.cache import cached_file, read_cached, write_cached

    text = path.read_text(encoding="utf-8")
    entry = cached_file("formulations", f"{path}\0{text}".encode("utf-8", "surrogateescape"))
    stored = read_cached(entry)
    if stored is not None:
        try:
            return Formulations.from_plain(stored)
        except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, it is rebuilt
            pass
    formulations = _parse(path, text)
    write_cached(entry, formulations.plain())
    return formulations


def _parse(path: Path, text: str) -> Formulations:
    import yaml

    data = yaml.safe_load(text)
    events = {}
    for key, raw in data["events"].items():
        if not isinstance(raw.get("date"), dt.date) or not raw.get("source"):
            raise FormulationsError(f"{path}: event {key} needs a date and a source")
        events[key] = Event(key, raw["date"], raw["source"])

    def event(name: object, where: str) -> Event | None:
        if name is None:
            return None
        if name not in events:
            raise FormulationsError(f"{path}: {where} names unknown event {name!r}")
        return events[name]

    wordings = {}
    for key, sequence in data["formulations"].items():
        items = tuple(Wording(key, item["text"], event(item.get("since"), key),
                              event(item.get("until"), key)) for item in sequence)
        starts = [w.since.date for w in items if w.since is not None]
        if starts != sorted(starts):
            raise FormulationsError(f"{path}: wordings of {key} are not in date order")
        wordings[key] = items
    raw_literal = data.get("literal") or ()
    literal = frozenset(raw_literal)
    if not literal <= set(wordings):
        raise FormulationsError(f"{path}: literal names unknown keys {sorted(literal - set(wordings))}")
    confidence = dict(raw_literal) if isinstance(raw_literal, dict) else {}
    if not set(confidence.values()) <= {"high", "medium", "low"}:
        raise FormulationsError(f"{path}: literal confidences must be high, medium or low")
    return Formulations(events, wordings, literal, confidence)
