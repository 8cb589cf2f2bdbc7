"""Messages about an unreachable server or a missing project say what is true and keep their own
words (stranger69 findings 004, 005, 008): masking a secret takes the secret only, a GitHub
annotation stays a workflow command, and "no project" names no file that is not there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent
# The driver's own words for a refused TCP connection, which the mask must leave whole.
DRIVER = 'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused'


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:S3cr3tX@127.0.0.1:1/x", "postgresql+psycopg://app:***@127.0.0.1:1/x: "),
        ("postgresql://app@127.0.0.1:1/x?password=S3cr3tX", "/x?password=***: "),
        ("postgresql://app@127.0.0.1:1/x?password=S3cr3tX&sslmode=disable", "=***&sslmode="),
        # A '%26' ('&') in the password: masked before the query is decoded for display.
        ("postgresql://app@127.0.0.1:1/x?password=S3cr3t%26X", "/x?password=***: "),
        # A password that itself begins like the mask is still masked whole.
        ("postgresql://app@127.0.0.1:1/x?password=%2A%2A%2AX", "/x?password=***: "),
    ],
)
def test_masking_the_password_keeps_the_drivers_message(
    url: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The password goes, the driver's words stay: ``?password=***: connection failed:
    connection to server at ...`` (the mask once ran on to the next quote)."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["check", "--layer", "live", "--postgres-url", url])
    assert result.exit_code == 3, result.output
    [line] = result.stderr.strip().splitlines()
    assert "S3cr3t" not in line and "X:" not in line and "X " not in line, line
    assert shown in line, line
    assert f": {DRIVER}" in line, line


@pytest.mark.parametrize(
    "text",
    [
        "host=127.0.0.1 port=1 user=app password=S3cr3tX",
        "password=S3cr3tX host=127.0.0.1 port=1",
        "host=127.0.0.1 password='S3cr3t X'",
    ],
)
def test_masking_a_libpq_password_keeps_the_refusal_whole(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A libpq string's password last in it: the words after the mask are the refusal's own
    (they were taken as more of the password: "password=*** key=value connection string")."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["check", "--layer", "live", "--postgres-url", text])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert "S3cr3t" not in line, line
    assert "password=*** " in line, line
    assert "is a libpq key=value connection string, which twinschema does not accept" in line


def test_scrubbing_twice_keeps_a_masked_value_and_masks_a_real_one() -> None:
    """Near miss of the fix: a value merely *starting* with the mask is a password, and goes."""
    from twinschema.urls import scrub

    assert scrub("x?password=***: refused") == "x?password=***: refused"
    assert scrub("host=h password=***: refused") == "host=h password=***: refused"
    assert "tail" not in scrub("host=h password=***tail dbname=x")
    assert "tail" not in scrub("x?password=***tail: refused")


# A GitHub workflow command: ``::name key=value,key=value::message``, with '%', CR and LF escaped
# everywhere and ':' and ',' escaped in the property values.
_COMMAND = re.compile(
    r"^::(error|warning|notice)( (?:[a-z]+=[^:,\r\n]*)(?:,[a-z]+=[^:,\r\n]*)*)?::"
)


@pytest.mark.parametrize(
    "url", ["postgresql://app@127.0.0.1:1/x", "postgresql://app:S3cr3tX@127.0.0.1:1/x"]
)
def test_an_unreachable_server_is_a_valid_github_annotation_per_layer(
    url: str, monkeypatch: pytest.MonkeyPatch, pg_server: str
) -> None:
    """Each layer that could not look is one ``::error`` with its title intact: the migrations
    layer's message began with the URL, and "migrations::postgresql://app@" read to the secret
    masking as "user:password@" (no password anywhere), which ate the "::" (stranger69 008)."""
    monkeypatch.chdir(ROOT)
    env = {"TWINSCHEMA_SCRATCH_URL": pg_server}
    args = ["check", "--layer", "live", "--layer", "migrations", "--format", "github"]
    result = CliRunner(env=env).invoke(cli, [*args, "--postgres-url", url])
    assert result.exit_code == 3, result.output
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    titles = {}
    for line in errors:
        assert _COMMAND.match(line), line
        assert "S3cr3t" not in line, line
        head, _, message = line.partition("::")[2].partition("::")
        titles[head] = message
    for layer in ("live", "migrations"):
        message = titles[f"error title=twinschema {layer}"]
        assert message.startswith(f"[{layer}] "), message
        assert "cannot connect to postgresql+psycopg://app" in message, message
        assert DRIVER in message, message


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["revision", "-m", "x"],
        ["migrate", "local", "--sqlite-url", "sqlite:///x.db"],
        ["current", "local", "--sqlite-url", "sqlite:///x.db"],
    ],
)
def test_a_command_outside_a_project_says_no_project_was_found(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No pyproject.toml here or above: the message names the folder searched and what to do,
    not a key of a file that does not exist (stranger69 finding 005)."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert f"no pyproject.toml in {tmp_path.resolve()} or any folder above it" in line, line
    assert "twinschema init" in line and "pyproject.toml:" not in line, line
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("pyproject", "said"),
    [
        ('[project]\nname = "x"\n', "pyproject.toml has no [tool.twinschema] table"),
        # Near miss: a project that configures twinschema but not this side's module keeps the
        # message naming the key to write.
        (
            '[tool.twinschema.postgresql]\nmetadata = "m:metadata"\n',
            'no metadata module configured for sqlite ([tool.twinschema.sqlite] metadata = "',
        ),
    ],
)
def test_a_pyproject_without_the_module_names_what_is_missing(
    pyproject: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--layer", "models"])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert said in line and str(tmp_path.resolve()) in line, line
