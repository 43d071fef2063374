"""Where `render` and `export` write: standard output, or the file `-o` names.

A file's extension tells its format, so `-o 2014-03.xlsx` alone writes a workbook; an
extension that contradicts `--format` is refused rather than written (text in an .xlsx
file opens as a corrupt workbook). `-o -` is standard output, as in most Unix tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tiltak.errors import OutputError, UsageError

FORMAT_BY_SUFFIX = {
    ".txt": "text",
    ".md": "markdown",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".json": "json-stat",
}
STDOUT = "-"


def destination(output: Path | None) -> Path | None:
    """The file to write, or None for standard output (no -o, or `-o -`)."""
    if output is None or str(output) == STDOUT:
        return None
    return output


def choose_format(requested: str | None, output: Path | None, formats: Sequence[str]) -> str:
    """The format asked for, else the one the file's extension names, else the first."""
    if requested is not None and requested not in formats:
        raise UsageError(f"unknown format {requested!r}; choose one of: {', '.join(formats)}")
    named = FORMAT_BY_SUFFIX.get(output.suffix.lower()) if output is not None else None
    if named is None:
        return requested or formats[0]
    if requested is None and named not in formats:
        raise UsageError(
            f"{output} is named as a {named} file, which this command does not write;"
            f" choose --format {' or '.join(formats)} and a file name to match"
        )
    if requested is not None and named != requested:
        raise UsageError(
            f"{output} is named as a {named} file but --format is {requested}:"
            " make them agree (or leave out --format)"
        )
    return named


def check_writable(output: Path | None) -> None:
    """Refuse, before any work, a destination that cannot be written as a file."""
    if output is None:
        return
    if output.is_dir():
        raise UsageError(f"{output} is a directory: name a file to write (-o DIR/FILE)")
    if not output.parent.is_dir():
        raise UsageError(f"{output}: directory {output.parent} does not exist; create it first")


def write_file(content: str | bytes, output: Path) -> None:
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from exc
