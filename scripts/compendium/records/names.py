"""How people name a term: its id, its label, the other names editors list, and common abbreviations.

One measure of "did you mean" for validate, ``compendium new`` and the Submit form (whose script
receives :data:`ABBREVIATIONS` and :data:`STOP_WORDS` and applies the same steps; a browser test holds
the two to the same answers). Edit distances come from RapidFuzz (C++), not a hand-written loop.

A name is compared by its *key*: case, accents, punctuation and hyphens aside, abbreviated words
written out (``Fresno Co.``, ``fresno-cnty`` and ``Fresno County`` share the key ``fresno county``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

ABBREVIATIONS = {
    "co": "county",
    "cnty": "county",
    "cty": "county",
    "wdb": "workforce development board",
    "wib": "workforce investment board",
    "wda": "workforce development area",
    "lwda": "workforce development area",
    "rpu": "regional planning unit",
    "cc": "community college",
    "ccd": "community college district",
    "coe": "county office of education",
    "ae": "adult education",
}
"""Abbreviated words and what they stand for, in every name compared. Place names (LA, SLO) are no
word-level abbreviation: the vocabulary lists them as a region's ``aliases``."""
STOP_WORDS = frozenset({"the", "of", "and"})
"""Words left out when names are compared word by word: 'County of Fresno' is 'Fresno County'."""
MAX_NAME = 120
"""Longer input is compared by its first this many characters (a label is at most 120)."""

SAME = 90
"""How similar (RapidFuzz's ratio, 0-100) a new term's name may be to a term's name before it is the
same term misspelt: 'Fresno Conty' is Fresno County; 'Fresno City' (83) is another place."""
REORDERED = 90
"""How similar two names of several words must be, words sorted, for one to suggest the other."""

_DROPPED = re.compile(r"['\u2019.]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")
_LETTER_NUMBER = re.compile(r"\b([a-z]) (\d+)\b")


def key(text: str, expand: bool = True) -> str:
    """``text`` as it is compared: lower case, no accents or punctuation, abbreviations written out
    (unless not ``expand``), words separated by single spaces."""
    folded = unicodedata.normalize("NFKD", text[:MAX_NAME]).casefold()
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _SEPARATORS.sub(" ", _DROPPED.sub("", folded.replace("&", " and "))).strip()
    folded = _LETTER_NUMBER.sub(r"\1\2", folded)  # K-16 and K16 are one word
    if not expand:
        return " ".join(folded.split())
    return " ".join(ABBREVIATIONS.get(word, word) for word in folded.split())


def words(name_key: str) -> str:
    """A key's words without :data:`STOP_WORDS`, for comparing names word by word."""
    return " ".join(word for word in name_key.split() if word not in STOP_WORDS)


class Names:
    """Every name of the terms of one vocabulary, and what a writer of an unknown one most likely meant."""

    def __init__(self, labels: Mapping[str, str], aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.labels = labels
        self._ids: dict[str, dict[str, None]] = {}
        """key -> the terms with a name of that key, in vocabulary order."""
        self._words: dict[str, set[str]] = {}
        """term -> every word of its names' keys."""
        self._written: dict[str, dict[str, None]] = {}
        """key without abbreviations written out -> terms."""
        for term, label in labels.items():
            for name in (term, label, *(aliases or {}).get(term, ())):
                found = key(name)
                if found:
                    self._ids.setdefault(found, {}).setdefault(term)
                    self._words.setdefault(term, set()).update(found.split())
                    # As written too, for typos in an abbreviation ('fresno-lwa' for 'fresno-lwda').
                    self._written.setdefault(key(name, expand=False), {}).setdefault(term)
        self._keys = list(self._ids)
        self._bare = [words(name) for name in self._keys]

    def exact(self, text: str) -> str | None:
        """The one term ``text`` names by its id, label or another name (as a key); None if none or several."""
        found = self._ids.get(key(text), {})
        return next(iter(found)) if len(found) == 1 else None

    def same(self, text: str) -> str | None:
        """The term a new term's name ``text`` is, misspelt (:data:`SAME`); None when it is another."""
        wanted = key(text)
        if not wanted:
            return None
        if wanted in self._ids:
            return next(iter(self._ids[wanted]))
        best = process.extractOne(wanted, self._keys, scorer=fuzz.ratio, score_cutoff=SAME)
        return next(iter(self._ids[best[0]])) if best else None

    @staticmethod
    def _edits(wanted: str, index: Mapping[str, Mapping[str, None]]) -> dict[str, None]:
        """The terms of ``index`` a few letters' edits from ``wanted``, fewest edits first."""
        found: dict[str, None] = {}
        edits = max(1, len(wanted) // 6)
        matches = process.extract(wanted, list(index), scorer=OSA.distance, score_cutoff=edits, limit=None)
        for name, _, _ in sorted(matches, key=lambda match: (match[1], match[2])):
            found.update(dict.fromkeys(index[name]))
        return found

    def close(self, text: str, limit: int = 3) -> list[str]:
        """The terms a writer of ``text`` most likely meant, best first; none when nothing is close.

        In order: a name with the same key (``fresno-cnty``, ``LA County``); a few letters' edits for
        the length (``reentry-service``, ``los-angelse-county``), never a word that merely shares a
        suffix (``orange-county`` is not ``los-angeles-county``, ``state`` is not ``status``); the same
        words in another order (``County of Fresno``); a term whose names hold every word written
        (``fresno`` for "Fresno County"), unless that fits more than ``limit`` terms.
        """
        wanted = key(text)
        if not wanted or len(text) > 80:
            return []
        found: dict[str, None] = dict.fromkeys(self._ids.get(wanted, {}))
        if not found:
            found = self._edits(wanted, self._ids)
            found.update(self._edits(key(text, expand=False), self._written))
        if not found and " " in wanted:
            for _, _, index in process.extract(
                words(wanted), self._bare, scorer=fuzz.token_sort_ratio, score_cutoff=REORDERED, limit=None
            ):
                found.update(dict.fromkeys(self._ids[self._keys[index]]))
        if not found:
            written = set(wanted.split())
            holding = [term for term, names in self._words.items() if written <= names]
            if len(holding) > 2 * limit:  # "county" names them all: a list that long would not help
                return []
            if len(holding) > limit:  # 'Sacramento': the closest names first, if any is closer
                scores = {term: fuzz.ratio(wanted, key(self.labels[term])) for term in holding}
                if len(set(scores.values())) == 1:
                    return []
                holding.sort(key=lambda term: -scores[term])
            found = dict.fromkeys(holding)
        return list(found)[:limit]


def close_matches(word: str, choices: Iterable[str], labels: Mapping[str, str] | None = None) -> list[str]:
    """The choices a writer of ``word`` most likely meant, best first (:meth:`Names.close`)."""
    return Names(labels if labels is not None else {choice: choice for choice in choices}).close(word)


def suggest(
    word: str,
    choices: Iterable[str],
    labels: Mapping[str, str] | None = None,
    names: Names | None = None,
) -> str:
    """A "did you mean" tail for an unknown word, or nothing when no choice is close enough to help."""
    close = names.close(word) if names is not None else close_matches(word, choices, labels)
    if not close:
        return ""
    shown = [f"'{term}' ({labels[term]})" if labels else f"'{term}'" for term in close]
    return f"; did you mean {' or '.join(shown)}?"
