"""Between two SQLite sources a unique ``email COLLATE NOCASE`` against ``lower(email)`` parts
no two texts (both fold the same ASCII letters), only values that are no text: the message
says so and names the blobs the golden case inserts into both real databases (stranger48 018
r1: the reason spoke of letter case, where 'Bob' and 'bob' are one key on both)."""

from __future__ import annotations

from probes import Loader, compare_expected


def test_nocase_against_lower_names_the_blobs_that_part_them(loader: Loader) -> None:
    found = compare_expected(loader, "sl-sl.unique-nocase-vs-lower-blob")
    (index,) = found.differences
    assert index.message.endswith(
        "NOCASE and lower() fold the same ASCII letters, so no two texts part them; values that "
        "are no text do: the blobs X'41' then X'61' are two keys under NOCASE (compared by their "
        "bytes) and one under lower() ('a')"
    ), index.message
