"""One exception hierarchy: the CLI turns every ``TiltakError`` into ``Error: …`` and exit 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class TiltakError(Exception):
    """Base of every error the tool reports to a user without a traceback."""

    def lines(self) -> list[str]:
        """The message as lines, each printed as ``Error: <line>``."""
        return str(self).splitlines() or [type(self).__name__]


class DatabaseError(TiltakError):
    """The database cannot be reached or used (server down, wrong password, ...)."""


class SchemaError(TiltakError):
    """The database schema is missing, behind head, or otherwise not usable."""


class MigrationError(TiltakError):
    """A migration cannot be applied or reverted."""


class UsageError(TiltakError):
    """The command was given arguments it cannot act on."""


class OutputError(TiltakError):
    """An output file could not be written (permission denied, disk full, ...)."""


class VerificationError(TiltakError):
    """Some published figures are not reproduced by the views."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a report, located as precisely as the input allows."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


MAX_PROBLEMS = 100  # listed of one report; a file of 600 000 bad lines says how many more
MAX_QUOTED = 80  # characters of a label or figure quoted in a message


def quoted(text: str) -> str:
    """`text` as repr() quotes it (control characters escaped), shortened to fit a line."""
    return repr(text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…")


class ReportError(TiltakError):
    """A report was refused; carries one problem per line, the first MAX_PROBLEMS listed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        listed = list(problems[:MAX_PROBLEMS])
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            listed.append(Problem(listed[-1].path, listed[-1].line, f"... and {extra} more"))
        self.problems = listed
        super().__init__("\n".join(str(p) for p in self.problems))


class RefusedReportsError(TiltakError):
    """Some reports of a multi-file load were refused (the others were loaded)."""

    def __init__(self, refused: Sequence[ReportError], total: int) -> None:
        self.refused = list(refused)
        self.total = total
        lines = [line for error in self.refused for line in error.lines()]
        lines.append(f"{len(self.refused)} of {total} report(s) refused; nothing written for those")
        super().__init__("\n".join(lines))
