"""What happens to a report: stored with its cleaned images, looked up by its code, acted on by reviewers.

The review app's routes call these; each is one step with its audit row (written
by ``storage.queries.tips`` in the same transaction as the change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pantau.tips.form import Problem, Submission
from pantau.tips.images import CleanImage, ImageRefused, clean_image
from pantau.tips.receipt import new_code
from storage import files
from storage.queries import tips as tips_q
from storage.queries import transaction

#: the reporter sees one of three words for the stored status
PUBLIC_STATUS = {"new": "received", "checking": "checking", "closed": "closed"}


@dataclass
class Received:
    code: str
    tip_id: int


@dataclass
class ImageCheck:
    images: list[CleanImage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_images(uploads: list[tuple[str, bytes]], tips_config) -> ImageCheck:
    """Each upload (name, bytes) cleaned, or a problem naming its position; empty file inputs are skipped."""
    out = ImageCheck()
    uploads = [(n, d) for n, d in uploads if d or n]       # a file input left empty sends no name, no bytes
    if len(uploads) > tips_config.max_images:
        out.problems.append(Problem("images", "image.too_many", {"max": tips_config.max_images}))
        return out
    max_bytes = int(tips_config.max_image_mb * 1_048_576)
    for n, (name, data) in enumerate(uploads, 1):
        try:
            out.images.append(clean_image(data, max_bytes=max_bytes, max_pixels=tips_config.max_image_pixels))
        except ImageRefused as exc:
            out.problems.append(Problem("images", exc.code, {"n": n, **exc.params}))
    return out


def store(db, folder: Path, submission: Submission, images: list[CleanImage], *,
          language: str | None = None) -> Received:
    """Write the images (content-addressed, private) and the report; returns its receipt code."""
    stored = []
    for im in images:
        f = files.store_bytes(folder, im.data, im.ext)
        stored.append({"sha256": f.sha256, "path": f.path, "format": im.format, "width": im.width,
                       "height": im.height, "bytes": f.bytes})
    for _ in range(5):
        code = new_code()
        if not tips_q.code_exists(db, code):
            break
    tip_id = tips_q.add(db, code=code, links=submission.links, what=submission.what,
                        person_name=submission.person_name, person_nip=submission.person_nip,
                        person_unit=submission.person_unit, contact=submission.contact,
                        language=language, images=stored)
    return Received(code, tip_id)


def public_status(db, code: str) -> str | None:
    """received | checking | closed, or None for an unknown code."""
    status = tips_q.status_by_code(db, code)
    return PUBLIC_STATUS.get(status) if status else None


def image_path(folder: Path, row: dict) -> Path | None:
    """The file of a stored image row, only if it resolves inside the tips folder."""
    root = folder.resolve()
    path = (root / row["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


# --- reviewers' actions ------------------------------------------------------------------------

def erase(settings, db, tip_id: int, *, user: str) -> int:
    """Erase a report's content and delete its image files; returns how many files went."""
    orphans = tips_q.erase(db, tip_id, user=user)
    return sum(files.remove(settings.tips_dir, p) for p in orphans)


class ActionError(ValueError):
    """A reviewer's action that cannot be done; ``code`` names why (translated by the app)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def add_to_watchlist(settings, db, tip_id: int, *, platform: str, handle: str, candidate: str,
                     role: str | None, url: str | None, user: str) -> Path:
    """Add the account a report names to a watchlist file; the next crawl collects it.

    This is the only way a report reaches a spider: a reviewer decides it here.
    """
    from pantau import watchlist
    from pantau.errors import PantauError
    if not candidate.strip():
        raise ActionError("watchlist.candidate")
    if platform not in watchlist.PLATFORMS or watchlist.check_handle(platform, handle):
        raise ActionError("watchlist.handle")
    candidate = candidate.strip()[:200]
    listed = dict(watchlist.candidates(settings.watchlists_dir)).get(candidate)
    if role and listed and listed != role:
        # the same name with another role is a mistake or another person: the reviewer decides which
        raise ActionError("watchlist.role", candidate=candidate, role=listed)
    try:
        path = watchlist.add(settings.watchlists_dir, platform, handle, candidate=candidate,
                             role=role or None, url=url or None,
                             profiles=watchlist.known_profiles(settings.workspace))
    except PantauError as exc:
        raise ActionError("watchlist.exists" if "already in" in str(exc) else "watchlist.refused") from None
    tips_q.record_watchlist_add(db, tip_id, user=user, platform=platform, handle=handle, candidate=candidate,
                                file=path.name)
    return path


def record_interaction(settings, db, tip_id: int, *, account_id: int, kind: str, actor_handle: str,
                       actor_name: str | None, post_url: str | None, url: str | None, text: str | None,
                       created_at: str | None, user: str) -> int:
    """An interaction a reviewer saw through the report, stored by hand with the report's images as evidence.

    Its time is read as the importer reads one (``pantau.times.Times``): typed without a zone it is the
    office's clock (``[schedule] timezone``), and it is stored in UTC like every other interaction.
    """
    import json

    from pantau.times import Times
    from storage.queries import evidence as evidence_q
    from storage.queries import interactions as interactions_q
    from storage.records import KINDS, Actor, Interaction, actor_key_for
    acc = tips_q.account(db, account_id)
    if acc is None:
        raise ActionError("record.account")
    if kind not in KINDS:
        raise ActionError("record.kind")
    handle = (actor_handle or "").strip()[:200]
    if not handle:
        raise ActionError("record.actor")
    if kind != "follow" and not (post_url or "").strip():
        raise ActionError("record.post")
    for link in (post_url, url):
        if link and not link.strip().lower().startswith(("http://", "https://")):
            raise ActionError("record.link")
    if created_at:
        try:
            created_at = Times(settings.schedule.timezone)(created_at.strip())
        except (ValueError, OverflowError):
            raise ActionError("record.time") from None
    platform = acc["platform"]
    actor = Actor(platform, actor_key_for(platform, handle, None), handle,
                  (actor_name or "").strip()[:200] or None)
    item = Interaction(platform, kind, acc["display_handle"] or acc["handle"], actor,
                       post_url=(post_url or "").strip() or None, url=(url or "").strip() or None,
                       text=(text or "").strip()[:5000] or None, created_at=created_at or None,
                       raw=json.dumps({"tip": tip_id, "recorded_by": user}), source="tip")
    with transaction(db):
        interactions_q.store(db, [item], source="tip")
        interaction_id = interactions_q.id_of(db, platform, item.natural_key)
        evidence_ids = []
        for im in tips_q.images(db, tip_id):
            src = image_path(settings.tips_dir, im)
            if src is None:
                continue
            f = files.store_bytes(settings.evidence_dir, src.read_bytes(), Path(im["path"]).suffix)
            eid = evidence_q.add(db, interaction_id=interaction_id, kind="screenshot",
                                 source_url=item.url or item.post_url, sha256=f.sha256, path=f.path, size=f.bytes)
            if eid:
                evidence_ids.append(eid)
        tips_q.record_manual_interaction(db, tip_id, interaction_id, evidence_ids, user=user)
    return interaction_id
