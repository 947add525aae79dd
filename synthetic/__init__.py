"""A synthetic but realistic programme of peer groups, written as commands of docs/import-format.md.

Each group lives its own life, meeting by meeting. Its members carry latent traits: how talkative they
are, and how engaged, which drifts slowly around a personal baseline. Engagement drives everything the
warehouse measures: turning up, keeping commitments, speaking, rating the meeting. A member who will drop
out disengages over a few months first, so the dropout-risk signals have something true to find; other
members go through dips and recover, so they cannot find it perfectly. Leavers are replaced a meeting or
two later. About one group in four has a member who takes two to four times a fair share of the airtime.

Groups are simulated independently, each from its own random stream derived from (seed, group number),
and shipped in batches of a few groups whose commands reference nothing outside the batch, so a batch can
be applied in its own transaction and a programme of millions of commands never sits in memory at once.

Where to read on: `programme` (batches, the window, who facilitates), `group` (one group's life),
`members` (traits, engagement, leaving), `meeting` (how engagement shows at a meeting), `calendar`
(meeting days), `names` and `texts` (what people are called and what they write), and `vocabulary` (the
domain's words, which the simulation never keeps copies of).
"""

from synthetic.programme import generate_programme

__all__ = ["generate_programme"]
