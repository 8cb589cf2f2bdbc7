import psycopg
from twinschema.urls import parse_url
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs

def test_show(pg_url):
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions()), autocommit=True) as c:
        c.execute("CREATE TABLE t (x int, lo int, hi int, CHECK (x BETWEEN SYMMETRIC 10 AND 0), CHECK (x BETWEEN SYMMETRIC lo AND hi), CHECK (x NOT BETWEEN SYMMETRIC lo AND hi))")
        for r in c.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid='t'::regclass"):
            print("DEF", r[0])
