"""WebVTT transcripts, as Zoom and Teams write them, and the seconds each speaker spoke.

Zoom puts the speaker before a colon: `Andrew Knight: Okay, so we're recording.`, and leaves the
speaker out when it could not tell who spoke. Teams uses voice tags: `<v Ana Ruiz>Thank you.</v>`.
Either may run a cue over several lines. A speaker's seconds are the time covered by their cues:
cues of one speaker that overlap count once, so nobody speaks for longer than the transcript runs. A
cue with no speaker is counted and reported, never attributed. A cue naming several voices (rare) is
shared equally between them, in turn, rather than credited twice. Cue times past a day are refused.

The structure follows the WebVTT specification: a `WEBVTT` first line, blocks separated by blank
lines, `NOTE`/`STYLE`/`REGION` blocks skipped, each cue an optional identifier line, a timing line
`[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]` and its text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from domain.meeting_exports.errors import ExportFormatError
from domain.meeting_exports.export import Transcript
from domain.meeting_exports.export_files import read_text

LINE_BREAK = re.compile(r"\r\n|\r|\n")
TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
MAX_MS = 24 * 3600 * 1000
TIMING = re.compile(rf"^{TIME}[ \t]+-->[ \t]+{TIME}(?:[ \t].*)?$")
VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t]+([^>]+)>")
TAG = re.compile(r"</?[^>]*>")
# Zoom's `Speaker Name: words`; the label must hold a letter so `10:30 works` is not a speaker.
SPEAKER_PREFIX = re.compile(r"^(?P<speaker>[^:<>]{1,100}?):(?:[ \t]|$)")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    speakers: tuple[str, ...]  # empty when nobody is named
    text: str
    line: int  # of the timing line


def read_cues(path: Path) -> list[Cue]:
    lines = LINE_BREAK.split(read_text(path))
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise ExportFormatError(path, 1, "is not a WebVTT transcript: the first line must be 'WEBVTT'")
    cues = []
    for first, block in _blocks(lines):
        if first == 1 or re.match(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)", block[0]):
            continue
        cues.append(_cue(path, first, block))
    if not cues:
        raise ExportFormatError(path, None, "holds no cues")
    return cues


def read_transcript(path: Path) -> Transcript:
    cues = read_cues(path)
    spans: dict[str, list[tuple[int, int]]] = {}
    first_line: dict[str, int] = {}
    for cue in cues:
        for speaker, span in zip(cue.speakers, _turns(cue.start_ms, cue.end_ms, len(cue.speakers)), strict=True):
            spans.setdefault(speaker, []).append(span)
            first_line.setdefault(speaker, cue.line)
    unattributed = [cue for cue in cues if not cue.speakers]
    return Transcript(
        path=path,
        cue_count=len(cues),
        speaking_ms={speaker: _covered(turns) for speaker, turns in spans.items()},
        first_line=first_line,
        unattributed_cues=len(unattributed),
        unattributed_ms=_covered([(cue.start_ms, cue.end_ms) for cue in unattributed]),
    )


def _blocks(lines: list[str]):
    """(line number of its first line, its lines) for each run of non-blank lines."""
    block: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _cue(path: Path, first: int, block: list[str]) -> Cue:
    at = 0 if "-->" in block[0] else 1  # an identifier line may come first; it never holds "-->"
    if at >= len(block) or "-->" not in block[at]:
        raise ExportFormatError(path, first, "expected a cue timing line like '00:00:04.859 --> 00:00:07.410'")
    line = first + at
    timing = TIMING.match(block[at].strip())
    if not timing:
        raise ExportFormatError(path, line, "the cue timing line is malformed: the file may be truncated")
    start, end = _ms(timing.groups()[:4]), _ms(timing.groups()[4:])
    if end < start:
        raise ExportFormatError(path, line, "the cue ends before it starts")
    if end > MAX_MS:
        raise ExportFormatError(path, line, "the cue ends more than 24 hours into the meeting")
    payload = block[at + 1 :]
    if not payload:
        raise ExportFormatError(path, line, "the cue has no text: the file may be truncated")
    text = "\n".join(payload)
    return Cue(start, end, _speakers(text), text, line)


def _speakers(text: str) -> tuple[str, ...]:
    voices = [" ".join(html.unescape(v).split()) for v in VOICE.findall(text)]
    if voices:
        return tuple(dict.fromkeys(v for v in voices if v))
    prefix = SPEAKER_PREFIX.match(html.unescape(TAG.sub("", text)))
    if prefix and re.search(r"[^\W\d_]", prefix["speaker"]):
        return (" ".join(prefix["speaker"].split()),)
    return ()


def _ms(parts) -> int:
    hours, minutes, seconds, millis = (int(p) if p else 0 for p in parts)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _turns(start: int, end: int, voices: int) -> list[tuple[int, int]]:
    """A cue's time split into equal consecutive turns, one per voice (the first ones a millisecond
    longer when it does not divide)."""
    share, rest = divmod(end - start, max(voices, 1))
    turns, at = [], start
    for i in range(voices):
        length = share + (1 if i < rest else 0)
        turns.append((at, at + length))
        at += length
    return turns


def _covered(spans: list[tuple[int, int]]) -> int:
    """Milliseconds covered by these spans, overlaps counted once."""
    total, reached = 0, None
    for start, end in sorted(spans):
        if reached is None or start >= reached:
            total += end - start
            reached = end
        elif end > reached:
            total += end - reached
            reached = end
    return total
