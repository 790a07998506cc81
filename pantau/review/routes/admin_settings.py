"""Admin: the settings in force, read only, never a secret.

Keys that name an environment variable show the name and whether it is set, never its value;
a webhook address (often carrying a token) shows only its scheme and host.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request

from pantau import config
from pantau.review import auth
from pantau.review.web import render, review_of

router = APIRouter()
#: values that may carry a credential: only where they point is shown
HOST_ONLY = {"webhook_url"}
#: words in a key whose value is a secret itself (a future setting must not leak by default)
SECRET_WORDS = ("secret", "password", "token", "api_key", "salt", "pepper")


def _shown(key: str, value) -> dict:
    if key.endswith("_env"):
        return {"kind": "env", "value": value, "set": bool(value and os.environ.get(value))}
    if any(w in key for w in SECRET_WORDS):
        return {"kind": "hidden"}
    if key in HOST_ONLY and value:
        u = urlsplit(str(value))
        return {"kind": "host", "value": f"{u.scheme}://{u.hostname or ''}/…"}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    if isinstance(value, (list, tuple)):
        return {"kind": "text", "value": ", ".join(str(v) for v in value)}
    return {"kind": "text", "value": str(value)}


def sections(settings) -> list[tuple[str, list[tuple[str, dict]]]]:
    """``[(section, [(key, shown value)])]`` of every section, platforms included, in file order."""
    out = []
    for name in config.SECTIONS:
        section = getattr(settings, name, None)
        if section is None:
            continue
        out.append((name, [(k, _shown(k, getattr(section, k))) for k in type(section).model_fields]))
    for name in sorted(set(config.PLATFORM_DEFAULTS) | set(settings.platforms)):
        p = settings.platform(name)
        out.append((f"platforms.{name}", [(k, _shown(k, getattr(p, k))) for k in type(p).model_fields]))
    return out


@router.get("/admin/settings")
def settings_page(request: Request, user: dict = Depends(auth.admin)):
    review = review_of(request)
    return render(request, "admin_settings.html", sections=sections(review.settings),
                  workspace=str(review.settings.workspace), admin_tab="settings", filter_params={})
