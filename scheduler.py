"""The in-process nightly scheduler (APScheduler 3.x): ``python scheduler.py`` = ``pantau schedule``.

A thin entry point: the schedule is read from ``[schedule]`` in pantau.toml and
each run happens in a child process; see pantau/jobs/schedule.py and
docs/operations.md.
"""

from __future__ import annotations

import sys

from pantau.jobs.schedule import main

if __name__ == "__main__":
    sys.exit(main())
