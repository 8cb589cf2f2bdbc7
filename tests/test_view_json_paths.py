"""The key paths a view's PostgreSQL ``#>`` / ``#>>`` reads (viewfit81): ``probe_json.pg_paths``
reads the path literal as PostgreSQL's own text[] input does, up to the first array index, so
the probe documents hold the member the view reads. The golden cases
``sl-pg.view-answers-json-pg-path-*`` pin the verdicts; here the parsing, against the server's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinschema.evaluate import probe_json

LITERALS = [
    "{flags,pin}",
    "{ flags , pin }",
    '{"a b",c}',
    '{"a,b",c}',
    '{"a\\"q",b}',
    '{"NULL",x}',
    "{tags,0,k}",  # an index ends the keys: ('tags',)
    "{a}",
]


@pytest.mark.parametrize("literal", LITERALS)
def test_a_path_reads_as_postgresql_reads_it(pg_server: str, literal: str) -> None:
    engine = sa.create_engine(pg_server, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            elements = conn.execute(sa.text("SELECT CAST(:p AS text[])"), {"p": literal}).scalar()
    finally:
        engine.dispose()
    assert elements is not None
    keys = []
    for element in elements:
        if element.lstrip("-").isdigit() and not literal.count(f'"{element}"'):
            break
        keys.append(element)
    assert probe_json.pg_paths(f"doc #>> '{literal}'") == [tuple(keys)]
    # as PostgreSQL prints it again in a view
    assert probe_json.pg_paths(f"(doc #>> '{literal}'::text[])") == [tuple(keys)]


def test_no_path_where_none_is_read() -> None:
    """Near misses: an empty path, a NULL element first, a JSON document compared with ->."""
    assert probe_json.pg_paths("doc #>> '{}'") == []
    assert probe_json.pg_paths("doc #>> '{NULL,a}'") == []
    assert probe_json.pg_paths("""doc -> 'a' = '{"b": 1}'""") == []
