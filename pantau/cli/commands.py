"""The one list of command groups. Each module registers its commands on ``app``."""

from pantau.cli import (  # noqa: F401
    workspace, watchlist, roster, imports, capture, crawl, nightly, match, export, review, ops, sandbox,
    report,
)
