"""The match page (who, why, every interaction with its evidence) and decisions on it."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request

from pantau.review import auth, filters
from pantau.review.highlight import explain
from pantau.review.i18n import N_, translations
from pantau.review.web import flash, language, redirect, render, review_of
from storage.queries import matches as matches_q
from storage.queries import review as q

router = APIRouter()

DECISIONS = ("confirmed", "rejected", "escalated")
NOTE_MAX = 2000
INTERACTIONS_PER_PAGE = 100


def load_match(db, match_id: int) -> dict:
    m = q.match(db, match_id)
    if m is None:
        raise HTTPException(404)
    try:
        m["features_list"] = json.loads(m["features"] or "[]")
    except ValueError:
        m["features_list"] = []
    return m


def match_context(db, m: dict, *, interactions_limit: int, offset: int = 0, gettext=lambda s: s,
                  lang: str | None = None) -> dict:
    interactions = q.actor_interactions(db, m["actor_id"], limit=interactions_limit, offset=offset)
    return {
        "m": m,
        "why": explain(m, gettext, lang),
        "interactions": interactions,
        "interaction_total": q.actor_interaction_count(db, m["actor_id"]),
        "evidence": q.evidence_for(db, [i["id"] for i in interactions]),
        "others": q.other_candidates(db, m["actor_id"], m["nip"], m["id"]),
    }


def match_url(match_id: int, params: dict) -> str:
    return f"/matches/{match_id}" + (("?" + urlencode(params)) if params else "")


@router.get("/matches/{match_id}")
def match_page(request: Request, match_id: int, user: dict = Depends(auth.signed_in)):
    db = review_of(request).db()
    m = load_match(db, match_id)
    f = filters.queue_filter(request.query_params)
    ipage = filters.page_number(request.query_params, "ipage")
    with q.scoped(db, f) as sf:
        prev_id, next_id = q.neighbours(db, sf, m["score"], m["id"])
    params = f.params()
    ctx = match_context(db, m, interactions_limit=INTERACTIONS_PER_PAGE,
                        offset=(ipage - 1) * INTERACTIONS_PER_PAGE, gettext=translations(language(request)).gettext,
                        lang=language(request))
    return render(
        request, "match.html", **ctx, filter_params=params, filter_query=urlencode(params),
        prev_url=match_url(prev_id, params) if prev_id else None,
        next_url=match_url(next_id, params) if next_id else None,
        ipage=ipage, ipages=max(1, -(-ctx["interaction_total"] // INTERACTIONS_PER_PAGE)),
        decisions=DECISIONS,
    )


@router.post("/matches/{match_id}/decision")
def decide(request: Request, match_id: int, decision: str = Form(...), note: str = Form(""),
           expected_status: str = Form(""), filter_query: str = Form(""),
           user: dict = Depends(auth.reviewer)):
    db = review_of(request).db()
    m = load_match(db, match_id)
    f = filters.queue_filter(dict(parse_qsl(filter_query, keep_blank_values=True)))
    params = f.params()
    if decision not in DECISIONS:
        flash(request, N_("Unknown decision."), "error")
        return redirect(match_url(match_id, params))
    note = note.strip()[:NOTE_MAX] or None
    try:
        matches_q.record_decision(db, match_id, decision, reviewer=user["name"], note=note,
                                  expected=expected_status or None)
    except matches_q.DecisionConflict as exc:
        flash(request, N_("%(reviewer)s changed this match while you were reading it; nothing was saved. "
                          "Check the current decision below."), "error", reviewer=exc.reviewer or "?")
        return redirect(match_url(match_id, params))
    flash(request, N_("Saved: %(decision)s."), "ok", decision=decision, match=match_id)
    # after a decision, the next pending match in the same filtered queue
    pending = dataclasses.replace(f, status="pending")
    with q.scoped(db, pending) as sp:
        _, next_id = q.neighbours(db, sp, m["score"], m["id"])
        if next_id is None:
            next_id = q.first_in_queue(db, sp)
    if next_id is None:
        return redirect("/?" + urlencode(pending.params()))
    return redirect(match_url(next_id, pending.params()))
