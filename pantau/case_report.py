"""The case report of one employee, as HTML and as PDF (Chromium's print-to-PDF).

A case is an employee with the accounts reviewers confirmed as theirs. The
report carries what BKN's public reporting channel and Bawaslu's form Model A.1
ask for: who is reported (NIP, name, position, rank and grade, agency, unit),
each event (kind, candidate and account, text, link, time in the workspace's
zone with its offset), the evidence with its capture time and SHA-256, the
reviewer's full name and decision time, and the office's letterhead, letter
number and signatory from ``[report]``.

The app's download and ``pantau report case NIP --out FILE.pdf`` both come from
here. The PDF is printed by Chromium from the rendered HTML with JavaScript off
and every network request refused: the page holds strangers' text and must not
run or fetch anything; screenshots are embedded as data.
"""

from __future__ import annotations

import base64
import json
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pantau.errors import PantauError
from pantau.wording import Wording, for_settings
from storage.queries import audit as audit_q
from storage.queries import cases as cases_q
from storage.queries import review as review_q
from storage.queries import tips as tips_q
from storage.queries import transaction
from storage.records import mask_nip

REPORT_INTERACTIONS = 1000          # events listed in one report (the newest)
EMBEDDED_SCREENSHOTS = 40           # screenshots shown as pictures; the rest are listed with their hash
SCREENSHOT_MAX_BYTES = 2_000_000


class NoCase(PantauError):
    """The NIP names no employee, or no account of theirs is confirmed."""


@dataclass
class Case:
    employee: dict
    accounts: list[dict]
    interactions: list[dict]
    interaction_total: int
    evidence: dict[int, list[dict]]
    decisions: list[dict]
    extra: dict[str, Any] = field(default_factory=dict)
    tips: list[dict] = field(default_factory=list)       # citizen reports a reviewer linked (a source)


def load_case(db, nip: str, *, confirmed_only: bool = True, limit: int = REPORT_INTERACTIONS,
              offset: int = 0) -> Case:
    """Everything a case page or report shows; ``confirmed_only`` keeps the accounts judged the person's."""
    emp = cases_q.employee(db, nip)
    if emp is None:
        raise NoCase(f"no employee with NIP {mask_nip(nip)} in the roster")
    accounts = cases_q.case_matches(db, nip, status="confirmed" if confirmed_only else None)
    if confirmed_only and not accounts:
        raise NoCase(f"NIP {mask_nip(nip)}: no account of this employee is confirmed yet; "
                     "decide their matches in the review app first")
    actor_ids = [a["actor_id"] for a in accounts]
    interactions = cases_q.case_interactions(db, actor_ids, limit=limit, offset=offset)
    decisions = cases_q.decisions(db, [a["id"] for a in accounts])
    for d in decisions:
        try:
            detail = json.loads(d["detail"] or "{}")
        except ValueError:
            detail = {}
        d.update({"from": detail.get("from"), "to": detail.get("to"), "note": detail.get("note")})
    return Case(
        employee=emp, accounts=accounts, interactions=interactions,
        interaction_total=cases_q.interaction_count(db, actor_ids),
        evidence=review_q.evidence_for(db, [i["id"] for i in interactions]),
        decisions=decisions, tips=tips_q.tips_for_employee(db, nip),
    )


def letter_number(pattern: str, nip: str, when: datetime) -> str:
    """``[report] number`` with its placeholders filled in (checked when the config is read)."""
    if not pattern:
        return ""
    return pattern.format(year=f"{when:%Y}", month=f"{when:%m}", day=f"{when:%d}", nip4=nip[-4:])


def _embed_screenshots(case: Case, evidence_dir: Path | None) -> None:
    """Screenshots as data: URIs, so the printed page needs no request (and shows nothing else)."""
    if evidence_dir is None:
        return
    root = evidence_dir.resolve()
    shown = 0
    for items in case.evidence.values():
        for ev in items:
            if ev["kind"] != "screenshot" or shown >= EMBEDDED_SCREENSHOTS:
                continue
            path = ev.get("path")
            if not path:
                continue
            p = (root / path).resolve()
            if not p.is_relative_to(root) or not p.is_file() or p.stat().st_size > SCREENSHOT_MAX_BYTES:
                continue
            mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                    ".webp": "image/webp"}.get(p.suffix.lower())
            if mime:
                ev["data_uri"] = f"data:{mime};base64," + base64.b64encode(p.read_bytes()).decode()
                shown += 1


