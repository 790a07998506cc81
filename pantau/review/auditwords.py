"""Audit rows in the reader's words: no action codes, no ``None``, codes of statuses and roles translated.

Each stored row keeps its codes (``match.decide``, ``{"from": "pending", ...}``) so scripts can
read the log; this module is the one place that turns them into a sentence-like line for people.
An action or detail key it has no word for is shown as stored, never dropped.
"""

from __future__ import annotations

import json
from typing import Callable

from pantau.review import labels

Gettext = Callable[[str], str]


def _value(action: str, key: str, value, _: Gettext) -> str:
    if isinstance(value, bool):
        return _(labels.YES_NO[value])
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(action, key, v, _) for v in value if v is not None)
    if isinstance(value, dict):
        return ", ".join(f"{_(labels.AUDIT_DETAIL.get(k, k))} {_value(action, k, v, _)}"
                         for k, v in value.items() if v is not None)
    text = str(value)
    if key in ("from", "to", "decision"):
        words = labels.ROLE if action.startswith("user.") else labels.STATUS
        if text in words:
            return _(words[text])
    if key == "role":
        if text in labels.ROLE:
            return _(labels.ROLE[text])
        if text in labels.CANDIDATE_ROLE:
            return _(labels.CANDIDATE_ROLE[text])
    if key == "reason" and text in labels.AUDIT_REASON:
        return _(labels.AUDIT_REASON[text])
    if key == "via" and text in labels.AUDIT_VIA:
        return _(labels.AUDIT_VIA[text])
    if key == "status" and action.startswith("tip.") and text in labels.TIP_STATUS:
        return _(labels.TIP_STATUS[text])
    if key == "verdict" and text in labels.TIP_VERDICT:
        return _(labels.TIP_VERDICT[text])
    if key == "kind" and action.startswith("tip.") and text in labels.TIP_REF_KIND:
        return _(labels.TIP_REF_KIND[text])
    if key == "report" and text in labels.REPORT_KIND:
        return _(labels.REPORT_KIND[text])
    if key == "kind" and text in labels.KIND:
        return _(labels.KIND[text])
    if key == "status" and text in labels.STATUS:
        return _(labels.STATUS[text])
    return text


def who(user: str, _: Gettext) -> str:
    if user and user.startswith("cli:"):
        return _("command line (%(who)s)") % {"who": user[4:]}
    if user == "cli":
        return _("command line")
    if user == "public":
        return _("the public form")
    if user == "retention":        # storage.queries.tips.RETENTION_USER: pantau purge, the nightly run
        return _("the retention period")
    return user or ""


def describe(row: dict, _: Gettext) -> dict:
    """``row`` plus ``what`` (the action in words), ``object`` and ``details`` (label, value) pairs."""
    action = row.get("action") or ""
    try:
        detail = json.loads(row.get("detail") or "{}")
    except ValueError:
        detail = {"detail": row.get("detail")}
    if not isinstance(detail, dict):
        detail = {"detail": detail}
    details = [(_(labels.AUDIT_DETAIL[k]) if k in labels.AUDIT_DETAIL else k, _value(action, k, v, _))
               for k, v in detail.items() if v is not None and v != "" and v != []]
    obj_type = row.get("object_type")
    obj_id = row.get("object_id")
    if obj_type == "report" and obj_id in labels.STATUS:        # the report of confirmed cases
        obj_id = _(labels.STATUS[obj_id])
    if obj_type == "tip" and obj_id == "all":                    # the export of every citizen report
        obj_id = _(labels.ALL)
    obj = " ".join(x for x in ((_(labels.AUDIT_OBJECT[obj_type]) if obj_type in labels.AUDIT_OBJECT
                                 else obj_type), obj_id) if x)
    return {**row, "what": _(labels.AUDIT_ACTION[action]) if action in labels.AUDIT_ACTION else action,
            "who": who(row.get("user") or "", _), "object": obj, "details": details}
