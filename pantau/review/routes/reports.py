"""Reports: confirmed cases per unit (CSV, XLSX); the case report of one employee is in ``cases``."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pantau.review import auth, filters
from pantau.review.reports import write_csv, write_xlsx
from pantau.review.web import language, render, review_of
from pantau.wording import for_settings
from storage.queries import audit as audit_q
from storage.queries import review as q
from storage.queries import transaction

router = APIRouter()

MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/reports")
def reports(request: Request, user: dict = Depends(auth.signed_in)):
    db = review_of(request).db()
    units = q.confirmed_by_unit(db)
    return render(request, "reports.html", units=units, total=sum(u["cases"] for u in units),
                  filter_params={})


def _filename(unit: str | None, fmt: str, tz) -> str:
    stamp = datetime.now(tz).strftime("%Y%m%d")          # the office's date, not the server's
    slug = re.sub(r"[^A-Za-z0-9]+", "-", unit or "").strip("-").lower()[:60]
    return f"pantau-kasus-{slug + '-' if slug else ''}{stamp}.{fmt}"


@router.get("/reports/confirmed.{fmt}")
def export_confirmed(request: Request, fmt: str, user: dict = Depends(auth.reviewer)):
    if fmt not in MEDIA:
        raise HTTPException(404)
    review = review_of(request)
    db = review.db()
    # absent: all units; no_unit=1: employees without a unit; an empty unit= is refused, not read as either
    unit = filters.given_text(request.query_params, "unit")
    if filters.one_of(request.query_params, "no_unit", ("1",)):
        unit = ""
    w = for_settings(review.settings, language(request))
    rows = q.confirmed_cases(db, unit)
    if fmt == "csv":
        data, n = write_csv(rows, w)
    else:
        data, n = write_xlsx(rows, q.confirmed_case_interactions(db, unit), w)
    with transaction(db):
        audit_q.write(db, "export", user=user["name"], object_type="report", object_id="confirmed",
                      detail={"format": fmt, "unit": unit, "rows": n})
    return Response(data, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{_filename(unit, fmt, review.tz)}"'})
