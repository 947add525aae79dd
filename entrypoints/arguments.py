"""What every subcommand shares: argument types, the progress bar, and text made safe to print."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import date

from tqdm import tqdm

from domain.ids import is_external_id

BAR_THRESHOLD = 5000  # items; smaller jobs finish before a bar would be readable


def date_argument(value: str) -> date:
    """argparse type for YYYY-MM-DD options (every subcommand uses this one)."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None
    if len(value) != 10:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD")
    return parsed


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def external_id(value: str) -> str:
    if not is_external_id(value):
        raise argparse.ArgumentTypeError("must be an id of 1-64 characters from A-Z a-z 0-9 . _ -")
    return value


def progress_bar(total: int, desc: str, unit: str = "cmd") -> tqdm:
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        file=sys.stderr,
        disable=total < BAR_THRESHOLD or not sys.stderr.isatty() and total < 10 * BAR_THRESHOLD,
    )


def printable(text: str) -> str:
    """Text from a file or the store, safe for a terminal: control and format characters (escape
    sequences, line breaks, direction overrides) are shown as escapes instead of acting."""
    if text.isprintable():
        return text
    return "".join(_escaped(char) if _acts(char) else char for char in text)


def _acts(char: str) -> bool:
    return unicodedata.category(char)[0] == "C" or char in "\u2028\u2029"


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
