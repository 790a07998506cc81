"""The capture tests' workspace: the scenario's watchlist of the candidate's accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pantau.capture import scenario as sc


@pytest.fixture
def ws(workspace: Path) -> Path:
    (workspace / "watchlists" / "calon.yaml").write_text(sc.WATCHLIST, encoding="utf-8")
    return workspace
