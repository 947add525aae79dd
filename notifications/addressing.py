"""The To: header, built so that no display name can add an address or hide the real one, whatever it
holds and however long it is.

Python 3.11's email policy, asked to fold an `Address` whose display name is longer than a line, splits
the quoted name across lines and drops its quotes: a name holding `<x@evil.example>, ` became a second
recipient, and a name with an unbalanced quote swallowed the real address. So the policy does not fold
this header; the standard library's `email.header.Header` does, the way it folds any header:

- a name of plain words (letters, digits and the few signs allowed unquoted, none long) stays as it is,
  folded between words;
- any other name becomes RFC 2047 encoded words, in which no quote, comma, angle bracket or `@` is left
  for a parser to read as structure, folded between encoded words;
- the address follows, on the last line if it fits, else on a line of its own.

The header is then parsed back with both of the standard library's parsers (the policy's and
`getaddresses`): unless each finds exactly one address, this one, the message is not sent (`Unwritable`)
and its recipient is named by their pseudonymous id.
"""

from __future__ import annotations

import re
from email.errors import NonASCIILocalPartDefect
from email.header import Header
from email.headerregistry import HeaderRegistry
from email.utils import getaddresses

from domain.commands import EMAIL
from domain.errors import PeerPulseError

LINE = 78  # RFC 5322's recommended line length, the policy's too
PLAIN_WORD = re.compile(r"[A-Za-z0-9!#$%&'*+/^_`{|}~-]{1,40}")  # atext without `=` and `?`: never an encoded word
FIELD = "To"
PARSE = HeaderRegistry()


class Unwritable(PeerPulseError):
    """An address that cannot be written as one plain address (it may predate the domain's stricter rule)."""


def to_header(name: str | None, address: str) -> str:
    """The value of a To: header naming `address` alone, shown as `name`, already folded (lines joined
    by "\\n" and a space): to be stored with `set_raw` under a policy that does not refold it."""
    if not EMAIL.fullmatch(address) or not address.isprintable():
        raise Unwritable("not a plain address")
    phrase = " ".join((name or "").split())
    if not phrase:
        value = address
    else:
        plain = all(PLAIN_WORD.fullmatch(word) for word in phrase.split(" "))
        try:
            words = Header(phrase, "us-ascii" if plain else "utf-8", maxlinelen=LINE, header_name=FIELD)
            folded = words.encode(linesep="\n")
        except UnicodeError:  # a lone surrogate: not text a mail client could show
            raise Unwritable("the name cannot be written") from None
        last = folded.rsplit("\n", 1)[-1]
        used = len(last) + (0 if "\n" in folded else len(f"{FIELD}: "))
        value = folded + (" " if used + len(f" <{address}>") <= LINE else "\n ") + f"<{address}>"
    _one_address(value, address)
    return value


def _one_address(value: str, address: str) -> None:
    unfolded = value.replace("\n", "")  # each line after the first starts with its space
    parsed = PARSE(FIELD, unfolded)
    found = [a.addr_spec for group in parsed.groups for a in group.addresses]
    compat = [spec for _, spec in getaddresses([unfolded])]
    defects = [d for d in parsed.defects if not isinstance(d, NonASCIILocalPartDefect)]  # RFC 6532 allows it
    if found != [address] or compat != [address] or defects:
        raise Unwritable("the header would not name exactly this one address")
