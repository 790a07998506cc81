"""Evidence files, by evidence id only, to signed-in users.

The path comes from the evidence table, never from the request, and must
resolve inside the evidence folder; responses may not be framed, sniffed or
run as pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse

from pantau.review import auth
from pantau.review.web import review_of
from storage.queries import review as q

router = APIRouter()

TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
         ".json": "text/plain; charset=utf-8", ".html": "text/plain; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}


@router.get("/evidence/{evidence_id}")
def evidence_file(request: Request, evidence_id: int, user: dict = Depends(auth.signed_in)):
    review = review_of(request)
    row = q.evidence(review.db(), evidence_id)
    if row is None or not row["path"] or row["error"]:
        raise HTTPException(404)
    root = review.settings.evidence_dir.resolve()
    path = (root / row["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(404)
    media = TYPES.get(path.suffix.lower(), "application/octet-stream")
    headers = {"Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
               "Content-Disposition": "inline" if media.startswith(("image/", "text/")) else "attachment"}
    return FileResponse(path, media_type=media, headers=headers)
