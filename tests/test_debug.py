"""``TWINSCHEMA_DEBUG=1`` shows the traceback behind an internal error (exit 4), for a bug
report, with every credential masked (issue 13)."""

from __future__ import annotations

import pytest

from twinschema.cli.app import DEBUG_ENV, debug_traceback


def _raise_with_a_url() -> None:
    raise RuntimeError("cannot reach postgresql://app:hunter2@db.internal/app")


def _caught() -> RuntimeError:
    try:
        _raise_with_a_url()
    except RuntimeError as exc:
        return exc
    raise AssertionError("unreachable")


def test_debug_shows_the_traceback_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DEBUG_ENV, "1")
    debug_traceback(_caught())
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "_raise_with_a_url" in err  # the frame where it happened
    assert "postgresql://app:***@db.internal/app" in err
    assert "hunter2" not in err


@pytest.mark.parametrize("value", [None, "", "0"])
def test_no_traceback_without_debug(
    value: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if value is None:
        monkeypatch.delenv(DEBUG_ENV, raising=False)
    else:
        monkeypatch.setenv(DEBUG_ENV, value)
    debug_traceback(_caught())
    assert capsys.readouterr().err == ""
