"""Parsing JSONL commands: every refusal names the line and the field."""

import pytest

from domain.errors import CommandError
from domain.jsonl import parse_lines


def parse(*lines):
    return list(parse_lines(lines, "prog.jsonl"))


def error_of(*lines) -> CommandError:
    with pytest.raises(CommandError) as e:
        parse(*lines)
    return e.value


def test_blank_lines_and_comments_are_skipped_and_line_numbers_kept():
    commands = parse("", "# a comment", '{"type":"rate_meeting","meeting":"m1","member":"ana","score":7}')
    assert [(c.type, c.line, c.score) for c in commands] == [("rate_meeting", 3, 7)]


@pytest.mark.parametrize(
    "line, field, reason",
    [
        ('{"type":"rate_meeting","meeting":"m1","member":"ana","score":11}', "score", "integer from 0 to 10"),
        ('{"type":"rate_meeting","meeting":"m1","member":"ana","score":true}', "score", "integer from 0 to 10"),
        ('{"type":"rate_meeting","meeting":"m1","member":"ana"}', "score", "is required"),
        (
            '{"type":"rate_meeting","meeting":"m1","member":"ana","score":7,"scroe":7}',
            "scroe",
            "not a field of rate_meeting",
        ),
        (
            '{"type":"form_group","group":"g 1","name":"G","cadence":"monthly","formed_on":"2025-01-01"}',
            "group",
            "1-64 characters",
        ),
        (
            '{"type":"form_group","group":"g1","name":"G","cadence":"daily","formed_on":"2025-01-01"}',
            "cadence",
            "one of weekly",
        ),
        (
            '{"type":"form_group","group":"g1","name":"G","cadence":"monthly","formed_on":"2025-02-30"}',
            "formed_on",
            "real calendar date",
        ),
        (
            '{"type":"form_group","group":"g1","name":"G","cadence":"monthly","formed_on":"1/2/2025"}',
            "formed_on",
            "YYYY-MM-DD",
        ),
        ('{"type":"register_member","member":"a","name":"A","email":"not-an-email"}', "email", "valid email"),
        (
            '{"type":"hold_meeting","group":"g","meeting":"m","held_on":"2025-01-01","topic":"growth","attendance":{"ana":"here"}}',
            "attendance",
            "entry for 'ana'",
        ),
        (
            '{"type":"hold_meeting","group":"g","meeting":"m","held_on":"2025-01-01","topic":"growth","speaking_seconds":{"ana":-1}}',
            "speaking_seconds",
            ">= 0",
        ),
        (
            '{"type":"hold_meeting","group":"g","meeting":"m","held_on":"2025-01-01","topic":"growth","presenters":["a","a"]}',
            "presenters",
            "twice",
        ),
        ('{"type":"fly","x":1}', "type", "must be one of"),
    ],
)
def test_each_broken_field_is_named(line, field, reason):
    error = error_of('{"type":"rate_meeting","meeting":"m1","member":"ana","score":7}', line)
    assert (error.line, error.field) == (2, field)
    assert reason in str(error)
    assert str(error).startswith("prog.jsonl, line 2: field")


def test_broken_json_names_the_line():
    error = error_of('{"type": "rate_meeting",')
    assert error.line == 1 and "not valid JSON" in str(error)


def test_error_messages_do_not_repeat_personal_values():
    error = error_of('{"type":"register_member","member":"a","name":"A","email":"secret.person@nowhere"}')
    assert "secret.person" not in str(error)


def test_a_message_preference_names_exactly_one_person():
    from domain.commands import InvalidField, SetMessagePreference

    assert SetMessagePreference(kind="digest", wanted=False, email="lead@example.org").email == "lead@example.org"
    for whose in ({}, {"member": "ana", "email": "ana@example.org"}):
        with pytest.raises(InvalidField, match="exactly one"):
            SetMessagePreference(kind="nudge", wanted=False, **whose)
    with pytest.raises(InvalidField, match="true or false"):
        SetMessagePreference(kind="nudge", wanted="no", member="ana")
    with pytest.raises(InvalidField, match="must be one of briefing, nudge, digest"):
        SetMessagePreference(kind="sms", wanted=True, member="ana")


@pytest.mark.parametrize(
    "address, accepted",
    [
        ("ana@example.org", True),
        ("o'brien+north_2026@mail.example.co.uk", True),
        ("anä@example.org", True),  # letters of any script: a server without SMTPUTF8 skips it (README)
        ("josé@exämple.org", True),
        ('"ana"@example.org', False),  # nothing a header would have to quote or could read as structure
        ("a,b@example.org", False),
        ("a<b@example.org", False),
        ("x@evil.example>@example.org", False),
        ("ana(comment)@example.org", False),
        ("a..b@example.org", False),
        (".ana@example.org", False),
        ("ana@example", False),
        ("ana@-example.org", False),
        ("ana@exa_mple.org", False),
        ("an a@example.org", False),
        ("ana\u202e@example.org", False),  # a direction override: not printable
    ],
)
def test_the_emails_the_domain_accepts(address, accepted):
    from domain.commands import InvalidField, RegisterMember

    if accepted:
        assert RegisterMember(member="a", name="A", email=address).email == address
    else:
        with pytest.raises(InvalidField, match="must be a valid email address"):
            RegisterMember(member="a", name="A", email=address)
