"""URLs a careless environment gives (found by a stranger's trial): a stray space around a
variable's URL, and SQLite URLs that name no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "SQLITE:///"])
@pytest.mark.parametrize("how", ["flag", "variable"])
def test_a_sqlite_url_naming_no_file_is_refused(
    url: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["check", "--layer", "live"]
    env = {"LOCAL_DATABASE_URL": url} if how == "variable" else {}
    if how == "flag":
        args += ["--sqlite-url", url]
    result = CliRunner(env=env).invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "names no SQLite file" in lines[0], result.stderr
    for command in (["migrate", "local"], ["current", "local"]):
        again = CliRunner(env=env).invoke(
            cli, [*command, *(["--sqlite-url", url] if how == "flag" else [])]
        )
        assert again.exit_code == 2, (command, again.output)


def test_a_variable_with_a_stray_space_is_still_the_database_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """' postgresql://...' names a database: it is checked (and found unreachable, exit 3), not
    ignored for the embedded server (which said in sync without looking)."""
    monkeypatch.chdir(ROOT)
    env = {"DATABASE_URL": " postgresql://app@127.0.0.1:1/nowhere ", "TWINSCHEMA_SCRATCH_URL": ""}
    result = CliRunner(env=env).invoke(cli, ["check", "--layer", "live", "--format", "json"])
    assert result.exit_code == 3, result.output
    assert "127.0.0.1" in result.stderr and "embedded" not in result.stderr


def test_inputs_remembered_afresh_are_masked_inside_the_block_only() -> None:
    """A command run in-process masks what it was given, as a new process would: not what an
    earlier command of the same process was given, and nothing of its own once it is done.
    (A space in a password: only remembering the input masks it whole.)"""
    from twinschema import urls

    with urls.remembered_afresh():  # what the test remembers goes with it
        earlier = "postgresql://app:Earlier Secret@db.example/app"
        inner = "postgresql://app:Inner Secret@db.example/app"
        masked = "postgresql://app:***@db.example/app"
        urls.remember(earlier)
        assert urls.mask_output(f"read {earlier}") == f"read {masked}"
        with urls.remembered_afresh():
            assert urls.mask_output(f"read {earlier}") == f"read {earlier}"
            urls.remember(inner)
            assert urls.mask_output(f"read {inner}") == f"read {masked}"
        assert urls.mask_output(f"read {inner}") == f"read {inner}"
        assert urls.mask_output(f"read {earlier}") == f"read {masked}"


@pytest.mark.parametrize(
    ("url", "port"),
    [
        ("postgresql://app:S3cretX@localhost:notaport/db", "'notaport'"),
        ("postgresql://app:S3cretX@localhost:/db", "''"),
        ("postgresql://app:S3cretX@[::1]:5x/db", "'5x'"),
        ("postgresql://app:S3cretX@localhost:99999/db", "'99999'"),
        ("postgres://app:S3cretX@db.example:-5/db", "'-5'"),
        ("postgresql://app:S3c/retX@db.example:x/db", "'x'"),  # a '/' in the password
    ],
)
def test_a_bad_port_is_named_in_the_tools_own_words(url: str, port: str) -> None:
    """A port that is not a number from 1 to 65535 is refused before any driver sees it, in one
    line that names the port as written and masks the password (not Python's "invalid literal
    for int() with base 10")."""
    from twinschema.errors import UsageError
    from twinschema.urls import parse_url

    with pytest.raises(UsageError) as caught:
        parse_url(url)
    message = caught.value.message
    assert f"its port {port} is not a port number" in message, message
    assert "app:***@" in message and "S3cret" not in message, message
    assert "int()" not in message and "\n" not in message, message
    result = CliRunner().invoke(cli, ["diff", url, "sqlite:///nowhere.db"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"twinschema: error: {message}"], result.stderr


def test_a_good_port_and_none_still_parse() -> None:
    from twinschema.urls import parse_url

    assert parse_url("postgresql://app@[::1]:5433/db").port == 5433
    assert parse_url("postgresql://app:pw@localhost:65535/db").port == 65535
    assert parse_url("postgresql://app@localhost/db").port is None
    assert parse_url("postgresql://app@/db?host=/run/pg").port is None
    assert parse_url("postgresql://app:S3c/ret@/db?host=/run/pg").password == "S3c/ret"
    assert parse_url("postgresql://app:S3c/ret@h:5432/db").port == 5432


@pytest.mark.parametrize("url", ["postgresql://app:S3cretX/db", "postgresql://app:S3cretX"])
def test_a_password_without_its_host_is_never_shown_as_a_port(url: str) -> None:
    """'user:password' with the '@' and host left out reads as a host and a port: the word
    after ':' may be the password, so neither the message nor the URL in it shows it."""
    from twinschema.errors import UsageError
    from twinschema.urls import parse_url

    with pytest.raises(UsageError) as caught:
        parse_url(url)
    message = caught.value.message
    assert "S3cret" not in message and "is not a port number" in message, message
    assert message.startswith("not a database URL: postgresql://app:***"), message
    result = CliRunner().invoke(cli, ["diff", url, "sqlite:///nowhere.db"])
    assert result.exit_code == 2, result.output
    assert "S3cret" not in result.output, result.output


@pytest.mark.parametrize(
    "text",
    [
        "host=db.internal user=app password=S3cr3t-libpq dbname=app",
        "host=db.internal password='S3cr3t libpq' dbname=app",
        " dbname = app password=Hunter S3cr3t-space host=/run/pg",
    ],
)
def test_a_libpq_connection_string_is_refused_saying_what_to_write(text: str) -> None:
    """A libpq ``key=value`` string is not a URL (stranger round 7): the refusal says it is
    one, that it is not accepted, and the postgresql:// form to write, its password masked;
    on the command line too, exit 2, one line."""
    from twinschema.errors import UsageError
    from twinschema.urls import parse_url

    with pytest.raises(UsageError) as caught:
        parse_url(text)
    message = caught.value.message
    assert "S3cr3t" not in message and "password=***" in message, message
    assert message.startswith("not a database URL: "), message
    assert "is a libpq key=value connection string, which twinschema does not accept" in message
    assert "write it as a URL, postgresql://USER@HOST:PORT/DBNAME" in message, message
    result = CliRunner().invoke(cli, ["check", "--postgres-url", text])
    assert result.exit_code == 2, result.output
    assert "S3cr3t" not in result.output and "libpq key=value" in result.output, result.output


@pytest.mark.parametrize("text", ["app:S3cr3t-noscheme@db.internal/app", "db.internal/app"])
def test_a_string_without_a_scheme_that_is_no_libpq_string_keeps_the_plain_refusal(
    text: str,
) -> None:
    """Near miss: no ``key=`` first, no mention of libpq."""
    from twinschema.errors import UsageError
    from twinschema.urls import parse_url

    with pytest.raises(UsageError) as caught:
        parse_url(text)
    message = caught.value.message
    assert "libpq" not in message and "S3cr3t" not in message, message
    assert "(expected scheme://..., such as sqlite:///PATH or postgresql://USER@HOST/DB)" in message
