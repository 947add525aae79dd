"""The To: header, built so that no display name can add an address or hide the real one, whatever it
holds and however long it is.

The standard library's folding (Python 3.11's email policy) splits a long quoted display name across
lines and drops its quotes, so a name holding `<x@evil.example>, ` became a second recipient, and another
name swallowed the real address. So the header is written here, not folded by the policy:

- a name of plain words (letters, digits and the few signs allowed unquoted) is written as it is;
- any other name is written as RFC 2047 encoded words, which hold no quote, comma, angle bracket or `@`
  that a parser could read as structure, and which can be folded between any two of them;
- lines are folded only between those words, and every line but a long address's own stays within 78
  characters, so nothing refolds it.

The header is then parsed back with both of the standard library's parsers: unless each finds exactly one
address, this one, the message is not sent (`Unwritable`), and its recipient is named by their
pseudonymous id, like an address the server refused.
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
PARSE = HeaderRegistry()


class Unwritable(PeerPulseError):
    """An address that cannot be written as one plain address (it may predate the domain's stricter rule)."""


def to_header(name: str | None, address: str) -> str:
    """The value of a To: header naming `address` alone, shown as `name`, already folded."""
    if not EMAIL.fullmatch(address) or not address.isprintable():
        raise Unwritable("not a plain address")
    words = " ".join((name or "").split())
    tokens = [*_phrase(words), f"<{address}>"] if words else [address]
    lines, line = [], "To:"
    for token in tokens:
        if line != "To:" and len(line) + 1 + len(token) > LINE:
            lines.append(line)
            line = ""
        line += " " + token
    value = "\n".join([*lines, line])[len("To: ") :]
    _one_address(value, address)
    return value


def _phrase(name: str) -> list[str]:
    """The display name as the words of an RFC 5322 phrase: plain words, else encoded words."""
    plain = name.split(" ")
    if all(PLAIN_WORD.fullmatch(word) for word in plain):
        return plain
    return Header(name, "utf-8", maxlinelen=LINE - len("To: ")).encode(linesep="\n").split()


def _one_address(value: str, address: str) -> None:
    unfolded = re.sub(r"\n ", " ", value)
    parsed = PARSE("To", unfolded)
    found = [a.addr_spec for group in parsed.groups for a in group.addresses]
    compat = [spec for _, spec in getaddresses([unfolded])]
    defects = [d for d in parsed.defects if not isinstance(d, NonASCIILocalPartDefect)]  # RFC 6532 allows it
    if found != [address] or compat != [address] or defects:
        raise Unwritable("the header would not name exactly this one address")
