"""Reading: a report file's bytes, refused when they are not a regular file's or not text."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from tiltak.errors import Problem, ReportError

MAX_REPORT_BYTES = 5_000_000  # a real monthly report is about 15 kB
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
# C0 controls other than tab, line breaks and form feed: not something a text report holds.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_REPORT_BYTES.

    A FIFO, socket or device is refused before it is opened: reading a FIFO waits for a writer
    forever. It is opened non-blocking and checked again, in case the path changed meanwhile.
    """
    name = str(path)
    try:
        _refuse_special_file(name, path.stat())
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(path, flags), "rb") as stream:
            status = os.fstat(stream.fileno())
            _refuse_special_file(name, status)
            if status.st_size > MAX_REPORT_BYTES:
                size = f"file is {status.st_size:,} bytes; a monthly report is far smaller"
                raise ReportError([Problem(name, 1, size)])
            raw = stream.read(MAX_REPORT_BYTES + 1)  # the file may grow while it is read
    except OSError as exc:
        raise ReportError([Problem(name, 1, f"cannot read file: {exc.strerror}")]) from exc
    if len(raw) > MAX_REPORT_BYTES:
        message = f"file is over {MAX_REPORT_BYTES:,} bytes; a monthly report is far smaller"
        raise ReportError([Problem(name, 1, message)])
    return raw


_SPECIAL_FILES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _refuse_special_file(name: str, status: os.stat_result) -> None:
    if stat.S_ISREG(status.st_mode):
        return
    kind = next((k for test, k in _SPECIAL_FILES if test(status.st_mode)), "a special file")
    raise ReportError([Problem(name, 1, f"not a regular file but {kind}")])


def decode(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; binary and empty files are refused."""
    if b"\x00" in raw:
        line = _line_at(raw, raw.index(b"\x00"))
        raise ReportError([Problem(path, line, "binary file: NUL byte; expected a text report")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        text = _decode_not_utf8(raw, path, utf8_error)
    if not text.strip():
        raise ReportError([Problem(path, 1, "file is empty")])
    control = _CONTROL.search(text)
    if control:
        line = len(LINE_BREAK.split(text[: control.start()]))
        char = ord(control.group())
        raise ReportError(
            [Problem(path, line, f"binary file: control character 0x{char:02x}; expected text")]
        )
    return text


def _decode_not_utf8(raw: bytes, path: str, utf8_error: UnicodeDecodeError) -> str:
    """Windows-1252, unless the file is UTF-8 up to a broken byte: then it is refused."""
    start = utf8_error.start
    if any(byte >= 0x80 for byte in raw[:start]):
        # Letters before this byte were valid UTF-8: a Windows-1252 reading would garble them.
        line = _line_at(raw, start)
        if utf8_error.end == len(raw) and "end of data" in utf8_error.reason:
            message = "file ends in the middle of a UTF-8 character: is it truncated?"
        else:
            message = f"byte 0x{raw[start]:02x} is not valid UTF-8 (the file is UTF-8 before it)"
        raise ReportError([Problem(path, line, message)]) from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as cp1252_error:
        line = _line_at(raw, cp1252_error.start)
        byte = raw[cp1252_error.start]
        raise ReportError(
            [Problem(path, line, f"byte 0x{byte:02x} is neither UTF-8 nor Windows-1252")]
        ) from None


def _line_at(raw: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.split(raw[:offset]))
