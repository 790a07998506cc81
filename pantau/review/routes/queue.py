"""The queue: possible matches (pairs) or cases (employees), highest score first, with search and filters."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pantau.review import auth, filters
from pantau.review.web import render, review_of
from storage.queries import cases as cases_q
from storage.queries import review as q
from storage.records import BANDS, KINDS, MATCH_STATUSES, PLATFORMS

router = APIRouter()


def page_number(request: Request) -> int:
    return filters.page_number(request.query_params)


@router.get("/")
def queue(request: Request, user: dict = Depends(auth.signed_in)):
    review = review_of(request)
    db = review.db()
    params = request.query_params
    f = filters.queue_filter(params)
    view = filters.view(params)
    page = page_number(request)
    size = review.page_size
    with q.scoped(db, f) as sf:
        if view == "cases":
            rows = cases_q.cases_page(db, sf, limit=size, offset=(page - 1) * size)
            counts = cases_q.case_counts(db, sf)
            # an employee with pairs of two statuses counts under both tabs, so "all" is its own count
            total = counts.get(f.status, 0) if f.status else cases_q.case_total(db, sf)
            all_count = total if not f.status else None
        else:
            rows = q.queue(db, sf, limit=size, offset=(page - 1) * size)
            counts = q.status_counts(db, sf)
            total = counts.get(f.status, 0) if f.status else sum(counts.values())   # one count query, not two
            all_count = sum(counts.values())
    filter_params = f.params()
    if view != "pairs":
        filter_params["view"] = view
    return render(
        request, "queue.html", rows=rows, total=total, counts=counts, all_count=all_count, filter=f,
        view=view, filter_params=filter_params, page=page, pages=max(1, -(-total // size)), page_size=size,
        options=q.filter_options(db), candidates=cases_q.candidates(db), reviewers=cases_q.reviewers(db),
        statuses=MATCH_STATUSES, bands=BANDS, platforms=PLATFORMS, kinds=KINDS,
    )
