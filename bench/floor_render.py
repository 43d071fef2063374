"""The physical floor of rendering one month, run by bench/run.py as a fresh process:

    python floor_render.py URL YYYY-MM-01

Python start, `import psycopg`, connect, and the six table views' rows of one month fetched
to the client. Nothing of tiltak is imported, nothing is formatted.
"""

import sys

import psycopg
from psycopg import sql

TABLES = (
    "hovedgrupper",
    "hovedgrupper_kjonn",
    "tiltaksgrupper",
    "tiltaksgrupper_kjonn",
    "tiltak_hovedgrupper",
    "tiltak_hovedgrupper_kjonn",
)


def main() -> None:
    url, periode = sys.argv[1:3]
    with psycopg.connect(url) as conn:
        for view in TABLES:
            query = sql.SQL("select * from {} where periode = %s").format(
                sql.Identifier("rapport", view)
            )
            conn.execute(query, (periode,)).fetchall()


if __name__ == "__main__":
    main()
