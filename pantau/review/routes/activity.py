"""New interactions by people already confirmed, so their later likes are not missed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pantau.review import auth
from pantau.review.routes.queue import page_number
from pantau.review.web import render, review_of
from storage.queries import review as q

router = APIRouter()


@router.get("/activity")
def activity(request: Request, user: dict = Depends(auth.signed_in)):
    review = review_of(request)
    db = review.db()
    page = page_number(request)
    size = review.page_size
    rows = q.new_activity(db, limit=size + 1, offset=(page - 1) * size)
    # no total: counting all activity ever would cost more than the page itself
    return render(request, "activity.html", rows=rows[:size], page=page, has_more=len(rows) > size,
                  filter_params={})
