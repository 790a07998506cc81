"""The queue: possible matches, highest score first, with filters and counts per status."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pantau.review import auth
from pantau.review.web import render, review_of
from storage.queries import review as q
from storage.records import BANDS, MATCH_STATUSES, PLATFORMS


router = APIRouter()


def page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


@router.get("/")
def queue(request: Request, user: dict = Depends(auth.signed_in)):
    review = review_of(request)
    db = review.db()
    f = q.QueueFilter.from_params(request.query_params)
    page = page_number(request)
    size = review.page_size
    rows = q.queue(db, f, limit=size, offset=(page - 1) * size)
    counts = q.status_counts(db, f)
    total = counts.get(f.status, 0) if f.status else sum(counts.values())   # one count query, not two
    return render(
        request, "queue.html", rows=rows, total=total, counts=counts, filter=f,
        filter_params=f.params(), page=page, pages=max(1, -(-total // size)), page_size=size,
        options=q.filter_options(db), statuses=MATCH_STATUSES, bands=BANDS, platforms=PLATFORMS,
    )