def printer_name(db, user: str | None, wording: Wording) -> str:
    """Who printed a report, as its footer names them: the full name of a user who has one, the
    command line in words (``baris perintah (root)``), else the user name."""
    from pantau.review.auditwords import who
    from storage.queries import users as users_q

    if not user:
        return ""
    row = None if user.startswith("cli") else users_q.by_name(db, user)
    if row and row.get("full_name"):
        return row["full_name"]
    return who(user, wording.gettext)


def render_html(case: Case, settings, *, wording: Wording | None = None, printed_by: str = "",
                for_print: bool = True, now: datetime | None = None) -> str:
    """The report as one self-contained HTML document in the report's language.

    ``printed_by`` is the name the footer shows (``printer_name``).
    """
    from pantau.review.i18n import HERE, make_environment

    w = wording or report_wording(settings)
    now = now or datetime.now(timezone.utc)
    local_now = now.astimezone(w.tz)
    if for_print:
        _embed_screenshots(case, settings.evidence_dir)
    env = make_environment(w.lang, w.tz)
    return env.get_template("case_report_doc.html").render(
        case=case, emp=case.employee, report=settings.report, w=w, printed_by=printed_by,
        printed_at=w.report_time(now), number=letter_number(settings.report.number, case.employee["nip"], local_now),
        today=local_now.date(), for_print=for_print,
        report_css=Markup((HERE / "static" / "report.css").read_text(encoding="utf-8")) if for_print else "")


def report_wording(settings) -> Wording:
    return for_settings(settings, settings.report.language or None)


def _print(browser, html: str) -> bytes:
    context = browser.new_context(java_script_enabled=False, offline=True)
    try:
        context.route("**/*", lambda route: route.abort())
        page = context.new_page()
        page.set_content(html, wait_until="load")
        return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    finally:
        context.close()


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` to an A4 PDF with the workspace's Chromium; no script runs, no request leaves.

    Printed in a thread of its own: Playwright's sync API refuses a thread that runs an
    event loop (a caller inside an async framework or a test's browser session).
    """
    printer = PdfPrinter()
    try:
        return printer.pdf(html)
    finally:
        printer.close()


class PdfPrinter:
    """One Chromium kept open in a thread of its own, for a server that prints many reports.

    Starting Playwright and Chromium costs about a second, more than printing a
    usual report; the review app keeps one browser and prints one report at a time
    through it (a fresh context each, so nothing carries over). Playwright's sync
    API is bound to the thread that started it, hence the worker thread.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def pdf(self, html: str, timeout: float = 120) -> bytes:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pantau-pdf", daemon=True)
                self._thread.start()
        job: Future = Future()
        self._jobs.put((html, job))
        return job.result(timeout)

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=10)

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        from pantau.browser import launch_options

        with sync_playwright() as p:
            browser = None
            while True:
                item = self._jobs.get()
                if item is None:
                    break
                html, job = item
                try:
                    if browser is None or not browser.is_connected():
                        browser = p.chromium.launch(**launch_options())
                    job.set_result(_print(browser, html))
                except BaseException as exc:  # the caller gets it; the next job starts a new browser
                    job.set_exception(exc)
                    browser = None
            if browser is not None:
                browser.close()


def case_pdf(db, settings, nip: str, *, printed_by: str) -> bytes:
    """The PDF of one employee's case, written to the audit log as an export."""
    case = load_case(db, nip)
    pdf = html_to_pdf(render_html(case, settings, printed_by=printer_name(db, printed_by, report_wording(settings))))
    with transaction(db):
        audit_q.write(db, "export", user=printed_by or None, object_type="case", object_id=mask_nip(nip),
                      detail={"format": "pdf", "report": "case", "accounts": len(case.accounts),
                              "interactions": min(case.interaction_total, REPORT_INTERACTIONS)})
    return pdf


def write_case_pdf(db, settings, nip: str, out: Path, *, printed_by: str) -> int:
    """``pantau report case``: the PDF written privately (0600) and whole; returns its size."""
    from pantau.export import private_file

    pdf = case_pdf(db, settings, nip, printed_by=printed_by)
    with private_file(out, binary=True) as f:
        f.write(pdf)
    return len(pdf)
