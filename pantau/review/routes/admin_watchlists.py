"""Admin: the watchlists (list, add an account by handle or profile URL, switch crawling on or off).

The YAML files stay the source of truth: every change goes through ``pantau.watchlist``'s
comment-preserving editor, exactly as ``pantau watchlist add`` does, and the database is then
synced from the files. A file someone broke by hand is shown, not overwritten.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from pantau import watchlist as wl
from pantau.errors import PantauError
from pantau.review import auth
from pantau.review.i18n import N_
from pantau.review.web import flash, redirect, render, review_of
from storage import platforms as registry
from storage.queries import audit as audit_q
from storage.queries import health as health_q
from storage.queries import transaction

router = APIRouter()
PAGE = "/admin/watchlists"
#: platforms an account can be added for here (web needs a selector profile: the command line)
FORM_PLATFORMS = tuple(n for n in registry.NAMES if n != "web")


def _sync(request: Request, user: dict) -> None:
    """Mirror the files into the database now, so the queue and the runs page agree with them."""
    from pantau.jobs.sync import sync_watchlists

    review = review_of(request)
    try:
        sync_watchlists(review.settings, review.db(), by=user["name"])
    except PantauError:
        flash(request, N_("The file was changed, but the database waits: a watchlist file has a problem "
                          "(listed below). Fix it and the next sync or run picks the change up."), "error")


@router.get(PAGE)
def watchlists(request: Request, user: dict = Depends(auth.admin)):
    review = review_of(request)
    settings = review.settings
    ws = wl.load(settings.watchlists_dir, wl.known_profiles(settings.workspace))
    stored = {(a["platform"], a["handle"]): a for a in health_q.accounts(review.db())}
    rows = [{"a": a, "db": stored.get((a.platform, a.key))} for a in ws.accounts]
    return render(request, "admin_watchlists.html", rows=rows, errors=ws.errors,
                  files=[p.name for p in ws.files], platforms=FORM_PLATFORMS, roles=wl.ROLES,
                  candidates=wl.candidates(settings.watchlists_dir), admin_tab="watchlists", filter_params={})


@router.post(PAGE + "/add")
def add(request: Request, account: str = Form(""), platform: str = Form(""), candidate: str = Form(""),
        role: str = Form(""), url: str = Form(""), user: dict = Depends(auth.admin)):
    settings = review_of(request).settings
    account, candidate, url = account.strip()[:500], " ".join(candidate.split())[:200], url.strip()[:500]
    platform = platform if platform in FORM_PLATFORMS else None
    role = role if role in wl.ROLES else None
    if not account:
        flash(request, N_("Give the account's handle or profile URL."), "error")
        return redirect(PAGE)
    if not candidate:
        flash(request, N_("Give the candidate's name."), "error")
        return redirect(PAGE)
    # the same reading as the command line's, with a message the reader can read
    if wl.looks_like_url(account):
        ref = registry.parse_profile_url(account)
        if ref is None:
            flash(request, N_("%(text)s is not a profile address Pantau knows."), "error", text=account)
            return redirect(PAGE)
        if platform and ref.platform != platform:
            flash(request, N_("%(text)s is a %(found)s profile, not %(platform)s."), "error", text=account,
                  found=registry.get(ref.platform).title, platform=registry.get(platform).title)
            return redirect(PAGE)
        if ref.platform == "web":
            flash(request, N_("Accounts on rendered web pages need a selector profile: add them with "
                              "the command line."), "error")
            return redirect(PAGE)
        platform = ref.platform
    elif platform is None:
        flash(request, N_("Choose the platform, or give a profile URL."), "error")
        return redirect(PAGE)
    try:
        platform, handle = wl.resolve_handle(platform, account)
    except PantauError:
        flash(request, N_("%(text)s is not a profile address Pantau knows."), "error", text=account)
        return redirect(PAGE)
    if wl.check_handle(platform, handle):
        flash(request, N_("%(handle)s is not a valid %(platform)s handle."), "error", handle=handle,
              platform=registry.get(platform).title)
        return redirect(PAGE)
    if url and wl.check_url(url):
        flash(request, N_("The page address must start with http:// or https://."), "error")
        return redirect(PAGE)
    existing = dict(wl.candidates(settings.watchlists_dir))
    if role and existing.get(candidate) and existing[candidate] != role:
        flash(request, N_("%(candidate)s is already listed with the role %(role)s. Leave the role empty to add "
                          "the account to them, or give another name for a different candidate."), "error",
              candidate=candidate, role=existing[candidate])
        return redirect(PAGE)
    try:
        path = wl.add(settings.watchlists_dir, platform, handle, candidate=candidate, role=role, url=url or None)
    except PantauError as exc:
        if "already in" in str(exc):
            flash(request, N_("%(platform)s %(handle)s is already in a watchlist."), "error",
                  platform=registry.get(platform).title, handle=handle)
        else:
            flash(request, N_("The watchlist was not changed: %(reason)s"), "error", reason=str(exc))
        return redirect(PAGE)
    db = review_of(request).db()
    with transaction(db):
        audit_q.write(db, "watchlist.add", user=user["name"], object_type="account",
                      object_id=f"{platform}:{handle}",
                      detail={"candidate": candidate, "role": role, "file": path.name, "url": url or None})
    _sync(request, user)
    flash(request, N_("Added %(platform)s %(handle)s for %(candidate)s to %(file)s."), "ok",
          platform=registry.get(platform).title, handle=handle, candidate=candidate, file=path.name)
    return redirect(PAGE)


@router.post(PAGE + "/enabled")
def enabled(request: Request, platform: str = Form(""), handle: str = Form(""), enabled: str = Form(""),
            user: dict = Depends(auth.admin)):
    settings = review_of(request).settings
    on = enabled == "1"
    if platform not in registry.NAMES:
        flash(request, N_("That account is not in any watchlist."), "error")
        return redirect(PAGE)
    try:
        path, changed = wl.set_enabled(settings.watchlists_dir, platform, handle, on)
    except PantauError:
        flash(request, N_("That account is not in any watchlist."), "error")
        return redirect(PAGE)
    if changed:
        db = review_of(request).db()
        with transaction(db):
            audit_q.write(db, "watchlist.enable" if on else "watchlist.disable", user=user["name"],
                          object_type="account", object_id=f"{platform}:{handle}", detail={"file": path.name})
        _sync(request, user)
    flash(request, N_("%(platform)s %(handle)s will be crawled again.") if on else
          N_("%(platform)s %(handle)s will no longer be crawled; its history is kept."), "ok",
          platform=registry.get(platform).title, handle=handle)
    return redirect(PAGE)
