"""psycopg publishes no API for "queue a Sync without waiting for results" nor for "the error of
each statement of a pipeline": ``evaluate.pg_pipeline.alone`` (rows tried for their verdict
alone, in one round trip: issue 16, speed83a) calls ``Pipeline._enqueue_sync`` and hooks
``Cursor._check_results``. Where either is missing it falls back to ``attempts`` (a round trip
per failing unit: slower, the same verdicts), so nothing would tell. pyproject pins psycopg below
3.4; this fails loudly if an allowed release moves either, or if ``alone`` stops taking its one
round trip."""

from __future__ import annotations

import psycopg

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate import pg_pipeline
from twinschema.urls import parse_url


def test_the_private_hooks_alone_relies_on_are_there() -> None:
    assert callable(getattr(psycopg.Pipeline, "_enqueue_sync", None))
    assert callable(getattr(psycopg.Cursor, "_check_results", None))
    assert pg_pipeline._keeping_cursor() is not None


def test_alone_takes_its_own_path_on_this_psycopg(pg_url: str) -> None:
    """``alone`` answers (None would be the fallback), each unit as alone: a failing one keeps
    its own error, the one after it is run."""
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        conn.execute(b"CREATE TEMP TABLE t (n integer CHECK (n > 0))")
        units = [[(b"INSERT INTO t VALUES (%s)", (n,))] for n in (1, -1, 2)]
        found = pg_pipeline.alone(conn, units, [b"SAVEPOINT contract"])
        assert found is not None
        assert [t.failed is not None for t in found] == [False, True, False], found
        conn.rollback()
