"""Admin: review-app users (list, add, reset a password, change role, deactivate and reactivate).

The same library functions as ``pantau user ...``: each change writes its audit row in the
transaction that makes it, and the last active admin can be neither demoted nor deactivated.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from pantau.review import auth, filters
from pantau.review.i18n import N_
from pantau.review.web import flash, redirect, render, review_of
from storage.queries import users as users_q

router = APIRouter()
PAGE = "/admin/users"


def _password_problem(password: str, again: str) -> str | None:
    """A message id saying why a new password is refused, or None (the rules of ``check_password_policy``)."""
    if password != again:
        return N_("The two passwords differ.")
    if auth.check_password_policy(password):
        return N_("A password needs at least %(min)s characters and no spaces at either end.")
    return None


@router.get(PAGE)
def users(request: Request, user: dict = Depends(auth.admin)):
    db = review_of(request).db()
    rows = users_q.all_users(db)
    return render(request, "admin_users.html", rows=rows, roles=users_q.ROLES, admin_tab="users",
                  min_password=auth.MIN_PASSWORD_LENGTH, filter_params={})


@router.post(PAGE + "/add")
def add(request: Request, name: str = Form(""), role: str = Form(""), password: str = Form(""),
        password2: str = Form(""), full_name: str = Form(""), user: dict = Depends(auth.admin)):
    db = review_of(request).db()
    name = name.strip()
    if auth.check_user_name(name):
        flash(request, N_("A user name is 1 to 64 characters without spaces."), "error")
    elif role not in users_q.ROLES:
        flash(request, N_("Choose a role."), "error")
    elif problem := _password_problem(password, password2):
        flash(request, problem, "error", min=auth.MIN_PASSWORD_LENGTH)
    else:
        try:
            users_q.add(db, name, auth.hash_password(password), role, by=user["name"],
                        full_name=_full_name(full_name))
            flash(request, N_("Added %(name)s as %(role)s."), "ok", name=name, role=role)
        except users_q.UserExists:
            flash(request, N_("A user named %(name)s already exists."), "error", name=name)
    return redirect(PAGE)


def _full_name(value: str) -> str | None:
    """The name and titles a case report prints for the reviewer (spaces tidied, at most 200 characters)."""
    value = " ".join(value.split())[:200]
    return value if value and value.isprintable() else None


@router.post(PAGE + "/fullname")
def fullname(request: Request, name: str = Form(""), full_name: str = Form(""), user: dict = Depends(auth.admin)):
    try:
        users_q.set_full_name(review_of(request).db(), name, _full_name(full_name), by=user["name"])
        flash(request, N_("Saved the full name of %(name)s for case reports."), "ok", name=name)
    except KeyError:
        flash(request, N_("There is no user named %(name)s."), "error", name=name)
    return redirect(PAGE)


def _change(request: Request, fn, name: str, *args, by: str):
    try:
        return fn(review_of(request).db(), name, *args, by=by)
    except KeyError:
        flash(request, N_("There is no user named %(name)s."), "error", name=name)
    except users_q.LastAdmin:
        flash(request, N_("%(name)s is the last active administrator: make another user administrator first."),
              "error", name=name)
    return None


@router.post(PAGE + "/password")
def password(request: Request, name: str = Form(""), password: str = Form(""), password2: str = Form(""),
             user: dict = Depends(auth.admin)):
    if problem := _password_problem(password, password2):
        flash(request, problem, "error", min=auth.MIN_PASSWORD_LENGTH)
        return redirect(PAGE)
    new_hash = auth.hash_password(password)
    if _change(request, users_q.set_password, name, new_hash, by=user["name"]):
        flash(request, N_("New password set for %(name)s; their open sessions have ended."), "ok", name=name)
        if name == user["name"]:            # keep the admin who changed their own password signed in
            request.session["pwf"] = auth.fingerprint(new_hash)
    return redirect(PAGE)


@router.post(PAGE + "/role")
def role(request: Request, name: str = Form(""), role: str = Form(""), user: dict = Depends(auth.admin)):
    if role not in users_q.ROLES:
        flash(request, N_("Choose a role."), "error")
        return redirect(PAGE)
    changed = _change(request, users_q.set_role, name, role, by=user["name"])
    if changed:
        flash(request, N_("%(name)s is now %(role)s."), "ok", name=name, role=role)
    if changed and name == user["name"] and role != "admin":
        return redirect("/")                 # no longer an admin: this page would be refused
    return redirect(PAGE)


@router.post(PAGE + "/active")
def active(request: Request, name: str = Form(""), active: str = Form(""), user: dict = Depends(auth.admin)):
    if active not in ("0", "1"):
        raise filters.bad_value("active", active)
    on = active == "1"
    if not on and name == user["name"]:
        flash(request, N_("You cannot deactivate your own account."), "error")
        return redirect(PAGE)
    if _change(request, users_q.set_active, name, on, by=user["name"]):
        flash(request, N_("%(name)s can sign in again.") if on else
              N_("%(name)s is deactivated: sign-in refused, open sessions ended, decisions kept."), "ok", name=name)
    return redirect(PAGE)
