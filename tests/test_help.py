"""Output conventions: every command documents itself with an example; progress on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import EXAMPLE, Cli
from tiltak.cli import app, load_report_app


def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group of a click command tree, with the words that invoke it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


COMMANDS = [
    *walk(typer.main.get_command(app), ("tiltak",)),
    *walk(typer.main.get_command(load_report_app), ("load-report",)),
]


def test_the_tree_has_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    for expected in [
        "tiltak render", "tiltak verify", "tiltak periods", "tiltak export",
        "tiltak db grant-reader", "tiltak db upgrade", "load-report",
    ]:  # fmt: skip
        assert expected in names


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_ending_with_an_example(path: tuple[str, ...], command: Any) -> None:
    text = (command.help or "").strip()
    assert text, f"{' '.join(path)} has no help text"
    last_paragraph = text.split("\n\n")[-1]
    assert last_paragraph.startswith("Example"), f"{' '.join(path)}: help ends {last_paragraph!r}"
    # And --help shows it.
    root = app if path[0] == "tiltak" else load_report_app
    result = CliRunner().invoke(root, [*path[1:], "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout


def test_loading_several_files_shows_progress_on_stderr_unless_quiet(
    cli: Cli, tmp_path: Path
) -> None:
    first = tmp_path / "2014-03.txt"
    first.write_bytes(EXAMPLE.read_bytes())
    earlier = tmp_path / "2013-03.txt"
    earlier.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("Mars 2014", "Mars 2013"), encoding="utf-8"
    )
    result = cli.load_report(earlier, first)
    assert result.exit_code == 0, result.output
    assert "Loading" in result.stderr
    assert "Error" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{earlier}: 2013-03 loaded (216 counts)",
        f"{first}: 2014-03 loaded (216 counts)",
    ]
    quiet = cli.load_report("--quiet", earlier, first)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == "" and quiet.stderr == ""


def test_a_single_file_has_no_progress_bar(cli: Cli) -> None:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
