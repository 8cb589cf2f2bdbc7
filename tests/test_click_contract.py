"""click publishes no API for "would click strip ANSI codes from this stream" (a terminal, or its
test runner's ``color=True`` standing for one): ``cli._on_terminal`` asks
``click.utils.should_strip_ansi``. pyproject pins click below 9; this fails loudly if an allowed
release moves it or changes what the test runner makes of it."""

from __future__ import annotations

import io
import sys

import click
from click.testing import CliRunner


def test_should_strip_ansi_is_where_cli_asks_for_it() -> None:
    should_strip_ansi = click.utils.should_strip_ansi  # type: ignore[attr-defined]
    assert callable(should_strip_ansi)
    assert should_strip_ansi(io.StringIO()) is True  # not a terminal: codes are stripped


def test_the_test_runner_s_color_stands_for_a_terminal() -> None:
    seen: list[bool] = []

    @click.command()
    def probe() -> None:
        seen.append(not click.utils.should_strip_ansi(sys.stdout))  # type: ignore[attr-defined]

    for color in (True, False):
        result = CliRunner().invoke(probe, [], color=color)
        assert result.exit_code == 0, result.output
    assert seen == [True, False]
