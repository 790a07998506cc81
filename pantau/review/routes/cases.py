"""A case is a person: one employee with every account proposed for them, and their case report."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from pantau import case_report
from pantau.review import auth, filters
from pantau.review.web import language, redirect, render, review_of
from pantau.wording import for_settings
from storage.queries import audit as audit_q
from storage.queries import review as q
from storage.queries import transaction
from storage.records import mask_nip

router = APIRouter()
INTERACTIONS_PER_PAGE = 100
_NIP = re.compile(r"\d{18}")


def _nip(nip: str) -> str:
    if not _NIP.fullmatch(nip):
        raise HTTPException(404)
    return nip


def _case(db, nip: str, **kw) -> case_report.Case:
    try:
        return case_report.load_case(db, nip, **kw)
    except case_report.NoCase:
        raise HTTPException(404) from None


@router.get("/cases/{nip}")
def case_page(request: Request, nip: str, user: dict = Depends(auth.signed_in)):
    db = review_of(request).db()
    # the case's one pager: ``ipage`` in its own links, ``page`` as on every other page; both checked
    params = request.query_params
    page = filters.page_number(params, "page")
    ipage = filters.page_number(params, "ipage") if params.get("ipage") else page
    case = _case(db, _nip(nip), confirmed_only=False, limit=INTERACTIONS_PER_PAGE,
                 offset=(ipage - 1) * INTERACTIONS_PER_PAGE)
    if not case.accounts and not case.tips:          # a citizen report alone makes a case worth opening
        raise HTTPException(404)
    w = for_settings(review_of(request).settings, language(request))
    return render(request, "case.html", case=case, emp=case.employee, w=w, ipage=ipage,
                  ipages=max(1, -(-case.interaction_total // INTERACTIONS_PER_PAGE)),
                  has_confirmed=any(a["status"] == "confirmed" for a in case.accounts),
                  filter_params={})


@router.get("/cases/{nip}/report")
def case_report_page(request: Request, nip: str, user: dict = Depends(auth.signed_in)):
    review = review_of(request)
    db = review.db()
    case = _case(db, _nip(nip))
    w = for_settings(review.settings, language(request))
    body = case_report.render_html(case, review.settings, wording=w, for_print=False,
                                   printed_by=case_report.printer_name(db, user["name"], w))
    with transaction(db):
        audit_q.write(db, "export", user=user["name"], object_type="case", object_id=mask_nip(nip),
                      detail={"format": "html", "report": "case"})
    return render(request, "case_report.html", body=Markup(body), emp=case.employee, filter_params={})


@router.get("/cases/{nip}/report.pdf")
def case_report_pdf(request: Request, nip: str, user: dict = Depends(auth.reviewer)):
    review = review_of(request)
    db = review.db()
    case = _case(db, _nip(nip))
    w = for_settings(review.settings, language(request))
    pdf = review.printer.pdf(case_report.render_html(case, review.settings, wording=w,
                                                     printed_by=case_report.printer_name(db, user["name"], w)))
    with transaction(db):
        audit_q.write(db, "export", user=user["name"], object_type="case", object_id=mask_nip(nip),
                      detail={"format": "pdf", "report": "case"})
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="pantau-kasus-{nip[-4:]}.pdf"'})


@router.get("/matches/{match_id}/report")
def match_report(request: Request, match_id: int, user: dict = Depends(auth.signed_in)):
    """The report of a match is its employee's case report."""
    m = q.match(review_of(request).db(), match_id)
    if m is None:
        raise HTTPException(404)
    return redirect(f"/cases/{m['nip']}/report")
