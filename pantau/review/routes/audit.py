"""The audit log, newest first, for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pantau.review import auth, filters, labels
from pantau.review.auditwords import describe
from pantau.review.i18n import translations
from pantau.review.routes.queue import page_number
from pantau.review.web import language, render, review_of
from storage.queries import review as q

router = APIRouter()
PAGE = 100


@router.get("/audit")
def audit(request: Request, user: dict = Depends(auth.admin)):
    db = review_of(request).db()
    stored_actions = q.audit_actions(db)
    # an action nobody wrote would show an empty log as if the filter found nothing: refused, named
    action = filters.one_of(request.query_params, "action", {*labels.AUDIT_ACTION, *stored_actions})
    who = filters.given_text(request.query_params, "user") if request.query_params.get("user") else None
    page = page_number(request)
    rows, total = q.audit_page(db, action=action, user=who, limit=PAGE, offset=(page - 1) * PAGE)
    gettext = translations(language(request)).gettext
    rows = [describe(r, gettext) for r in rows]
    params = {k: v for k, v in (("action", action), ("user", who)) if v}
    return render(request, "audit.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE)),
                  actions=[(a, gettext(labels.AUDIT_ACTION[a]) if a in labels.AUDIT_ACTION else a)
                           for a in stored_actions],
                  action=action or "", who=who or "", filter_params=params)
