"""What a command line user expects: --version, choices and plain placeholders in --help,
exit code 2 for usage errors, shell completion, and `-o` that means what it says."""

from __future__ import annotations

import json
import os
import re
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import EXAMPLE, ROOT, Cli
from tiltak.cli import app, load_report_app

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RENDER_FORMATS = ["text", "markdown", "csv", "xlsx", "html"]  # as the README lists them
VIEWS = [
    "hovedgrupper", "hovedgrupper_kjonn", "tiltaksgrupper", "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper", "tiltak_hovedgrupper_kjonn",
]  # fmt: skip


def invocations() -> list[tuple[Any, list[str]]]:
    """(app, words) of every command and group, e.g. (app, ["db", "upgrade"])."""
    found: list[tuple[Any, list[str]]] = [(load_report_app, [])]

    def walk(command: Any, words: list[str]) -> None:
        found.append((app, words))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


@pytest.mark.parametrize(
    ("root", "words"), invocations(), ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_help_shows_no_python_type_names_as_placeholders(root: Any, words: list[str]) -> None:
    result = CliRunner().invoke(root, [*words, "--help"])
    assert result.exit_code == 0, result.output
    python_types = re.compile(r"<(str|int|float|bool|path|list\[[^]]*\]|Path)>|\{[a-z_]+\}")
    assert not python_types.findall(result.stdout), result.stdout


def test_help_lists_every_choice_of_format_and_table() -> None:
    runner = CliRunner()
    # Help text wraps lines: compare with the whitespace squeezed out.
    render = re.sub(r"\s+", " ", runner.invoke(app, ["render", "--help"]).stdout)
    assert "<" + "|".join(RENDER_FORMATS) + ">" in render
    for view in VIEWS:
        assert f"{view} (" in render, view
    export = runner.invoke(app, ["export", "--help"]).stdout
    assert "json-stat" in export.split("--format", 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize("root", [app, load_report_app], ids=["tiltak", "load-report"])
def test_version_is_the_project_version(root: Any) -> None:
    result = CliRunner().invoke(root, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"tiltak {PROJECT['version']}\n"


def test_shell_completion_is_available() -> None:
    help_text = CliRunner().invoke(app, ["--help"]).stdout
    assert "--install-completion" in help_text
    # The script bash sources (`eval "$(_TILTAK_COMPLETE=source_bash tiltak)"`); asked for by
    # name, because `--show-completion` guesses the shell from the parent processes, which
    # under a CI runner or a detached job need not be a shell at all.
    result = CliRunner().invoke(
        app, [], prog_name="tiltak", env={"_TILTAK_COMPLETE": "source_bash"}
    )
    assert result.exit_code == 0, result.output
    assert "_TILTAK_COMPLETE" in result.stdout
    assert "complete " in result.stdout


def test_completion_offers_the_commands_and_the_choices() -> None:
    env = {"_TILTAK_COMPLETE": "complete_bash", "COMP_WORDS": "tiltak re", "COMP_CWORD": "1"}
    result = CliRunner().invoke(app, [], env=env, prog_name="tiltak")
    assert "render" in result.stdout.split()
    env = {**env, "COMP_WORDS": "tiltak render --format x", "COMP_CWORD": "3"}
    result = CliRunner().invoke(app, [], env=env, prog_name="tiltak")
    assert result.stdout.split() == ["xlsx"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "--bogus"], "Error: No such option: --bogus"),
        (["render", "-p", "2014-13"], "Error: not a month: '2014-13' (expected YYYY-MM)"),
        (["verify", "-p", "March"], "Error: not a month: 'March' (expected YYYY-MM)"),
        (["export", "-f", "sdmx"], "Error: Invalid value for '--format' / '-f'"),
        (["synth", "--months", "many", "x"], "Error: Invalid value for '--months' / '-n'"),
    ],
)
def test_usage_errors_exit_2_with_one_error_line(cli: Cli, args: list[str], message: str) -> None:
    result = cli.tiltak(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and errors[0].startswith(message), result.stderr


def test_an_error_that_is_no_usage_error_still_exits_1(cli: Cli) -> None:
    result = cli.tiltak("render", "-p", "2014-03", "--database-url", "postgresql://x@/no?host=/")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")


# -- render and export -o ---------------------------------------------------------------


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    result = cli.load_report(EXAMPLE)
    assert result.exit_code == 0, result.output
    return cli


@pytest.mark.parametrize(
    "command", [["render", "-p", "2014-03"], ["export"]], ids=["render", "export"]
)
def test_output_into_a_missing_directory_is_one_error_line(
    loaded: Cli, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "no" / "such" / ("out.txt" if command[0] == "render" else "out.json")
    result = loaded.tiltak(*command, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: {target}: directory {target.parent} does not exist; create it first\n"
    )
    assert not (tmp_path / "no").exists()


def test_output_onto_a_directory_is_refused(loaded: Cli, tmp_path: Path) -> None:
    result = loaded.tiltak("render", "-p", "2014-03", "-o", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {tmp_path} is a directory")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full (a disk always full)")
def test_an_output_that_cannot_be_written_is_one_error_line_exit_1(loaded: Cli) -> None:
    result = loaded.tiltak("render", "-p", "2014-03", "-o", "/dev/full")
    assert result.exit_code == 1, result.output
    assert result.stderr == "Error: /dev/full: cannot write: No space left on device\n"


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        ("t.xlsx", lambda path: zipfile.is_zipfile(path)),
        ("t.html", lambda path: path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")),
        ("t.csv", lambda path: path.read_text(encoding="utf-8").startswith("table,kjønn,")),
        ("t.md", lambda path: "| **I alt** " in path.read_text(encoding="utf-8")),
        ("t.txt", lambda path: path.read_text(encoding="utf-8").startswith("# ")),
        ("t.out", lambda path: path.read_text(encoding="utf-8").startswith("# ")),
    ],
)
def test_the_extension_names_the_format_when_format_is_not_given(
    loaded: Cli, tmp_path: Path, name: str, looks_like: Any
) -> None:
    target = tmp_path / name
    result = loaded.tiltak("render", "-p", "2014-03", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert looks_like(target)


def test_an_extension_that_contradicts_the_format_is_refused(loaded: Cli, tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    result = loaded.tiltak("render", "-p", "2014-03", "-f", "text", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: {target} is named as a xlsx file but --format is text:"
        " make them agree (or leave out --format)\n"
    )
    assert not target.exists()
    export = loaded.tiltak("export", "-o", str(tmp_path / "cube.xlsx"))
    assert export.exit_code == 2, export.output
    assert "which this command does not write" in export.stderr
    assert not (tmp_path / "cube.xlsx").exists()


def test_dash_is_standard_output(loaded: Cli, tmp_path: Path) -> None:
    os.chdir(tmp_path)
    plain = loaded.tiltak("render", "-p", "2014-03", "-t", "1")
    dashed = loaded.tiltak("render", "-p", "2014-03", "-t", "1", "-o", "-")
    assert dashed.exit_code == 0, dashed.output
    assert dashed.stdout == plain.stdout
    assert "76 393" in dashed.stdout
    exported = loaded.tiltak("export", "-o", "-")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["class"] == "dataset"
    assert list(tmp_path.iterdir()) == []  # no file named '-'
