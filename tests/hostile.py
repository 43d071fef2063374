"""Hostile copies of the real March 2014 report, beyond the corpus of tests/mutations.py:
figures beyond what a database column holds, digits and separators NAV never prints,
implausible months, huge files, labels and messages; and the valid reports at those edges.

Where a case must be refused for one fault only, every other figure of the report is moved
with it (a row, its sums, the other tables, Endring and Prosent), so that the report is
consistent in all else and a tool that misses the fault would load it.
"""

from __future__ import annotations

from datetime import date

from mutations import (
    EXAMPLE,
    LINES,
    ORIGINAL,
    Broken,
    Edit,
    cell,
    edited,
    format_count,
    line_of,
    number,
    pages_of,
    plus,
    replace_line,
    row,
    rows,
    set_cell,
    with_lines_after,
    with_month,
)

LARGEST = 2_147_483_647  # PostgreSQL integer, the columns the figures are stored in
SMALLEST = -2_147_483_648
MONTHS = ("Januar", "Februar", "Mars", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Desember")  # fmt: skip
GRAND_TOTAL = 76_393  # table 1, 'I alt', Antall, as printed


def percent(change: int, base: int) -> str:
    """100 × change / base rounded half away from zero, blank for no base (DESIGN's rule)."""
    if base <= 0:
        return ""
    magnitude = (200 * abs(change) + base) // (2 * base)
    return format_count(magnitude if change >= 0 else -magnitude)


def shift(n: int, antall: int = 0, fjor: int = 0) -> Edit:
    """Move a row of tables 1-4 by `antall` this year and `fjor` last year: Antall, Endring
    and Prosent all follow."""

    def edit(lines: list[str]) -> None:
        cells = lines[n - 1].split("\t")
        now = number(cells[1])
        before = now - number(cells[2])
        now, before = now + antall, before + fjor
        set_cell(lines, n, 1, format_count(now))
        set_cell(lines, n, 2, format_count(now - before))
        set_cell(lines, n, 3, percent(now - before, before))

    return edit


def more_mentor(kvinner: int, menn: int) -> list[Edit]:
    """`kvinner` women and `menn` men more on Mentor among 'Andre på tiltak', everywhere."""
    edits: list[Edit] = []
    for kjonn, delta in (("Kvinner", kvinner), ("Menn", menn)):
        total = f"I alt {kjonn.lower()}"
        targets = [row("Mentor", 6, kjonn), row("I alt oppfølging", 6, kjonn)]
        edits += [plus(n, 1, 2, delta=delta) for n in [*targets, *rows(total, 6, kjonn)]]
        edits += [shift(n, antall=delta) for n in last_year_rows(kjonn, "Andre på tiltak")]
        edits += [shift(n, antall=delta) for n in group_rows(kjonn, "Oppfølging")]
    both = kvinner + menn
    targets = [row("Mentor", 5), row("I alt oppfølging", 5), *rows("I alt", 5)]
    edits += [plus(n, 1, 2, delta=both) for n in targets]
    edits += [shift(n, antall=both) for n in (row("Andre på tiltak", 1), row("I alt", 1))]
    edits += [shift(n, antall=both) for n in (row("Oppfølging", 3), row("I alt", 3))]
    return edits


def last_year_rows(kjonn: str, hovedgruppe: str) -> list[int]:
    """The rows of table 2 that print this hovedgruppe × kjønn: its own and the total."""
    return [row(hovedgruppe, 2, kjonn), row("I alt", 2, kjonn)]


def group_rows(kjonn: str, group: str) -> list[int]:
    return [row(group, 4, kjonn), row(f"I alt {kjonn.lower()}", 4, kjonn)]


def more_last_year(kjonn: str, hovedgruppe: str, fjor: int) -> list[Edit]:
    """`fjor` more in this hovedgruppe × kjønn last year: tables 1 and 2 follow."""
    targets = [*last_year_rows(kjonn, hovedgruppe), row(hovedgruppe, 1), row("I alt", 1)]
    return [shift(n, fjor=fjor) for n in targets]


def last_year_of(hovedgruppe: str, kjonn: str) -> int:
    cells = LINES[row(hovedgruppe, 2, kjonn) - 1].split("\t")
    return number(cells[1]) - number(cells[2])


def month_name(periode: date) -> str:
    return f"{MONTHS[periode.month - 1]} {periode.year}"


def months_ahead(today: date, count: int) -> date:
    index = today.year * 12 + today.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _text(name: str, text: str, line: int, reason: str) -> Broken:
    return Broken(name, text.encode("utf-8"), line, reason)


MENTOR = row("Mentor", 5)  # Mentor\t82\t6\t11\t65
# The first month line of a table: the 'Om tabellene' page before the tables is not read.
FIRST_MONTH = line_of("Mars 2014", after=pages_of(1)[0].first)
TOTAL_1 = row("I alt", 1)
BEYOND = r"beyond the (largest|smallest) figure stored"


def _ranges() -> list[Broken]:
    andre_k = row("Andre på tiltak", 2, "Kvinner")
    fjor_edit = more_last_year("Kvinner", "Andre på tiltak", 3 * 10**9 - last_year_of(
        "Andre på tiltak", "Kvinner"))  # fmt: skip
    return [
        _text("a count of 2 200 000 000", edited(cell(MENTOR, 2, "2 200 000 000")), MENTOR, BEYOND),
        _text(
            "two counts of 1 500 000 000 whose sum overflows",
            edited(*more_mentor(1_500_000_000, 1_500_000_000)),
            TOTAL_1,
            BEYOND,
        ),
        _text(
            "a grand total one past the column",
            edited(*more_mentor(LARGEST - GRAND_TOTAL + 1, 0)),
            TOTAL_1,
            BEYOND,
        ),
        _text(
            "an Endring implying 3 000 000 000 last year",
            edited(*more_mentor(1_000_000_000, 0), *fjor_edit),
            andre_k,
            "imply a count of 3000000000 last year, beyond the largest figure stored",
        ),
        _text(
            "an Endring below the smallest figure",
            edited(cell(TOTAL_1, 2, "-3 000 000 000")),
            TOTAL_1,
            BEYOND,
        ),
        _text("a 4 300-digit number", edited(cell(MENTOR, 4, "9" * 4300)), MENTOR, BEYOND),
        _text("a 4 301-digit number", edited(cell(MENTOR, 4, "9" * 4301)), MENTOR, BEYOND),
        _text("a million-digit number", edited(cell(MENTOR, 1, "1" * 1_000_000)), MENTOR, BEYOND),
        _text("an 11-digit count", edited(cell(MENTOR, 3, "12 345 678 901")), MENTOR, BEYOND),
        _text(
            "a Prosent beyond the column",
            edited(cell(row("Tilrettelegging", 3), 3, "9 999 999 999")),
            row("Tilrettelegging", 3),
            BEYOND,
        ),
    ]


# Digits that are sixes in other scripts: `int()` and regular expressions' \d take them all.
OTHER_SIXES = {
    "Arabic-Indic": "\u0666",
    "Persian": "\u06f6",
    "fullwidth": "\uff16",
    "Devanagari": "\u096c",
    "mathematical bold": "\U0001d7d4",
    "superscript": "\u2076",
}


def _digits_and_separators() -> list[Broken]:
    found: list[Broken] = []
    for script, six in OTHER_SIXES.items():
        found.append(
            _text(
                f"a digit in {script}", edited(cell(MENTOR, 2, six)), MENTOR, "not an ASCII digit"
            )
        )
    found.append(
        _text("Arabic-Indic 82", edited(cell(MENTOR, 1, "\u0668\u0662")), MENTOR, "ASCII digit")
    )
    jobbklubb = row("Jobbklubb", 5)  # 2 360
    arbeidspraksis = row("Arbeidspraksis", 3)  # Prosent 0
    zeros = [
        ("a leading zero '06'", MENTOR, 2, "06"),
        ("a leading zero '082'", MENTOR, 1, "082"),
        ("a zero written '00'", arbeidspraksis, 3, "00"),
        ("a zero written '-0'", arbeidspraksis, 3, "-0"),
        ("a leading zero before a group '0 082'", MENTOR, 1, "0 082"),
    ]
    found += [
        _text(n, edited(cell(at, c, v)), at, "leading zero|signed zero") for n, at, c, v in zeros
    ]
    separators = [
        ("a separator inside a two-digit figure '6 5'", MENTOR, 4, "6 5"),
        ("a group of two '23 60'", jobbklubb, 1, "23 60"),
        ("a group of one '2 36 0'", jobbklubb, 1, "2 36 0"),
        ("two spaces between groups", jobbklubb, 1, "2  360"),
        ("a space after the minus sign", TOTAL_1, 2, "- 2 159"),
        ("a no-break space inside a figure '6\u00a05'", MENTOR, 4, "6\u00a05"),
    ]
    found += [
        _text(n, edited(cell(at, c, v)), at, "thousands separator") for n, at, c, v in separators
    ]
    return found


def _months(today: date) -> list[Broken]:
    plausible = f"from {month_name(date(1990, 1, 1))} to {month_name(months_ahead(today, 1))}"
    found = [
        _text(
            f"month {name!r} on every page",
            with_month(ORIGINAL, name),
            FIRST_MONTH,
            f"month {name!r} is implausible: expected one {plausible}",
        )
        for name in (
            "Mars 0000",
            "Mars 9999",
            "Desember 1989",
            "Januar 1000",
            month_name(months_ahead(today, 2)),
        )
    ]
    found += [
        _text(
            f"a year in {script} digits",
            with_month(ORIGINAL, "Mars " + "".join(chr(ord(d) - ord("0") + zero) for d in "2014")),
            FIRST_MONTH,
            "unparsable month",
        )
        for script, zero in (("Arabic-Indic", 0x0660), ("fullwidth", 0xFF10))
    ]
    return found


def _sizes_and_labels() -> list[Broken]:
    last = rows("Egenetablering", 6, "Menn")[-1]
    malformed = with_lines_after(last, ["x\t1"] * 600_001)
    # Many rows, each an unknown tiltak: finding the group each is printed in must not take
    # time growing with the square of the rows.
    unknown = with_lines_after(last - 1, ["Ukjent\t\t\t\t"] * 400_000)
    heading = next(n for n, x in enumerate(LINES, start=1) if x == "## Tiltaksgrupper")
    found = [
        _text("600 001 malformed rows", malformed, last + 1, "1 cells, header has 4"),
        _text("400 000 unknown tiltak", unknown, last, "unknown tiltak"),
        _text("a 1 MB label", edited(cell(MENTOR, 0, "M" * 1_000_000)), MENTOR, "unknown tiltak"),
        _text(
            "a 1 MB table heading",
            edited(replace_line(heading, "## " + "T" * 1_000_000)),
            heading,
            "unknown table",
        ),
        _text("a 1 MB cell", edited(cell(MENTOR, 3, "x" * 1_000_000)), MENTOR, "not a number"),
        _text(
            "a row of 100 000 cells",
            edited(replace_line(MENTOR, "Mentor" + "\t1" * 100_000)),
            MENTOR,
            "100000 cells, header has 4",
        ),
    ]
    lookalikes = {
        "a Cyrillic e in a label": "M\u0435ntor",
        "a zero-width space in a label": "Men\u200btor",
        "a right-to-left override in a label": "\u202eMentor",
        "a C1 control character in a label": "Men\u009btor",
        "a line separator in a label": "Men\u2028tor",
    }
    found += [
        _text(name, edited(cell(MENTOR, 0, text)), MENTOR, "unknown tiltak")
        for name, text in lookalikes.items()
    ]
    return found


def hostile_reports(today: date) -> list[Broken]:
    """Every refused case; `today` fixes which months are still to come."""
    return [*_ranges(), *_digits_and_separators(), *_months(today), *_sizes_and_labels()]


def accepted_reports(today: date) -> dict[str, str]:
    """Valid reports at the edges the refused ones cross: each must load, every figure."""
    fjor = 2_000_000_000 - last_year_of("Andre på tiltak", "Menn")
    return {
        "a grand total of exactly 2 147 483 647": edited(*more_mentor(LARGEST - GRAND_TOTAL, 0)),
        "two counts of 1 000 000 000": edited(*more_mentor(1_000_000_000, 1_000_000_000)),
        "a last-year count of 2 000 000 000": edited(
            *more_last_year("Menn", "Andre på tiltak", fjor)
        ),
        "January 1990": with_month(ORIGINAL, "Januar 1990"),
        "next month": with_month(ORIGINAL, month_name(months_ahead(today, 1))),
    }


__all__ = ["EXAMPLE", "accepted_reports", "hostile_reports"]
