"""cProfile of one `load-report FILE` in process, run by bench/run.py as a fresh process:

    python profile_load.py OUT.txt FILE [load-report arguments]

Writes the top functions by cumulative and by own time to OUT.txt. `os._exit` (a command
may end with it once it has committed) is turned into SystemExit so the profile is written.
"""

import cProfile
import io
import os
import pstats
import sys
from importlib.metadata import entry_points
from typing import NoReturn


def _exit(code: int) -> NoReturn:
    raise SystemExit(code)


def main() -> None:
    out, *arguments = sys.argv[1:]
    (script,) = entry_points(group="console_scripts", name="load-report")
    sys.argv = ["load-report", *arguments]
    os._exit = _exit
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        script.load()()
    except SystemExit:
        pass
    finally:
        profiler.disable()
        sys.stdout.flush()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    text.write("== by cumulative time (imports included: the entry point is loaded inside)\n")
    stats.sort_stats("cumulative").print_stats(40)
    text.write("\n== by own time\n")
    stats.sort_stats("tottime").print_stats(30)
    with open(out, "w", encoding="utf-8") as file:
        file.write(text.getvalue())


if __name__ == "__main__":
    main()
