"""cProfile of `load-report` in process, run by bench/run.py as a fresh process:

    python profile_load.py OUT.txt FIRST SECOND

Loads FIRST, then SECOND, each profiled: the first load pays the imports, the second is one
load's own work (parse, validate, connect, schema check, write). Writes the top functions of
each, by cumulative and by own time, to OUT.txt. `os._exit` (a command may end with it once
it has committed) is turned into SystemExit so that both loads run and the file is written.
"""

import cProfile
import io
import os
import pstats
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import NoReturn


def _exit(code: int) -> NoReturn:
    raise SystemExit(code)


def _profiled(command: Callable[[], object], title: str, text: io.StringIO) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        command()
    except SystemExit:
        pass
    finally:
        profiler.disable()
        sys.stdout.flush()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    text.write(f"==== {title}: by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(35)
    text.write(f"==== {title}: by own time\n")
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    out, first, second = sys.argv[1:4]
    (script,) = entry_points(group="console_scripts", name="load-report")
    os._exit = _exit
    text = io.StringIO()
    sys.argv = ["load-report", first]
    _profiled(lambda: script.load()(), "first load in the process (imports included)", text)
    sys.argv = ["load-report", second]
    _profiled(lambda: script.load()(), "second load (imports done: one load's own work)", text)
    with open(out, "w", encoding="utf-8") as file:
        file.write(text.getvalue())


if __name__ == "__main__":
    main()
