"""The characters a record may hold: those every output (page, Atom feed, JSON, PDF/UA) can carry.

Each output refuses some code points on its own, and only when a build reaches
it: nh3 cannot encode a lone surrogate, XML has no U+FFFE, Typst refuses
noncharacters in a PDF/UA text. The strict loader checks every file's text and
every value it builds once, here, so that `compendium validate` refuses what
the outputs would, with the line and column:

* lone surrogates (``"\\ud800"`` in a double-quoted value is not a character);
* noncharacters (U+FDD0-U+FDEF and the last two code points of every plane);
* bidirectional embeddings and overrides (U+202A-U+202E), which show text in
  another order than it is stored, and isolates (U+2066-U+2069) that are not
  closed on the same line;
* in text that no field check reads (bodies, forewords), control characters
  other than tab and line breaks;
* characters that the print edition's typefaces have no letter for (an emoji,
  Arabic, Chinese): Typst refuses to write a PDF/UA text it cannot show, and
  the edition uses only the pinned Source Serif and Source Sans (see
  :mod:`compendium.typefaces`). Spaces and invisible format characters need no
  letter; U+FEFF, which PDF/UA forbids inside text, is refused.

Every pattern here is a single character class: it cannot backtrack.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from compendium.typefaces import FONT_PACKAGES, font_folder

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNCARRIED = re.compile(f"[\ud800-\udfff{_NONCHARACTERS}\u202a-\u202e\u2066-\u2069]")
_CONTROLS = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}\u202a-\u202e\u2066-\u2069]"
)
PRINTED_FACES = ("SourceSerifPro-Regular.otf", "SourceSansPro-Regular.otf")
"""The font file of each pinned package whose characters the print edition can set (the other weights
of each family hold the same characters)."""
_OPEN_ISOLATES = frozenset("\u2066\u2067\u2068")
_CLOSE_ISOLATE = "\u2069"
_BIDI_NAMES = {
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
}


@dataclass(frozen=True)
class Refusal:
    """A character the outputs cannot carry: where it is in the text (0-based) and why."""

    index: int
    message: str


def find_uncarried(text: str, *, controls: bool = False) -> Refusal | None:
    """The first character of ``text`` that no output can carry, or None.

    ``controls``: refuse control characters too (for text no field check reads)."""
    pattern = _CONTROLS if controls else _UNCARRIED
    checked_to = 0  # lines before this index were found to close their isolates
    for match in pattern.finditer(text):
        char = match.group()
        if char not in _OPEN_ISOLATES and char != _CLOSE_ISOLATE:
            return Refusal(match.start(), describe(char))
        if match.start() < checked_to:
            continue
        # Isolates are the bidirectional marks Unicode recommends; they are fine while closed on
        # their own line, which is all a page or the print edition keeps together.
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        end = len(text) if end == -1 else end
        unclosed = _unclosed(text, start, end)
        if unclosed is not None:
            return Refusal(unclosed, _isolate_message(text[unclosed]))
        checked_to = end
    return _find_unprintable(text)


def describe(char: str) -> str:
    """Why ``char`` is refused, in a contributor's words."""
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return (
            f"{code} is half of a UTF-16 surrogate pair, not a character (an escape such as "
            f'"\\u{ord(char):04x}" in quotes?); write the character itself'
        )
    if char in _BIDI_NAMES:
        return (
            f"{code} ({_BIDI_NAMES[char]}) makes the text show in another order than it is written; "
            "remove it (write the words in their reading order)"
        )
    if unicodedata.category(char) == "Cc":
        return f"contains the control character {code}, which cannot be shown or printed; remove it"
    return f"{code} is a Unicode noncharacter, which no page, feed or PDF can carry; remove it"


def _isolate_message(char: str) -> str:
    return (
        f"U+{ord(char):04X} (a bidirectional isolate) is not closed on the same line; pair each "
        "U+2066/U+2067/U+2068 with a U+2069, or remove them"
    )


def _unclosed(text: str, start: int, end: int) -> int | None:
    """The index of the first isolate in ``text[start:end]`` left without its partner, or None."""
    opened: list[int] = []
    for index in range(start, end):
        char = text[index]
        if char in _OPEN_ISOLATES:
            opened.append(index)
        elif char == _CLOSE_ISOLATE:
            if not opened:
                return index
            opened.pop()
    return opened[0] if opened else None


def _find_unprintable(text: str) -> Refusal | None:
    """The first character of ``text`` the print edition's typefaces cannot show, or None (linear)."""
    missing = {char for char in set(text) - printable_characters() if not _needs_no_letter(char)}
    if not missing:
        return None
    index, char = next((index, char) for index, char in enumerate(text) if char in missing)
    name = unicodedata.name(char, "").title()
    return Refusal(
        index,
        f"U+{ord(char):04X}{f' ({name})' if name else ''} is not in the print edition's typefaces "
        "(Source Serif and Source Sans), so the PDF could not show it; write it in Latin, Greek or "
        "Cyrillic letters, or leave it out",
    )


def _needs_no_letter(char: str) -> bool:
    # Spaces and invisible format characters (zero-width joiners, soft hyphens) are set without a glyph
    # (U+FEFF inside text PDF/UA refuses); control characters get their own message elsewhere.
    return char != "\ufeff" and (char.isspace() or unicodedata.category(char) in ("Cf", "Cc"))


@functools.cache
def printable_characters() -> frozenset[str]:
    """Every character one of the print edition's typefaces has a letter for."""
    from fontTools.ttLib import TTFont

    found: set[str] = set()
    for package, face in zip(FONT_PACKAGES, PRINTED_FACES, strict=True):
        cmap = TTFont(font_folder(package) / face, lazy=True)["cmap"].getBestCmap()
        found.update(chr(code) for code in cmap)
    return frozenset(found)
