"""Words for stored codes (statuses, bands, kinds, roles), marked for translation."""

from pantau.review.i18n import N_

STATUS = {
    "pending": N_("Pending"),
    "confirmed": N_("Same person"),
    "rejected": N_("Not the same"),
    "escalated": N_("Unsure (escalated)"),
}
BAND = {"strong": N_("Strong"), "possible": N_("Possible"), "namesake": N_("Namesake")}
KIND = {
    "comment": N_("Comment"), "reply": N_("Reply"), "like": N_("Like"), "repost": N_("Repost"),
    "quote": N_("Quote"), "follow": N_("Follow"),
}
ROLE = {"admin": N_("Administrator"), "reviewer": N_("Reviewer"), "viewer": N_("Viewer")}
EVIDENCE = {"screenshot": N_("Screenshot"), "raw": N_("Raw record file"), "capture": N_("Captured response")}
TIP_STATUS = {"new": N_("New"), "checking": N_("Being checked"), "closed": N_("Closed")}
TIP_VERDICT = {"valid": N_("Valid"), "invalid": N_("Invalid"), "duplicate": N_("Duplicate")}
#: candidate roles of the watchlist files (pantau.watchlist.ROLES)
CANDIDATE_ROLE = {
    "capres": N_("Presidential candidate"), "cawapres": N_("Vice-presidential candidate"),
    "dpr": N_("DPR candidate"), "dpd": N_("DPD candidate"), "dprd": N_("DPRD candidate"),
    "kepala-daerah": N_("Regional head candidate"), "partai": N_("Political party"),
    "tim-kampanye": N_("Campaign team"),
}
#: platform names that are words, not names
PLATFORM_TITLE = {"web": N_("Web (rendered pages)")}
RUN_KIND = {"crawl": N_("Crawl"), "match": N_("Matching"), "nightly": N_("Nightly run"),
            "import": N_("Import"), "purge": N_("Retention purge"), "capture": N_("Capture")}
RUN_STATUS = {"running": N_("Running"), "ok": N_("Finished"), "partial": N_("Finished with problems"),
              "failed": N_("Failed"), "interrupted": N_("Interrupted")}
ACCOUNT_STATUS = {"ok": N_("Collected"), "failed": N_("Failed"), "budget": N_("Request budget spent"),
                  "skipped": N_("Skipped")}
TRIGGER = {"cli": N_("command line"), "schedule": N_("scheduler"), "cron": N_("cron"), "demo": N_("demo"),
           "test": N_("test"), "web": N_("review app")}

#: the audit log in people's words: what happened, to what, with which details
AUDIT_ACTION = {
    "match.decide": N_("Decision on a possible match"),
    "signin": N_("Signed in"),
    "signin.failed": N_("Sign-in refused"),
    "user.add": N_("User added"),
    "user.passwd": N_("Password set"),
    "user.role": N_("Role changed"),
    "user.disable": N_("User deactivated"),
    "user.enable": N_("User reactivated"),
    "user.full_name": N_("Full name for case reports set"),
    "roster.import": N_("Roster imported"),
    "import": N_("Interactions imported"),
    "export": N_("Exported"),
    "watchlist.sync": N_("Watchlists synced to the database"),
    "watchlist.add": N_("Account added to a watchlist"),
    "watchlist.enable": N_("Account switched on"),
    "watchlist.disable": N_("Account switched off"),
    "backup": N_("Database backed up"),
    "purge": N_("Retention period applied"),
    "tip.receive": N_("Citizen report received"),
    "tip.view": N_("Citizen report opened"),
    "tip.verdict": N_("Citizen report judged"),
    "tip.status": N_("Citizen report status changed"),
    "tip.link_employee": N_("Citizen report linked to an employee"),
    "tip.link": N_("Citizen report linked"),
    "tip.unlink": N_("Citizen report link removed"),
    "tip.export": N_("Citizen reports exported"),
    "tip.watchlist_add": N_("Account from a citizen report added to a watchlist"),
    "tip.record_interaction": N_("Interaction recorded from a citizen report"),
    "tip.erase": N_("Citizen report erased"),
}
AUDIT_OBJECT = {
    "match": N_("possible match"), "user": N_("user"), "roster": N_("roster source"),
    "interactions": N_("interactions"), "accounts": N_("accounts"), "account": N_("account"),
    "report": N_("report"), "matches": N_("matches"), "database": N_("database"),
    "retention": N_("retention days"), "tip": N_("citizen report"), "capture": N_("capture"),
    "case": N_("case (employee)"),
}
AUDIT_DETAIL = {
    "from": N_("before"), "to": N_("after"), "note": N_("note"), "ip": N_("address"), "reason": N_("reason"),
    "role": N_("role"), "file": N_("file"), "source": N_("source"), "rows": N_("rows"),
    "accepted": N_("accepted"), "rejected": N_("rejected"), "inserted": N_("new"), "updated": N_("updated"),
    "unchanged": N_("unchanged"), "deactivated": N_("deactivated"), "strict": N_("strict"),
    "stored": N_("stored"), "unknown_columns": N_("columns not read"), "format": N_("format"),
    "unit": N_("unit"), "status": N_("status"), "out": N_("written to"), "report": N_("report"),
    "lines": N_("lines"), "new_interactions": N_("new interactions"), "new_actors": N_("new accounts seen"),
    "local_times": N_("times without a zone"), "timezone": N_("time zone"), "files": N_("files"),
    "added": N_("added"), "disabled": N_("switched off"), "candidate": N_("candidate"), "url": N_("address"),
    "bytes": N_("bytes"), "pages": N_("pages"), "integrity": N_("integrity check"), "run_id": N_("run"),
    "interactions": N_("interactions"), "actors": N_("accounts"), "matches": N_("possible matches"),
    "evidence": N_("evidence files"), "employees": N_("employees"), "via": N_("through"),
    "links": N_("links"), "verdict": N_("verdict"), "duplicate_of": N_("duplicate of"),
    "nip_last4": N_("NIP ending"), "linked": N_("linked"), "kind": N_("kind"), "id": N_("number"),
    "platform": N_("platform"), "handle": N_("account"), "interaction": N_("interaction"),
    "full_name": N_("full name"), "accounts": N_("accounts"),
    "cutoff": N_("older than"), "evidence_rows": N_("evidence records"), "by_platform": N_("per platform"),
    "error": N_("error"), "recognised": N_("recognised"), "unrecognised": N_("not recognised"),
    "images": N_("images"), "evidence_files": N_("evidence files deleted"),
    "tips": N_("citizen reports erased"), "tip_files": N_("report images deleted"),
    "force": N_("forced"), "refused": N_("refused"),
}
#: what a citizen report is linked to (tip.link, tip.unlink: detail "kind")
TIP_REF_KIND = {"interaction": N_("interaction"), "match": N_("possible match")}
#: which report an export row is about (detail "report")
REPORT_KIND = {"case": N_("case report")}
#: the object of an export of every citizen report (tip.export: object "all")
ALL = N_("all")
AUDIT_REASON = {"password": N_("wrong password"), "inactive": N_("deactivated user"),
                "unknown user": N_("unknown name")}
AUDIT_VIA = {"web": N_("the review app"), "cli": N_("the command line")}
YES_NO = {True: N_("yes"), False: N_("no")}
