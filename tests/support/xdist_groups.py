"""``--dist loadgroup`` as pytest-xdist means it, on the pytest this suite runs.

pytest-xdist (3.8) sends the tests of one ``xdist_group`` to one worker by appending ``@<group>``
to each marked item's id (``item._nodeid``) in the worker; pytest 9.2 keeps a node's id in
``item._id`` (a structured NodeId), so that assignment changes nothing, every group's tests were
spread over the workers, and what the groups are for was lost: the tests that use or watch this
repository's own ``var/`` ran at once on two workers, the system PostgreSQL and the
password-checking server were started by each worker, and each worker computed the costly module
fixtures of a grouped module again. This hook runs after xdist's and gives the id the suffix
where xdist's assignment did not land (on a pytest where it does, it leaves the id alone).
"""

from __future__ import annotations

import pytest


def group_suffix(item: pytest.Item) -> str | None:
    """``@<group>`` as pytest-xdist names an item's groups (joined, sorted), or None."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "@" + "_".join(sorted(names)) if names else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set in a worker of --dist loadgroup
        return
    for item in items:
        suffix = group_suffix(item)
        if suffix is None or item.nodeid.endswith(suffix):
            continue
        structured = getattr(item, "_id", None)
        if structured is None or not hasattr(type(structured), "parse"):
            item._nodeid = item.nodeid + suffix  # type: ignore[attr-defined]
        else:  # the suffix goes on the last name, as in the id xdist meant ("test_x[1]@group")
            *names, last = structured.names
            rest = last if structured.params is None else f"{last}[{structured.params}]"
            item._id = type(structured)(  # type: ignore[attr-defined]
                path=structured.path, names=(*names, rest + suffix)
            )
