"""The dashboards' book of group names lives with the server's domain reader, not in `st.cache_resource`:
clearing Streamlit's caches (what a `clear_cache` message did for any websocket) leaves it whole, and an
erasure empties it with every other name the server has read, so each is read again from the store."""

from __future__ import annotations

import streamlit as st

from dashboards import people
from dashboards.viewer import Viewer
from domain.application import open_application
from tests.integration import test_recording

home = test_recording.home  # the small programme of the recording tests: groups north and south

LEAD = Viewer(email="lead@example.org", is_lead=True)


def test_group_names_outlive_a_cache_clear_and_are_read_again_after_an_erasure(home):
    reader = people.domain()
    reads = []
    read = reader.read
    reader.read = lambda question: (reads.append(question), read(question))[1]

    assert people.group_names(LEAD, ["north", "south"]) == {"north": "Group north", "south": "Group south"}
    assert len(reads) == 1
    st.cache_resource.clear()
    st.cache_data.clear()
    assert people.group_names(LEAD, ["south", "north"]) == {"north": "Group north", "south": "Group south"}
    assert len(reads) == 1, "the names were read again: a cache clear emptied the book"

    with open_application(home) as app:
        app.erase_member("ana", requested_by="test")
    people.person_by_email("fay@example.org")  # what every page load asks first: it notices the erasure
    del reads[:]
    assert people.group_names(LEAD, ["north"]) == {"north": "Group north"}
    assert len(reads) == 1, "an erasure left the book as it was"
