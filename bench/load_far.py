"""`load-report` for a synthetic history that runs past next month, for the 1 200-month
measure: the same command with the plausible months widened to year 9999.

    python load_far.py [load-report arguments]

The real load path (parse, validate, write) runs unchanged; only the check that no report is
for a month after next is lifted, since 1 200 months from January 1990 reach 2089.
"""

import sys
from datetime import date
from importlib.metadata import entry_points

import tiltak.parsing


def _far(today: date) -> tuple[date, date]:
    return date(1990, 1, 1), date(9999, 12, 1)


def main() -> None:
    tiltak.parsing.plausible_months = _far  # type: ignore[attr-defined]
    (script,) = entry_points(group="console_scripts", name="load-report")
    sys.argv[0] = "load-report"
    script.load()()


if __name__ == "__main__":
    main()
