"""A synthetic but realistic programme of peer groups, written as commands of docs/import-format.md.

Each group lives its own life, meeting by meeting. Its members carry latent traits: how talkative they
are, and how engaged, which drifts slowly around a personal baseline. Engagement drives everything the
warehouse measures: turning up, keeping commitments, speaking, rating the meeting. How much a dropout
shows before it happens is the `precursor` (`strong`, `weak`, `late`, `none`), so the dropout warning
is tested against what is really there: with `none`, nothing foretells a dropout and no model should
find anything. In every variant some dropouts give no warning, stayers go through dips and leaves of
absence and come back, and presenters hold the floor at the meeting they present at. Leavers are
replaced a meeting or two later. About one group in four has a member who takes 1.5 to 3.2 times a fair
share of the airtime (`planted_speakers` says who, for evaluation only).

Groups are simulated independently, each from its own random stream derived from (seed, group number),
and shipped in batches of a few groups whose commands reference nothing outside the batch, so a batch can
be applied in its own transaction and a programme of millions of commands never sits in memory at once.

Where to read on: `programme` (batches, the window, who facilitates), `group` (one group's life),
`members` (traits, engagement, leaving), `meeting` (how engagement shows at a meeting), `calendar`
(meeting days), `names` and `texts` (what people are called and what they write), and `vocabulary` (the
domain's words, which the simulation never keeps copies of).
"""

from synthetic.members import DEFAULT_PRECURSOR, PRECURSORS
from synthetic.programme import generate_programme, planted_speakers

__all__ = ["DEFAULT_PRECURSOR", "PRECURSORS", "generate_programme", "planted_speakers"]
