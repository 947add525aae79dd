"""Meeting exports: attendance and airtime from the files Zoom and Microsoft Teams give a facilitator.

A facilitator does not type speaking seconds by hand; they have the participants or attendance report
and, when the meeting was recorded, a WebVTT transcript. This package reads those files
(`zoom`, `teams`, `vtt`), works out who is who against the group's roster (`matching`), and drafts
the one `hold_meeting` command of docs/import-format.md that the meeting amounts to (`hold_meeting`). Recording it
goes through the same domain path as a JSONL import (`cli`).
"""
