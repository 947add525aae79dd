"""How a name is compared: the same person types and displays their name in many ways.

Case, accents, spacing and typographic apostrophes are not differences between people. Zoom and
Teams also show a renamed participant as `Display Name (Original Name)`, and Teams marks outsiders as
`Name (Guest)`: either half may be the name the roster knows.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_PAIR = re.compile(r"^(?P<shown>.*\S)\s*\((?P<original>[^()]*)\)$")


def normalized(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def name_variants(name: str) -> tuple[str, ...]:
    """The whole name, and both halves of a `Name (Original Name)` pair, each normalized."""
    variants = [normalized(name)]
    pair = _PAIR.match(name.strip())
    if pair:
        variants += [normalized(pair["shown"]), normalized(pair["original"])]
    return tuple(dict.fromkeys(v for v in variants if v))
