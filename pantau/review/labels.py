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
