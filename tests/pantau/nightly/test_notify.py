"""Notifications reach a local webhook and a local SMTP server; failures never raise."""

from __future__ import annotations

import json
import logging
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pantau.config import load
from pantau.notify import notify, render_text
from tests.pantau.nightly.conftest import write_config

SUMMARY = {"run_id": 7, "kind": "nightly", "status": "partial", "ok": False, "workspace": "/ws",
           "accounts": 3, "accounts_crawled": 2, "new_interactions": 41, "new_matches": 2,
           "new_activity": 1, "new_activity_people": 1, "evidence": {"screenshots": 2, "failures": 0},
           "silent_accounts": ["web/calonsatu"], "errors": ["crawl: 1 account(s) not collected: x"]}


class Hook:
    def __init__(self, status: int = 200):
        self.bodies: list[dict] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers["Content-Length"])
                outer.bodies.append({"ctype": self.headers["Content-Type"],
                                     "json": json.loads(self.rfile.read(n))})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SMTPStub:
    """A minimal SMTP server (RFC 5321 happy path), enough for smtplib; offers no STARTTLS."""

    def __init__(self):
        self.messages: list[dict] = []
        outer = self

        class H(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line):
                    self.wfile.write(line.encode() + b"\r\n")
                say("220 stub ESMTP")
                mail = {"rcpt": []}
                while True:
                    line = self.rfile.readline().decode().rstrip("\r\n")
                    if not line:
                        return
                    cmd = line[:4].upper()
                    if cmd in ("EHLO", "HELO"):
                        say("250-stub")
                        say("250 8BITMIME")
                    elif cmd == "MAIL":
                        mail["from"] = line[10:]
                        say("250 ok")
                    elif cmd == "RCPT":
                        mail["rcpt"].append(line[8:])
                        say("250 ok")
                    elif cmd == "DATA":
                        say("354 go")
                        data = []
                        while (d := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(d.decode())
                        mail["data"] = "".join(data)
                        outer.messages.append(mail)
                        mail = {"rcpt": []}
                        say("250 queued")
                    elif cmd == "QUIT":
                        say("221 bye")
                        return
                    else:
                        say("502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


@pytest.fixture
def smtp():
    s = SMTPStub()
    yield s
    s.close()


def test_webhook_receives_the_summary(workspace, hook):
    write_config(workspace, f'[notify]\non = "always"\nwebhook_url = "{hook.url}"\n')
    notify(load(workspace), SUMMARY)
    (body,) = hook.bodies
    assert body["ctype"].startswith("application/json")
    assert body["json"]["summary"]["new_matches"] == 2
    assert "run #7: partial" in body["json"]["text"] and "web/calonsatu" in body["json"]["text"]


def test_on_failure_only_sends_for_failed_runs(workspace, hook):
    write_config(workspace, f'[notify]\non = "failure"\nwebhook_url = "{hook.url}"\n')
    settings = load(workspace)
    notify(settings, {**SUMMARY, "ok": True, "status": "ok", "errors": []})
    assert hook.bodies == []
    notify(settings, SUMMARY)
    assert len(hook.bodies) == 1


def test_off_by_default(workspace, hook):
    write_config(workspace, f'[notify]\nwebhook_url = "{hook.url}"\n')
    notify(load(workspace), SUMMARY)
    assert hook.bodies == []


def test_failures_are_logged_never_raised(workspace, caplog):
    bad = Hook(status=500)
    try:
        write_config(workspace, f'[notify]\non = "always"\nwebhook_url = "{bad.url}"\n'
                                'smtp_host = "127.0.0.1"\nsmtp_port = 9\nemail_from = "a@b"\nemail_to = ["c@d"]\n')
        with caplog.at_level(logging.WARNING, logger="pantau.notify"):
            notify(load(workspace), SUMMARY)
        assert len(bad.bodies) == 1
        text = caplog.text
        assert "webhook notification failed" in text and "500" in text
        assert "e-mail notification failed" in text
    finally:
        bad.close()


def test_email_through_smtp(workspace, smtp):
    write_config(workspace, f'[notify]\non = "always"\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\n'
                            'smtp_starttls = false\nemail_from = "pantau@bkd.example"\n'
                            'email_to = ["inspektorat@bkd.example", "bkd@bkd.example"]\n')
    notify(load(workspace), SUMMARY)
    (msg,) = smtp.messages
    assert msg["from"].startswith("<pantau@bkd.example>")
    assert [r.split(">")[0] for r in msg["rcpt"]] == ["<inspektorat@bkd.example", "<bkd@bkd.example"]
    assert "Subject: Pantau: run #7 partial, 2 new possible match(es)" in msg["data"]
    assert "new interactions: 41" in msg["data"]


def test_starttls_required_means_no_plain_text_mail(workspace, smtp, caplog):
    write_config(workspace, f'[notify]\non = "always"\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\n'
                            'email_from = "pantau@bkd.example"\nemail_to = ["x@bkd.example"]\n')
    with caplog.at_level(logging.WARNING, logger="pantau.notify"):
        notify(load(workspace), SUMMARY)
    assert smtp.messages == []
    assert "STARTTLS" in caplog.text


def test_render_text_has_no_employee_details():
    text = render_text({**SUMMARY, "new_activity_matches": [4]})
    assert "nip" not in text.lower()


def test_pantau_run_notifies_after_the_run(pantau, workspace, hook):
    write_config(workspace, f'[notify]\non = "always"\nwebhook_url = "{hook.url}"\n')
    r = pantau("run")
    assert "Pantau nightly run #1" in r.stdout, r.stderr
    (body,) = hook.bodies
    s = body["json"]["summary"]
    assert s["run_id"] == 1 and s["kind"] == "nightly" and s["status"] in ("ok", "partial")
    assert s["ended_at"] and set(s["stages"]) == {"sync", "crawl", "match", "evidence", "retention", "summary"}


def test_a_dead_webhook_does_not_fail_the_run(pantau, workspace):
    import socket
    with socket.socket() as sock:   # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_config(workspace, f'[notify]\non = "always"\nwebhook_url = "http://127.0.0.1:{port}/x"\n')
    r = pantau("run")
    assert "Pantau nightly run #1" in r.stdout
    assert "webhook notification failed" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_summary_names_accounts_skipped_for_want_of_a_token_in_one_line():
    from pantau.notify import render_text
    note = ("2 account(s) skipped: no X (Twitter) token: set PANTAU_X_BEARER_TOKEN to crawl x through its API "
            "(without one, its interactions come in by capture or `pantau import`)")
    text = render_text({"accounts": 5, "accounts_crawled": 3, "accounts_skipped": 2, "crawl_notes": [note]})
    assert "accounts crawled: 3 of 5 (2 skipped: no spider, no token or platform disabled)" in text
    assert text.splitlines().count(note) == 1
