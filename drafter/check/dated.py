"""Outdated wordings from the shared file of dated formulations, found wherever they stand.

drafter/data/formulations.yaml says which wordings replaced which, from which
event; its `literal` keys are those whose old wordings are wrong in any context
(以习近平同志为总书记的党中央, 全国科普日 in a text of 2026). The templates read the
same file for the wording current on a draft's date, so the two cannot disagree.
Context-dependent changes (十四五 as the current plan, 小康 still to be achieved)
stay rules in check/rules/formulation.yaml that name an event of that file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from drafter.check.dates import DocDate
from drafter.render.formulations import Event, Formulations, Outdated, Wording


class DatedHit(NamedTuple):
    start: int
    end: int
    key: str
    outdated: Outdated
    confidence: str  # before the checker's guards


@dataclass(frozen=True)
class DatedSet:
    """The literal keys' wordings that some event ended, ready to be searched for."""

    formulations: Formulations | None

    @classmethod
    def load(cls) -> DatedSet:
        from drafter.render.formulations import load

        return cls(load())

    @cached_property
    def ended(self) -> dict[str, tuple[Wording, Event]]:
        """Text of each ended wording of a literal key -> (the wording, the event ending it)."""
        if self.formulations is None:
            return {}
        found = {}
        for key in sorted(self.formulations.literal):
            for wording in self.formulations.wordings[key]:
                event = self.formulations.ended_by(wording)
                if event is not None:
                    found[wording.text] = (wording, event)
        return found

    @cached_property
    def pattern(self) -> re.Pattern | None:
        texts = sorted(self.ended, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, texts))) if texts else None

    def hits(self, text: str, date: DocDate) -> list[DatedHit]:
        """Where the text uses a wording already replaced on `date`.

        When the document's known period contains the change (a text of 2025 only,
        and the change in October 2025) the hit is a low hint.
        """
        if self.pattern is None or not any(t[0] in text for t in self.ended):
            return []
        found = []
        for match in self.pattern.finditer(text):
            wording, event = self.ended[match.group()]
            order = date.compare(event.date)
            if order < 0:
                continue
            base = self.formulations.confidence.get(wording.key, "medium")
            current = self.formulations.current(wording.key, date.last_day)
            found.append(DatedHit(match.start(), match.end(), wording.key,
                                  Outdated(wording, current, event),
                                  "low" if order == 0 else base))
        return found

    def earlier_current(self, key: str, date: DocDate) -> str | None:
        """The wording current at the start of the document's period if it differs from the
        one at its end (a text dated only 2025: 二中、三中全会精神 until October)."""
        first = self.formulations.current(key, date.first_day)
        return first if first != self.formulations.current(key, date.last_day) else None

    def plain(self) -> dict | None:
        return self.formulations.plain() if self.formulations is not None else None

    @classmethod
    def from_plain(cls, plain: dict | None) -> DatedSet:
        return cls(Formulations.from_plain(plain) if plain is not None else None)
