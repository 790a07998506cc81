"""The in-process nightly scheduler (APScheduler 3.x): ``python scheduler.py`` = ``pantau schedule``.

A thin entry point: the schedule is read from ``[schedule]`` in pantau.toml and
each run happens in a child process.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from pantau.cli import main as cli_main
    return cli_main(["schedule", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
