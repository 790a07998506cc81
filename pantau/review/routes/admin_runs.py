"""Admin: runs and health (the last runs, each account's state, failures, silent accounts, interactions per night).

The chart is inline SVG drawn by the template from numbers computed here: no script, no
library, and it prints.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, Request

from pantau.review import auth, filters
from pantau.review.web import redirect, render, review_of
from storage.queries import health as health_q
from storage.queries import runs as runs_q

router = APIRouter()
NIGHTS = 30
RUNS = 20
CHART_W, CHART_H = 600, 140


def nights(hours: list[tuple[str, int]], tz, today, n: int = NIGHTS) -> list[dict]:
    """Counts per local day for the ``n`` days up to ``today``, from counts per UTC hour."""
    days = {today - timedelta(days=i): 0 for i in range(n - 1, -1, -1)}
    for hour, count in hours:
        try:
            t = datetime.fromisoformat(hour + ":00:00").replace(tzinfo=timezone.utc)
        except ValueError:
            continue
        d = t.astimezone(tz).date()
        if d in days:
            days[d] += count
    return [{"day": d, "count": c} for d, c in days.items()]


def chart(series: list[dict]) -> dict:
    """Bar geometry for the template: one bar a night, scaled to the busiest night."""
    top = max((s["count"] for s in series), default=0)
    width = CHART_W / max(1, len(series))
    bars = []
    for i, s in enumerate(series):
        h = round(s["count"] / (top or 1) * (CHART_H - 20), 1)
        bars.append({**s, "x": round(i * width + 1, 1), "w": round(max(1.0, width - 2), 1),
                     "y": round(CHART_H - h, 1), "h": h})
    return {"bars": bars, "top": top, "width": CHART_W, "height": CHART_H,
            "total": sum(s["count"] for s in series)}


@router.get("/admin")
def admin_home(request: Request, user: dict = Depends(auth.admin)):
    return redirect("/admin/runs")


@router.get("/admin/runs")
def runs(request: Request, user: dict = Depends(auth.admin)):
    review = review_of(request)
    db = review.db()
    today = datetime.now(timezone.utc).astimezone(review.tz).date()
    until = filters.day(request.query_params, "until")      # ?until=YYYY-MM-DD looks at older nights
    if until is not None:
        today = min(today, until)
    first = datetime.combine(today - timedelta(days=NIGHTS - 1), datetime.min.time(), review.tz)
    since = first.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")
    until = datetime.combine(today + timedelta(days=1), datetime.min.time(), review.tz)
    series = nights(health_q.interactions_per_hour(db, since, until.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")),
                    review.tz, today)
    return render(request, "admin_runs.html", runs=health_q.recent_runs(db, RUNS),
                  accounts=health_q.accounts(db), failures=health_q.account_failures(db),
                  silent=runs_q.silent_accounts(db), chart=chart(series), nights=NIGHTS,
                  until=today, admin_tab="runs", filter_params={})
