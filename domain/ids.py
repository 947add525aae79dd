"""One id scheme: external ids (docs/import-format.md) map to aggregate ids deterministically.

The same external id always names the same aggregate, so two processes importing the same group
address the same event stream, and the store's optimistic concurrency sees them collide.
"""

from __future__ import annotations

import re
from functools import lru_cache
from uuid import UUID, uuid5

# Fixed forever: changing it would orphan every stored aggregate.
NAMESPACE = UUID("6f1d3c0e-8a57-4f4e-9d0b-5b3c2a7e9f10")

EXTERNAL_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def is_external_id(value: object) -> bool:
    return isinstance(value, str) and EXTERNAL_ID.fullmatch(value) is not None


@lru_cache(maxsize=200_000)
def group_id(ref: str) -> UUID:
    return uuid5(NAMESPACE, f"group:{ref}")


@lru_cache(maxsize=200_000)
def person_id(ref: str) -> UUID:
    return uuid5(NAMESPACE, f"person:{ref}")


@lru_cache(maxsize=200_000)
def meeting_id(ref: str) -> UUID:
    return uuid5(NAMESPACE, f"meeting:{ref}")


@lru_cache(maxsize=200_000)
def commitment_id(ref: str) -> UUID:
    return uuid5(NAMESPACE, f"commitment:{ref}")


def email_claim_id(email_digest: str) -> UUID:
    """The email index is keyed by a keyed digest of the address, so the id itself reveals nothing."""
    return uuid5(NAMESPACE, f"email:{email_digest}")


def file_import_id(file_digest: str) -> UUID:
    return uuid5(NAMESPACE, f"file:{file_digest}")


def message_preferences_id(recipient: str) -> UUID:
    """A person's message preferences, by their pseudonymous recipient id (`member:<id>`, `person:<digest>`)."""
    return uuid5(NAMESPACE, f"message-preferences:{recipient}")


def message_id(recipient: str, kind: str, occasion: str) -> UUID:
    """One message: to whom, which kind, for what occasion. Its id is the exactly-once key."""
    return uuid5(NAMESPACE, f"message:{recipient}|{kind}|{occasion}")


def sessions_id(person: str) -> UUID:
    """One person's sign-in sessions, by a pseudonymous id (`person:<digest>`, `member:<id>`: domain.sessions)."""
    return uuid5(NAMESPACE, f"sessions:{person}")
