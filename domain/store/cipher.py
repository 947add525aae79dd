"""The store's cipher envelope: every stored event is AES-GCM encrypted with the store key.

The envelope is the eventsourcing library's (`AESCipher`): a 12-byte nonce, the 16-byte tag, then the
ciphertext. The library's class builds a new AES key schedule for every event it encrypts or decrypts;
this one builds it once per key, which is most of the cost of reading the log in bulk.
"""

from __future__ import annotations

from base64 import b64decode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cryptography import AESCipher

NONCE, TAG = 12, 16


class StoreCipher(AESCipher):
    """The library's AES-GCM cipher (same envelope, same key setting), with one key schedule reused."""

    def __init__(self, environment):
        super().__init__(environment)
        self._aesgcm = AESGCM(self.key)

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = self.random_bytes(NONCE)
        sealed = self._aesgcm.encrypt(nonce, plaintext, None)
        return nonce + sealed[-TAG:] + sealed[:-TAG]

    def decrypt(self, ciphertext: bytes) -> bytes:
        return open_envelope(self._aesgcm, ciphertext)


def open_envelope(aesgcm: AESGCM, envelope: bytes) -> bytes:
    """The plaintext of one stored event; ValueError if it is damaged or under another key."""
    if len(envelope) < NONCE + TAG:
        raise ValueError("damaged cipher text: too short")
    try:
        return aesgcm.decrypt(envelope[:NONCE], envelope[NONCE + TAG :] + envelope[NONCE : NONCE + TAG], None)
    except InvalidTag:
        raise ValueError("cipher text does not open with this key") from None


def open_envelopes(aesgcm: AESGCM, envelopes: list[bytes]) -> list[bytes]:
    """The plaintexts of many stored events, in one tight loop (the bulk reader's hot path); ValueError
    if any is damaged or under another key."""
    decrypt = aesgcm.decrypt
    try:
        return [decrypt(e[:NONCE], e[NONCE + TAG :] + e[NONCE : NONCE + TAG], None) for e in envelopes]
    except InvalidTag:
        raise ValueError("cipher text does not open with this key") from None


def aesgcm_for(key: str) -> AESGCM:
    """An AES-GCM cipher for a base64 store key (see domain.store.keys)."""
    return AESGCM(b64decode(key))
