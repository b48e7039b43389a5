"""Look-alike text: the form two titles or labels share when a reader cannot tell them apart.

A title with a zero-width space, a Cyrillic a (U+0430) or a fullwidth letter looks
exactly like another practice's title on every page and in search results.
Unicode's security mechanisms (UTS #39, section 4) compare such strings by
their *skeleton*: characters that look alike mapped to one prototype. The
confusable pairs come from Unicode's ``confusables.txt`` as the
``confusable-homoglyphs`` package ships it; that package lists each
character's look-alikes both ways, without UTS #39's direction, so each group
of characters that look alike (a connected group of its pairs) is mapped to
its lowest code point. Before that, as UTS #39 and Unicode's identifier rules
do: compatibility normalisation (NFKC), case folding, and format characters
(zero-width spaces, joiners, bidirectional marks) removed.
"""

from __future__ import annotations

import functools
import unicodedata

from confusable_homoglyphs import confusables


def skeleton(text: str) -> str:
    """``text`` as it looks: two texts that a reader cannot tell apart have the same skeleton.

    Linear in the length of ``text``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    visible = "".join(char for char in folded if unicodedata.category(char) != "Cf")
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFD", visible))
    return " ".join(unicodedata.normalize("NFD", mapped).split())


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each single character that has look-alikes -> the lowest code point among its group."""
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.setdefault(char, char) != char:
            parent[char] = parent[parent[char]]  # path halving keeps the walk short
            char = parent[char]
        return char

    for char, alikes in confusables.confusables_data.items():
        if len(char) != 1:
            continue
        for alike in alikes:
            other = alike["c"]
            if len(other) == 1:
                a, b = root(char), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    # Casefolded text is compared, so a group is named by its lowest character once folded too.
    return {char: root(char) for char in parent if root(char) != char}
