"""What members write: commitments in their own words, and the notes they add when following them up.

A commitment is a template with slots (a role, a client, a month) filled at random, so thousands of
commitments read like people wrote them without any two programmes needing a corpus. A month or quarter
in the text agrees with the commitment's due date.
"""

from __future__ import annotations

import random
import string
from datetime import date

from domain.model import OUTCOMES
from synthetic.vocabulary import CARRIED_FORWARD, DONE, DROPPED, NOT_DONE, PARTIAL, covering

COMMITMENTS = (
    "Hire a {role} before the end of {quarter}",
    "Have the succession conversation with my {relation}",
    "Close the {client} deal by {month}",
    "Draft a one-page strategy for next year and share it with the team",
    "Delegate {task} to my leadership team",
    "Set up an advisory board",
    "Review pricing for our {product} line",
    "Give honest feedback to my {report}",
    "Take a full week off without email",
    "Cut monthly cash burn by {percent}% by {month}",
    "Book monthly one-to-ones with every direct report",
    "Renegotiate the {supplier} contract",
    "Launch the {market} pilot",
    "Decide whether to sell the {product} business",
    "Write down my exit criteria and share them with my {relation}",
    "Block two hours a week for thinking time",
    "Replace our {system} before the end of {quarter}",
    "Move the underperforming {role} out of the role",
    "Call three customers who left and ask them why",
    "Present the budget to the bank by {month}",
    "Book the health check I keep postponing",
    "Be home for dinner four nights a week",
    "Agree an equity plan for key staff",
    "Run an engagement survey with the team",
    "Finish the investor due-diligence pack",
    "Agree our values with the leadership team",
    "Put a proper sales pipeline review in place",
    "Stop approving every expense myself",
)
SLOT_WORDS = {
    "role": (
        "COO",
        "CFO",
        "head of sales",
        "operations manager",
        "marketing lead",
        "second-in-command",
        "HR manager",
        "CTO",
        "finance director",
        "plant manager",
    ),
    "relation": (
        "co-founder",
        "business partner",
        "sister",
        "chair",
        "father",
        "daughter",
        "son",
        "spouse",
        "finance director",
    ),
    "client": ("Northwind", "Contoso", "regional hospital", "council", "distributor", "franchise", "export"),
    "task": (
        "the weekly numbers review",
        "hiring decisions",
        "supplier negotiations",
        "month-end reporting",
        "the customer escalations",
    ),
    "product": ("wholesale", "consulting", "subscription", "maintenance", "catering", "training"),
    "report": ("sales director", "COO", "operations lead", "brother-in-law", "longest-serving manager"),
    "percent": ("10", "15", "20", "25"),
    "supplier": ("logistics", "software", "lease", "packaging", "insurance"),
    "market": ("Germany", "US", "online", "corporate", "Nordic", "franchise"),
    "system": ("ERP", "CRM", "payroll system", "accounting software", "phone system"),
}
COMMITMENTS = [(text, [f for _, f, _, _ in string.Formatter().parse(text) if f]) for text in COMMITMENTS]
MONTHS = ("January February March April May June July August September October November December").split()
NOTES = covering(
    OUTCOMES,
    {
        DONE: (
            "Done, and it went better than expected",
            "Signed last week",
            "Completed ahead of schedule",
            "Done; the team took it well",
        ),
        PARTIAL: ("Halfway there", "Started, but the hard part is still ahead", "Did the first step only"),
        NOT_DONE: ("Didn't get to it", "Travel got in the way", "Lost track of it", "Avoided it, honestly"),
        CARRIED_FORWARD: ("Needs another month", "Waiting on the board", "Still on it, new date agreed"),
        DROPPED: ("No longer a priority", "Circumstances changed", "Decided against it"),
    },
)


def commitment_text(rng: random.Random, due_on: date) -> str:
    text, slots = rng.choice(COMMITMENTS)
    if not slots:
        return text
    words = {slot: rng.choice(SLOT_WORDS[slot]) for slot in slots if slot in SLOT_WORDS}
    words["quarter"] = f"Q{(due_on.month - 1) // 3 + 1}"
    words["month"] = MONTHS[due_on.month - 1]
    return text.format(**words)
