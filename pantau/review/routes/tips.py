"""Citizen reports: the public form (/lapor, /lapor/status) and the reviewers' triage (/tips).

The public pages exist only when ``[tips] enabled = true``. What a reporter gives
is shown to signed-in reviewers and admins only; the reporter learns nothing but
their receipt code and the report's status. Rate limits and the body cap are in
``pantau.review.tips_guard``, before this code runs.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pantau.review import auth, filters
from pantau.review.i18n import N_, translations
from pantau.review.web import flash, language, redirect, render, review_of
from pantau.tips import form as tip_form
from pantau.tips import known, service
from pantau.tips.receipt import new_code, normalise_code
from storage.queries import tips as tips_q

public = APIRouter()
router = APIRouter()

#: problem codes of pantau.tips -> what the reader is told
PROBLEMS = {
    "link.required": N_("Give at least one link to the comment, post or account."),
    "link.too_many": N_("Give at most %(max)s links."),
    "link.too_long": N_("Link %(line)s is too long."),
    "link.malformed": N_("Link %(line)s is not a complete web address."),
    "link.scheme": N_("Link %(line)s must start with http:// or https://."),
    "link.credentials": N_("Link %(line)s contains a user name or password; remove it."),
    "what.short": N_("Describe what happened in at least %(min)s characters."),
    "text.too_long": N_("This field is too long (at most %(max)s characters)."),
    "nip.format": N_("An NIP has 18 digits. Leave the field empty if you are not sure."),
    "image.too_many": N_("Attach at most %(max)s images."),
    "image.empty": N_("Image %(n)s is empty."),
    "image.too_big": N_("Image %(n)s is larger than %(mb)s MB."),
    "image.type": N_("File %(n)s is not a PNG, JPEG or WebP image. Other files (such as SVG, HTML or documents) are not accepted."),
    "image.pixels": N_("Image %(n)s has too many pixels."),
    "image.broken": N_("Image %(n)s could not be read; it may be damaged."),
}
ACTION_PROBLEMS = {
    "watchlist.candidate": N_("Name the candidate the account belongs to."),
    "watchlist.exists": N_("That account is already in a watchlist."),
    "watchlist.role": N_("%(candidate)s is already listed with the role %(role)s. Leave the role empty to add "
                         "the account to them, or give another name for a different candidate."),
    "watchlist.handle": N_("That is not a valid handle for this platform."),
    "watchlist.refused": N_("The watchlist was not changed; check the platform, handle and link."),
    "record.account": N_("Choose the candidate account the interaction was on."),
    "record.kind": N_("Choose the kind of interaction."),
    "record.actor": N_("Give the handle of the account that interacted."),
    "record.post": N_("Give the link of the candidate's post."),
    "record.link": N_("Links must start with http:// or https://."),
    "record.time": N_("The time is not in the form YYYY-MM-DD HH:MM."),
}
PUBLIC_STATUS = {"received": N_("Received"), "checking": N_("Being checked"), "closed": N_("Closed")}
PUBLIC_STATUS_HELP = {
    "received": N_("Your report has arrived and waits for an officer."),
    "checking": N_("An officer is checking your report."),
    "closed": N_("The check of your report is finished."),
}
VERDICT_SAVED = {"valid": N_("Report marked valid: it stays open while it is checked."),
                 "invalid": N_("Report marked invalid and closed."),
                 "duplicate": N_("Report marked as a duplicate and closed.")}
RECEIPT_KEY = "tip_receipt"
TEXT_FIELDS = ("links", "person_name", "person_nip", "person_unit", "what", "contact")


def _enabled(request: Request) -> None:
    if not review_of(request).settings.tips.enabled:
        raise HTTPException(404)


# --- the public side ---------------------------------------------------------------------------

def _form_page(request: Request, status: int = 200, *, values: dict | None = None, problems=(),
               refused: str | None = None):
    tips = review_of(request).settings.tips
    by_field: dict[str, list] = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(p)
    return render(request, "lapor.html", status, values=values or {}, problems=list(problems), refused=refused,
                  by_field=by_field, PROBLEMS=PROBLEMS, max_images=tips.max_images,
                  max_mb=tips.max_image_mb, max_links=tips.max_links, max_text=tips.max_text,
                  field_max={"person_name": tip_form.NAME_MAX, "person_unit": tip_form.UNIT_MAX,
                             "contact": tip_form.CONTACT_MAX})


@public.get("/lapor")
def report_form(request: Request, _: None = Depends(_enabled)):
    return _form_page(request)


@public.post("/lapor")
async def report_submit(request: Request, _: None = Depends(_enabled)):
    review = review_of(request)
    tips = review.settings.tips
    form = await request.form()
    values = {k: v for k in (*TEXT_FIELDS, tip_form.HONEYPOT) if isinstance(v := form.get(k), str)}
    if tip_form.is_bot(values):
        # a filled honeypot gets what looks like a receipt; nothing is stored
        request.session[RECEIPT_KEY] = new_code()
        return redirect("/lapor/terkirim")
    uploads = []
    for f in form.getlist("images"):
        if isinstance(f, UploadFile):
            uploads.append((f.filename or "", await f.read()))
    submission, problems = tip_form.validate(values, max_links=tips.max_links, max_text=tips.max_text)
    checked = await run_in_threadpool(service.check_images, uploads, tips)
    problems += checked.problems
    if problems:
        return _form_page(request, 400, values=_echo(values, tips), problems=problems)
    lang = language(request)
    received = await run_in_threadpool(
        lambda: service.store(review.db(), review.settings.tips_dir, submission, checked.images, language=lang))
    request.session[RECEIPT_KEY] = received.code
    return redirect("/lapor/terkirim")


def _echo(values: dict, tips) -> dict:
    """Typed text comes back so nothing is lost, but never more of it than the form takes."""
    return {k: v[:tips.max_text if k == "what" else tips.max_links * 2002 if k == "links" else 200]
            for k, v in values.items() if k in TEXT_FIELDS}


async def refused(request: Request, cross_site: bool):
    """The public page again after a CSRF refusal (403), never the reviewers' error page.

    A reporter whose form went stale (the anonymous session cookie expired, or the form was
    opened before a restart) gets the form back with a new token and the text typed, and
    sends it again; nothing was stored. A post from another site gets an empty form: what
    another site sent is not shown as if the reader had typed it.
    """
    values: dict = {}
    if not cross_site:
        try:
            form = await request.form()
        except Exception:               # a body past the cap, or one that does not parse: nothing to keep
            form = {}
        values = {k: v for k in (*TEXT_FIELDS, "code") if isinstance(v := form.get(k), str)}
    why = "cross_site" if cross_site else "stale"
    if request.url.path == "/lapor/status":
        return render(request, "lapor_status.html", 403, code=_shown_code(values.get("code", "")), status=None,
                      refused=why, PUBLIC_STATUS=PUBLIC_STATUS, PUBLIC_STATUS_HELP=PUBLIC_STATUS_HELP)
    return _form_page(request, 403, values=_echo(values, review_of(request).settings.tips), refused=why)


def _shown_code(typed: str) -> str:
    """The code as it is stored (``ABCD-EFGH-JKMN``) when it can be one, else as typed, to be corrected."""
    return normalise_code(typed) or typed[:64]


@public.get("/lapor/terkirim")
def report_receipt(request: Request, _: None = Depends(_enabled)):
    code = request.session.pop(RECEIPT_KEY, None)
    if not code:
        return redirect("/lapor")
    return render(request, "lapor_receipt.html", code=code)


@public.get("/lapor/status")
def status_form(request: Request, _: None = Depends(_enabled)):
    return render(request, "lapor_status.html", code="", status=None, PUBLIC_STATUS=PUBLIC_STATUS,
                  PUBLIC_STATUS_HELP=PUBLIC_STATUS_HELP)


@public.post("/lapor/status")
def status_lookup(request: Request, code: str = Form(""), _: None = Depends(_enabled)):
    norm = normalise_code(code)
    status = service.public_status(review_of(request).db(), norm) if norm else None
    return render(request, "lapor_status.html", 200 if status else 404, code=_shown_code(code), status=status,
                  looked_up=True, PUBLIC_STATUS=PUBLIC_STATUS, PUBLIC_STATUS_HELP=PUBLIC_STATUS_HELP)


# --- the reviewers' side -----------------------------------------------------------------------

def _tip(db, tip_id: int) -> dict:
    tip = tips_q.get(db, tip_id)
    if tip is None:
        raise HTTPException(404)
    return tip


@router.get("/tips")
def triage(request: Request, user: dict = Depends(auth.reviewer)):
    from pantau.review.routes.queue import page_number
    review = review_of(request)
    db = review.db()
    status = filters.one_of(request.query_params, "status", (*tips_q.STATUSES, "all"), default="new")
    page = page_number(request)
    size = review.page_size
    rows = tips_q.queue(db, status=None if status == "all" else status, limit=size + 1,
                        offset=(page - 1) * size)
    return render(request, "tips.html", rows=rows[:size], has_more=len(rows) > size, page=page,
                  counts=tips_q.counts(db), status=status, filter_params={"status": status}, nav="tips",
                  enabled=review.settings.tips.enabled)


@router.get("/tips/export.{fmt}")
def export(request: Request, fmt: str, user: dict = Depends(auth.admin)):
    from pantau.review.tips_export import MEDIA, write
    if fmt not in MEDIA:
        raise HTTPException(404)
    review = review_of(request)
    db = review.db()
    data, n = write(tips_q.for_export(db), fmt, translations(language(request)).gettext, review.tz)
    tips_q.record_export(db, user=user["name"], fmt=fmt, rows=n)
    stamp = datetime.now(review.tz).strftime("%Y%m%d")            # the office's date, not the server's
    return Response(data, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="pantau-laporan-warga-{stamp}.{fmt}"'})


@router.get("/tips/{tip_id}")
def tip_page(request: Request, tip_id: int, user: dict = Depends(auth.reviewer)):
    review = review_of(request)
    db = review.db()
    tip = _tip(db, tip_id)
    tips_q.viewed(db, tip_id, user=user["name"])
    links = known.links_known(db, tip["links_list"])
    handles = [(li.platform, li.handle) for li in links if li.platform and li.handle]
    people = known.person_matches(review.settings, db, review.roster_cache, name=tip["person_name"],
                                  nip=tip["person_nip"], unit=tip["person_unit"], handles=handles)
    return render(request, "tip.html", tip=tip, images=tips_q.images(db, tip_id), links=links, people=people,
                  linked_interactions=tips_q.linked_interactions(db, tip_id),
                  linked_matches=tips_q.linked_matches(db, tip_id),
                  others=tips_q.other_tips_with_links(db, tip_id, tip["links_list"]),
                  accounts=tips_q.watched_accounts(db), nav="tips", filter_params={},
                  ACTION_PROBLEMS=ACTION_PROBLEMS,
                  kinds=("comment", "reply", "like", "repost", "quote", "follow"),
                  roles=("capres", "cawapres", "dpr", "dpd", "dprd", "kepala-daerah", "partai", "tim-kampanye"))


@router.get("/tips/{tip_id}/images/{image_id}")
def tip_image(request: Request, tip_id: int, image_id: int, user: dict = Depends(auth.reviewer)):
    review = review_of(request)
    row = tips_q.image(review.db(), image_id)
    if row is None or row["tip_id"] != tip_id:
        raise HTTPException(404)
    path = service.image_path(review.settings.tips_dir, row)
    if path is None:
        raise HTTPException(404)
    return FileResponse(path, media_type=f"image/{row['format']}", headers={
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
        "Content-Disposition": "inline", "Cache-Control": "no-store"})


def _back(tip_id: int):
    return redirect(f"/tips/{tip_id}")


@router.post("/tips/{tip_id}/verdict")
def set_verdict(request: Request, tip_id: int, verdict: str = Form(...), duplicate_of: str = Form(""),
                note: str = Form(""), user: dict = Depends(auth.reviewer)):
    db = review_of(request).db()
    _tip(db, tip_id)
    if verdict not in tips_q.VERDICTS:
        flash(request, N_("Unknown decision."), "error")
        return _back(tip_id)
    dup = None
    if verdict == "duplicate":
        try:
            dup = int(duplicate_of.strip().lstrip("#"))
        except ValueError:
            dup = None
        if dup is None or dup == tip_id or not tips_q.exists(db, "tip", dup):
            flash(request, N_("Give the number of the report this one repeats."), "error")
            return _back(tip_id)
    tips_q.set_verdict(db, tip_id, verdict, reviewer=user["name"], duplicate_of=dup,
                       note=note.strip()[:2000] or None)
    flash(request, VERDICT_SAVED[verdict], "ok")
    return _back(tip_id)


@router.post("/tips/{tip_id}/erase")
def erase(request: Request, tip_id: int, confirm: str = Form(""), user: dict = Depends(auth.admin)):
    review = review_of(request)
    db = review.db()
    _tip(db, tip_id)
    if confirm != "yes":
        flash(request, N_("Tick the box to confirm that the report is to be erased."), "error")
        return _back(tip_id)
    service.erase(review.settings, db, tip_id, user=user["name"])
    flash(request, N_("The report was erased: its text, names, links, contact and images are gone."), "ok")
    return _back(tip_id)


@router.post("/tips/{tip_id}/status")
def set_status(request: Request, tip_id: int, status: str = Form(...), user: dict = Depends(auth.reviewer)):
    db = review_of(request).db()
    _tip(db, tip_id)
    if status not in tips_q.STATUSES:
        raise filters.bad_value("status", status)
    tips_q.set_status(db, tip_id, status, reviewer=user["name"])
    flash(request, N_("Saved."), "ok")
    return _back(tip_id)


@router.post("/tips/{tip_id}/employee")
def link_employee(request: Request, tip_id: int, nip: str = Form(""), user: dict = Depends(auth.reviewer)):
    db = review_of(request).db()
    _tip(db, tip_id)
    nip = "".join(ch for ch in nip if ch.isdigit())[:18]
    if nip and tips_q.employee(db, nip) is None:
        flash(request, N_("No employee on the roster has that NIP."), "error")
        return _back(tip_id)
    tips_q.link_employee(db, tip_id, nip or None, reviewer=user["name"])
    flash(request, N_("Linked to the employee; the report now shows in the case.") if nip
          else N_("The link to the employee was removed."), "ok")
    return _back(tip_id)


@router.post("/tips/{tip_id}/link")
def link_ref(request: Request, tip_id: int, kind: str = Form(...), ref_id: int = Form(...),
             action: str = Form("add"), user: dict = Depends(auth.reviewer)):
    db = review_of(request).db()
    _tip(db, tip_id)
    if kind not in tips_q.REF_KINDS or not tips_q.exists(db, kind, ref_id):
        raise HTTPException(404)
    if action == "remove":
        tips_q.remove_ref(db, tip_id, kind, ref_id, reviewer=user["name"])
        flash(request, N_("Link removed."), "ok")
    else:
        tips_q.add_ref(db, tip_id, kind, ref_id, reviewer=user["name"])
        flash(request, N_("Linked."), "ok")
    return _back(tip_id)


@router.post("/tips/{tip_id}/watchlist")
def add_to_watchlist(request: Request, tip_id: int, platform: str = Form(...), handle: str = Form(...),
                     candidate: str = Form(""), role: str = Form(""), url: str = Form(""),
                     user: dict = Depends(auth.reviewer)):
    review = review_of(request)
    db = review.db()
    _tip(db, tip_id)
    try:
        path = service.add_to_watchlist(review.settings, db, tip_id, platform=platform[:40], handle=handle[:200],
                                        candidate=candidate, role=role, url=url[:2000], user=user["name"])
    except service.ActionError as exc:
        flash(request, ACTION_PROBLEMS[exc.code], "error", **exc.params)
        return _back(tip_id)
    flash(request, N_("Added to the watchlist %(file)s; the next crawl collects it."), "ok", file=path.name)
    return _back(tip_id)


@router.post("/tips/{tip_id}/record")
def record_interaction(request: Request, tip_id: int, account_id: int = Form(0), kind: str = Form(""),
                       actor_handle: str = Form(""), actor_name: str = Form(""), post_url: str = Form(""),
                       url: str = Form(""), text: str = Form(""), created_at: str = Form(""),
                       user: dict = Depends(auth.reviewer)):
    review = review_of(request)
    db = review.db()
    _tip(db, tip_id)
    try:
        iid = service.record_interaction(review.settings, db, tip_id, account_id=account_id, kind=kind,
                                         actor_handle=actor_handle, actor_name=actor_name,
                                         post_url=post_url[:2000], url=url[:2000], text=text,
                                         created_at=created_at[:40], user=user["name"])
    except service.ActionError as exc:
        flash(request, ACTION_PROBLEMS[exc.code], "error", **exc.params)
        return _back(tip_id)
    flash(request, N_("Interaction %(id)s recorded with the report's images as its evidence."), "ok", id=iid)
    return _back(tip_id)
