"""Sign-in and sign-out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request

from pantau.review import auth, csrf
from pantau.review.i18n import N_
from pantau.review.web import flash, local_path, redirect, render, review_of

router = APIRouter()


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    if auth.load_user(request) is not None:
        return redirect(local_path(next))
    return render(request, "login.html", next=local_path(next), name="")


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")):
    review = review_of(request)
    result = auth.sign_in(review.db(), review.throttle, name[:200], password[:1000], auth.client_ip(request))
    if result.user is None:
        status = 429 if result.wait else 401
        return render(request, "login.html", status, next=local_path(next), name=name[:200],
                      error=result.error, wait=result.wait)
    lang = request.session.get("lang")
    request.session.clear()          # a fresh session: nothing carried over from before sign-in
    if lang:
        request.session["lang"] = lang
    request.session["uid"] = result.user["id"]
    request.session["pwf"] = auth.fingerprint(result.user["password_hash"])
    request.session["sid"] = secrets.token_urlsafe(16)
    csrf.rotate(request)
    request.state.user = result.user
    return redirect(local_path(next))


@router.post("/logout")
def logout(request: Request):
    review_of(request).revoke(request.session.get("sid"))
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    csrf.rotate(request)
    flash(request, N_("You have signed out."))
    return redirect("/login")
