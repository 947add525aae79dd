"""Building blocks of the programmes tests import (docs/import-format.md), written once.

Self-contained (it imports nothing of PeerPulse), so tests/support/old_store.py can use it when it runs
against an older commit's code.
"""

from __future__ import annotations


def register(member: str, name: str, email: str | None = None, **details: str) -> dict:
    """A `register_member` command; the email is `<member>@example.org` unless given. The keys come in the
    order the fixtures' JSONL has them: type, member, name, email, then `details` (company, title)."""
    return {
        "type": "register_member",
        "member": member,
        "name": name,
        "email": email if email is not None else f"{member}@example.org",
        **details,
    }


def make_commitment(commitment: str, member: str, meeting: str, text: str, due_on: str) -> dict:
    """A `make_commitment` command, its keys in the fixtures' order."""
    return {
        "type": "make_commitment",
        "commitment": commitment,
        "member": member,
        "meeting": meeting,
        "text": text,
        "due_on": due_on,
    }
