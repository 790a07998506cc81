"""After a run, tell someone: a webhook (JSON POST) and/or an e-mail, per ``[notify]``.

Off by default (``on = "never"``). A notification never fails a run: every
problem is logged and swallowed, because the run's results are already stored
and the next morning's review does not depend on the message arriving.
The message holds counts and failures only, never names or NIPs of employees:
webhooks and mail pass through systems the agency does not control.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import ssl
from email.message import EmailMessage

from pantau.config import Settings

log = logging.getLogger("pantau.notify")

TIMEOUT = 15.0


def should_notify(settings: Settings, summary: dict) -> bool:
    on = settings.notify.on
    if on == "always":
        return True
    if on == "failure":
        return not summary.get("ok", False)
    return False


def render_text(summary: dict) -> str:
    """A short plain-text report of a run summary (the e-mail body, the webhook's ``text``)."""
    status = summary.get("status", "?")
    lines = [
        f"Pantau {summary.get('kind', 'nightly')} run #{summary.get('run_id', '?')}: {status}",
        f"workspace: {summary.get('workspace', '')}",
        f"started {summary.get('started_at', '?')}, ended {summary.get('ended_at', '?')}",
        f"accounts crawled: {summary.get('accounts_crawled', 0)} of {summary.get('accounts', 0)}"
        + (f" ({summary['accounts_skipped']} skipped: no spider, no token or platform disabled)"
           if summary.get("accounts_skipped") else ""),
        *summary.get("crawl_notes", []),
        f"new interactions: {summary.get('new_interactions', 0)}",
        f"new possible matches: {summary.get('new_matches', 0)}",
        f"new activity of confirmed people: {summary.get('new_activity', 0)} interaction(s) "
        f"by {summary.get('new_activity_people', 0)} person(s)",
        f"evidence: {summary.get('evidence', {}).get('screenshots', 0)} screenshot(s), "
        f"{summary.get('evidence', {}).get('failures', 0)} failed",
    ]
    purged = summary.get("purged") or {}
    if purged.get("interactions") or purged.get("actors"):
        lines.append(f"retention: {purged.get('interactions', 0)} interaction(s) and {purged.get('actors', 0)} "
                     f"actor(s) of unmatched people older than {purged.get('days', '?')} days purged")
    if purged.get("tips"):
        lines.append(f"retention: {purged['tips']} citizen report(s) closed as invalid or duplicate erased")
    silent = summary.get("silent_accounts") or []
    if silent:
        lines.append("accounts that yielded nothing unexpectedly: " + ", ".join(silent))
    errors = summary.get("errors") or []
    if errors:
        lines.append(f"errors ({len(errors)}):")
        lines += [f"  - {e}" for e in errors[:50]]
    return "\n".join(lines)


def send_webhook(url: str, summary: dict) -> None:
    import httpx
    payload = {"text": render_text(summary), "summary": summary}
    r = httpx.post(url, content=json.dumps(payload, ensure_ascii=False, default=str).encode(),
                   headers={"Content-Type": "application/json; charset=utf-8"}, timeout=TIMEOUT)
    r.raise_for_status()


def send_email(settings: Settings, summary: dict) -> None:
    n = settings.notify
    if not n.email_to or not n.email_from:
        raise ValueError("[notify] email_from and email_to are needed to send e-mail")
    msg = EmailMessage()
    msg["Subject"] = (f"Pantau: run #{summary.get('run_id', '?')} {summary.get('status', '?')}, "
                      f"{summary.get('new_matches', 0)} new possible match(es)")
    msg["From"] = n.email_from
    msg["To"] = ", ".join(n.email_to)
    msg.set_content(render_text(summary))
    with smtplib.SMTP(n.smtp_host, n.smtp_port, timeout=TIMEOUT, local_hostname=socket.getfqdn()) as smtp:
        smtp.ehlo()
        if n.smtp_starttls:   # refuse to fall back to plain text when the server offers no STARTTLS
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if n.smtp_user:
            password = os.environ.get(n.smtp_password_env)
            if password is None:
                raise ValueError(f"[notify] smtp_user is set but ${n.smtp_password_env} is not")
            smtp.login(n.smtp_user, password)
        smtp.send_message(msg)


def notify(settings: Settings, summary: dict) -> None:
    """Send the run summary where ``[notify]`` says, when it says; log failures, raise nothing."""
    if not should_notify(settings, summary):
        return
    n = settings.notify
    if n.webhook_url:
        try:
            send_webhook(n.webhook_url, summary)
            log.info("notification sent to the webhook")
        except Exception as exc:
            log.warning("webhook notification failed: %s: %s", type(exc).__name__, exc)
    if n.smtp_host:
        try:
            send_email(settings, summary)
            log.info("notification e-mailed to %d recipient(s)", len(n.email_to))
        except Exception as exc:
            log.warning("e-mail notification failed: %s: %s", type(exc).__name__, exc)
