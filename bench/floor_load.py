"""The physical floor of loading one report, run by bench/run.py as a fresh process:

    python floor_load.py URL ROWS.json

Python start, `import psycopg`, connect, and COPY of the rows one report stores (its counts,
last year's counts, hidden sums and published cells, as tiltak stored them) into temporary
tables shaped like tiltak's, then commit. Nothing of tiltak is imported.
"""

import json
import sys

import psycopg
from psycopg import sql


def main() -> None:
    url, rows_file = sys.argv[1:3]
    with open(rows_file, encoding="utf-8") as file:
        tables = json.load(file)
    with psycopg.connect(url) as conn:
        for table, rows in tables.items():
            target = sql.Identifier(f"floor_{table}")
            conn.execute(
                sql.SQL("create temporary table {} (like {})").format(
                    target, sql.Identifier("tiltak", table)
                )
            )
            with conn.cursor().copy(sql.SQL("copy {} from stdin").format(target)) as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()


if __name__ == "__main__":
    main()
