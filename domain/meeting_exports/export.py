"""What a meeting export says, whichever tool wrote it: who was there, from when, and who spoke."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from domain.meeting_exports.names import normalized


@dataclass(frozen=True)
class Participant:
    """One person in an attendance report, their reconnections already folded together."""

    name: str
    emails: tuple[str, ...]
    first_join: datetime | None
    seconds_in_meeting: int
    line: int  # where the report first lists them


@dataclass(frozen=True)
class Transcript:
    path: Path
    cue_count: int
    speaking_ms: Mapping[str, int]  # speaker label as written -> milliseconds of their cues
    first_line: Mapping[str, int]  # speaker label -> line of their first cue
    unattributed_cues: int  # cues with no speaker: reported, never guessed
    unattributed_ms: int

    @property
    def speaker_labels(self) -> tuple[str, ...]:
        return tuple(self.speaking_ms)


@dataclass(frozen=True)
class MeetingExport:
    tool: str  # "Zoom" or "Microsoft Teams", for what is printed
    report_path: Path
    participants: tuple[Participant, ...]
    started_at: datetime | None  # the meeting's start as the report gives it, if it does
    transcript: Transcript | None = field(default=None)

    def with_transcript(self, transcript: Transcript | None) -> MeetingExport:
        return MeetingExport(self.tool, self.report_path, self.participants, self.started_at, transcript)


@dataclass(frozen=True)
class Session:
    """One stretch in the meeting, as a per-session report lists it: a reconnect starts another."""

    name: str
    emails: tuple[str, ...]
    joined_at: datetime | None
    seconds: int
    line: int
    in_waiting_room: bool = False


def fold_sessions(sessions: Iterable[Session]) -> tuple[Participant, ...]:
    """One participant per person: the same account, or with no account the same name.

    Waiting in the waiting room counts as arriving (the host admits people: their wait is not
    lateness) but not as attending: someone never admitted is no participant at all.
    """
    folded: dict[str, list[Session]] = {}
    for session in sessions:
        key = session.emails[0].casefold() if session.emails else "name:" + normalized(session.name)
        folded.setdefault(key, []).append(session)
    participants = []
    for same in folded.values():
        if all(s.in_waiting_room for s in same):
            continue
        joins = [s.joined_at for s in same if s.joined_at is not None]
        participants.append(
            Participant(
                name=same[0].name,
                emails=tuple(dict.fromkeys(e for s in same for e in s.emails)),
                first_join=min(joins) if joins else None,
                seconds_in_meeting=sum(s.seconds for s in same if not s.in_waiting_room),
                line=next(s.line for s in same if not s.in_waiting_room),
            )
        )
    return tuple(participants)
