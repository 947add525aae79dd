"""WebVTT transcripts, as Zoom and Teams write them, and the seconds each speaker spoke.

Zoom puts the speaker before a colon: `Andrew Knight: Okay, so we're recording.`, and leaves the
speaker out when it could not tell who spoke. Teams uses voice tags: `<v Ana Ruiz>Thank you.</v>`.
Either may run a cue over several lines. A speaker's seconds are the sum of the durations of their
cues; a cue with no speaker is counted and reported, never attributed. A cue naming several
voices (rare) is shared equally between them rather than credited twice.

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
TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
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

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


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
    speaking_ms: dict[str, int] = {}
    first_line: dict[str, int] = {}
    unattributed = [cue for cue in cues if not cue.speakers]
    for cue in cues:
        for speaker, share in zip(cue.speakers, _shares(cue.duration_ms, len(cue.speakers)), strict=True):
            speaking_ms[speaker] = speaking_ms.get(speaker, 0) + share
            first_line.setdefault(speaker, cue.line)
    return Transcript(
        path=path,
        cue_count=len(cues),
        speaking_ms=speaking_ms,
        first_line=first_line,
        unattributed_cues=len(unattributed),
        unattributed_ms=sum(cue.duration_ms for cue in unattributed),
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


def _shares(total: int, voices: int) -> list[int]:
    if voices == 0:
        return []
    share, rest = divmod(total, voices)
    return [share + (1 if i < rest else 0) for i in range(voices)]
