"""Admin: upload the employee roster (CSV or XLSX) and see the same row-by-row report as the CLI.

The upload is written to a private folder under ``data/`` (0700, the file 0600) under its own
name, imported with ``pantau.roster.import_roster`` exactly as ``pantau roster import`` does,
and deleted again. With "store nothing if any row is bad" (``--strict``), a file with a bad
row leaves the roster as it was.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

import storage
from pantau.errors import InputError, PantauError
from pantau.review import auth
from pantau.review.auditwords import who
from pantau.review.i18n import N_, translations
from pantau.review.rowreasons import translate, translate_file
from pantau.review.web import language, render, review_of
from storage.queries import health as health_q

router = APIRouter()
PAGE = "/admin/roster"
MAX_BYTES = 200 * 1024 * 1024          # a national roster as XLSX is well under this
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
ROWS_SHOWN = 1000


def _context(request: Request, **extra) -> dict:
    db = review_of(request).db()
    gettext = translations(language(request)).gettext
    imports = [{**i, "who": who(i["user"], gettext)} for i in health_q.roster_imports(db)]
    return {"sources": health_q.roster_sources(db), "imports": imports,
            "admin_tab": "roster", "filter_params": {}, "max_mb": MAX_BYTES // (1024 * 1024), "error_params": {},
            **extra}


@router.get(PAGE)
def roster(request: Request, user: dict = Depends(auth.admin)):
    return render(request, "admin_roster.html", **_context(request))


def _remove_stale(uploads) -> None:
    """Uploads a killed app left behind (an import never takes an hour) are personal data: remove them."""
    cutoff = time.time() - 3600
    for entry in uploads.iterdir():
        try:
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass


def _safe_name(name: str | None) -> str:
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[:100] or "roster.csv"


@router.post(PAGE)
async def upload(request: Request, file: UploadFile = File(None), source: str = Form(""),
                 sheet: str = Form(""), strict: str = Form(""), user: dict = Depends(auth.admin)):
    from starlette.concurrency import run_in_threadpool

    name = _safe_name(file.filename if file else None)
    if file is None or not file.filename:
        return render(request, "admin_roster.html", 400, **_context(request, error=N_("Choose a file to upload.")))
    if not name.lower().endswith(SUFFIXES):
        return render(request, "admin_roster.html", 400, **_context(
            request, error=N_("A roster is a .csv or .xlsx file."), file_name=name))
    review = review_of(request)
    uploads = storage.private_dir(review.settings.data_dir / "uploads")
    _remove_stale(uploads)
    folder = storage.private_dir(uploads / secrets.token_hex(8))
    path = folder / name
    try:
        size = 0
        with open(path, "wb", opener=lambda p, flags: os.open(p, flags, 0o600)) as out:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > MAX_BYTES:
                    return render(request, "admin_roster.html", 413, **_context(
                        request, error=N_("The file is larger than %(mb)s MB."), file_name=name,
                        error_params={"mb": MAX_BYTES // (1024 * 1024)}))
                out.write(chunk)
        return await run_in_threadpool(_import, request, path, name, source, sheet, strict == "1", user)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _import(request: Request, path, name: str, source: str, sheet: str, strict: bool, user: dict):
    from pantau.roster import import_roster

    gettext = translations(language(request)).gettext
    source = " ".join(source.split())[:100] or name
    try:
        review = review_of(request)
        report = import_roster(review.db(), path, sheet=sheet.strip() or None, source=source,
                               strict=strict, by=user["name"],
                               max_deactivate_share=review.settings.roster.max_deactivate_share)
        if report.refused:       # it would retire too much of the source: the CLI's --force decides
            raise InputError(report.refused, file=str(path))
    except PantauError as exc:
        # the whole file was refused (no header, missing columns, unreadable): one line, as the CLI says it,
        # in the reader's language
        reason = str(exc)
        if isinstance(exc, InputError) and exc.file:
            where = f"{exc.file}:{exc.line}: " if exc.line is not None else f"{exc.file}: "
            if reason.startswith(where):
                reason = f"{where}{translate_file(reason[len(where):], gettext)}"
        reason = reason.replace(str(path), name)
        return render(request, "admin_roster.html", 422, **_context(
            request, refused=reason, file_name=name, source=source))
    rows = [{"row": e.row, "reason": translate(e.reason, gettext)} for e in report.rejected[:ROWS_SHOWN]]
    return render(request, "admin_roster.html", **_context(
        request, report=report, rows=rows, more=max(0, len(report.rejected) - ROWS_SHOWN), file_name=name,
        strict=strict, source=source))
