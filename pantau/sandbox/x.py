"""The X API v2 endpoints Pantau's spider calls, with the shapes docs.x.com documents.

Shapes follow tests/fixtures/x (docs.x.com examples): only the fields a request
asks for in ``tweet.fields`` / ``user.fields`` (``id``, ``text``,
``edit_history_tweet_ids``; ``id``, ``name``, ``username`` always), ``meta`` with
``result_count`` and ``next_token`` (search and timelines add ``newest_id`` /
``oldest_id``), ``includes.users`` for ``expansions=author_id``, errors for
missing resources inside a 200 body, problem JSON for 400/401/403, and
``x-rate-limit-*`` headers (the server adds those).

Conduct of the real API the sandbox keeps: a bearer token is required (401
without); recent search reaches back a fixed window (``World.x_search_start``,
inside X's 7 days); followers answer 403 ``client-not-enrolled`` unless the
token starts with ``enterprise`` (only Enterprise access lists followers);
liking users answer 403 ``Unsupported Authentication`` to a token starting with
``app-only`` (as reported for app-only tokens);
liking users carry no time; ids are snowflakes (time in the high bits); each
endpoint has its own rate limit (the server counts per :meth:`X.endpoint_of`);
recent search answers 400 to a ``since_id`` from before its 7 days; a protected
account (``protected``, e.g. ``Sandbox(x_protected=("calondua",))``) says so in
``users/by/username`` and its timeline answers 200 with an Authorization Error
only, as X does for a token that is not an approved follower.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import time

from pantau.sandbox.data import DAY, X_EPOCH_MS, Content, Event, Node, Watched, World, _hash, b32
from pantau.sandbox.http import Request, Response, json_response

PROBLEMS = "https://api.twitter.com/2/problems/"
_ID = re.compile(r"^\d{1,19}$")
_TOKEN = re.compile(r"^([a-z2-7]{12})([0-9a-f]{8})$")
_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_QUERY = re.compile(r"^conversation_id:(\d{1,19})$")
TWEET_FIELDS = {"created_at", "author_id", "conversation_id", "public_metrics", "in_reply_to_user_id",
                "referenced_tweets", "lang", "possibly_sensitive", "reply_settings", "edit_history_tweet_ids"}
USER_FIELDS = {"created_at", "description", "public_metrics", "protected", "verified", "url", "location"}


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body


def iso_x(t: float) -> str:
    """2026-08-21T02:00:00.000Z (X writes milliseconds, always .000 for the second)."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso(value: str) -> float | None:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def invalid(message: str, parameter: str, value: str) -> ApiError:
    return ApiError(400, {"errors": [{"parameters": {parameter: [value]}, "message": message}],
                          "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                          "type": PROBLEMS + "invalid-request"})


def not_authorized(resource_type: str, parameter: str, value: str) -> dict:
    """What X puts in ``errors`` for a protected account's posts (a 200, section ``data``)."""
    return {"value": value, "detail": f"Sorry, you are not authorized to see the {resource_type} with {parameter}: "
                                      f"[{value}].", "title": "Authorization Error", "resource_type": resource_type,
            "parameter": parameter, "resource_id": value, "section": "data",
            "type": PROBLEMS + "not-authorized-for-resource"}


def not_found(resource_type: str, parameter: str, value: str, what: str) -> dict:
    return {"value": value, "detail": f"Could not find {what}: [{value}].", "title": "Not Found Error",
            "resource_type": resource_type, "parameter": parameter, "resource_id": value,
            "type": PROBLEMS + "resource-not-found"}


UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
CLIENT_NOT_ENROLLED = {
    "client_id": "28901234",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a "
              "Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden", "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled", "type": PROBLEMS + "client-forbidden"}
#: what app-only tokens were reported to get from liking_users (December 2024; X's spec lists user context only)
UNSUPPORTED_AUTH = {
    "title": "Unsupported Authentication",
    "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported "
              "authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
    "type": PROBLEMS + "unsupported-authentication", "status": 403}


class X:
    """``/2/...`` of api.x.com, serving the world's ``x`` accounts."""

    def __init__(self, world: World, protected: tuple[str, ...] = ()):
        self.world = world
        #: handles (lower case) of protected accounts: only approved followers see their posts
        self.protected: set[str] = {h.lower().lstrip("@") for h in protected}
        self._user_ids: dict[str, tuple[str, int]] = {}     # id -> ("w", watched idx) | ("a", actor idx)
        for w in world.watched:
            if w.platform == "x":
                self._user_ids[self.watched_id(w)] = ("w", w.idx)

    # ids ------------------------------------------------------------------
    def watched_id(self, w: Watched) -> str:
        return str(10**17 + int.from_bytes(_hash(self.world.seed, "x-watched", w.stem, n=7), "big") % 10**17)

    def actor_id(self, idx: int) -> str:
        uid = str(10**15 + int.from_bytes(_hash(self.world.seed, "x-actor", idx, n=7), "big") % 10**17)
        self._user_ids.setdefault(uid, ("a", idx))
        return uid

    def author_id(self, c: Content, author: int) -> str:
        return self.watched_id(c.watched) if author == -1 else self.actor_id(author)

    def node_of_id(self, tid: str) -> tuple[Content | None, Node | None]:
        if not _ID.match(tid or ""):
            return None, None
        idx = (int(tid) >> 12) & 1023
        if idx >= len(self.world.watched) or self.world.watched[idx].platform != "x":
            return None, None
        c = self.world.content(idx)
        return c, c.nodes.get(tid)

    def token(self, kind: str, key: str, offset: int) -> str:
        return b32(_hash(self.world.seed, "x-token", kind, key, offset, n=10))[:12] + f"{offset:08x}"

    def offset(self, kind: str, key: str, token: str | None, parameter: str) -> int:
        if not token:
            return 0
        m = _TOKEN.match(token)
        if not m or self.token(kind, key, int(m.group(2), 16)) != token:
            raise invalid(f"The `{parameter}` query parameter value [{token}] is not valid", parameter, token)
        return int(m.group(2), 16)

    # objects ----------------------------------------------------------------
    @staticmethod
    def fields(req: Request, name: str, allowed: set[str]) -> set[str]:
        raw = req.query.get(name) or ""
        asked = {f for f in raw.split(",") if f}
        bad = asked - allowed
        if bad:
            f = sorted(bad)[0]
            raise invalid(f"The `{name}` query parameter value [{f}] is not one of [{', '.join(sorted(allowed))}]",
                          name, f)
        return asked

    def user(self, w: Watched | None, idx: int | None, fields: set[str]) -> dict:
        if w is not None:
            c = self.world.content(w)
            d = {"id": self.watched_id(w), "name": w.name, "username": w.handle}
            extra = {"created_at": iso_x(w.created), "description": w.bio,
                     "protected": w.handle.lower() in self.protected, "verified": False,
                     "public_metrics": {"followers_count": len(c.followers), "following_count": 12,
                                        "tweet_count": len(c.own), "listed_count": 3, "like_count": 40}}
        else:
            a = self.world.actors[idx]
            d = {"id": self.actor_id(idx), "name": a.name, "username": a.x_username}
            extra = {"created_at": iso_x(a.created), "description": a.bio, "protected": False, "verified": False,
                     "public_metrics": {"followers_count": 10 + idx % 300, "following_count": 50 + idx % 90,
                                        "tweet_count": 100 + idx % 900, "listed_count": 0, "like_count": idx % 500}}
        for f in fields:
            if f in extra:
                d[f] = extra[f]
        return d

    def user_of(self, c: Content, author: int, fields: set[str]) -> dict:
        return self.user(c.watched if author == -1 else None, None if author == -1 else author, fields)

    @staticmethod
    def visible_children(n: Node) -> list[Node]:
        return [k for k in n.children if not k.hidden]

    def tweet(self, c: Content, n: Node, fields: set[str]) -> dict:
        text = n.text
        if n.kind == "reblog" and n.reblog_of is not None:
            o = n.reblog_of
            text = f"RT @{self.user_of(c, o.author, set())['username']}: {o.text}"
        d = {"id": n.pid, "text": text, "edit_history_tweet_ids": [n.pid]}
        if "created_at" in fields:
            d["created_at"] = iso_x(n.t)
        if "author_id" in fields:
            d["author_id"] = self.author_id(c, n.author)
        if "conversation_id" in fields:
            d["conversation_id"] = n.root.pid if n.kind == "reply" else n.pid
        if "in_reply_to_user_id" in fields and n.parent is not None:
            d["in_reply_to_user_id"] = self.author_id(c, n.parent.author)
        if "referenced_tweets" in fields:
            refs = []
            if n.parent is not None:
                refs.append({"type": "replied_to", "id": n.parent.pid})
            if n.kind == "quote" and n.reblog_of is not None:
                refs.append({"type": "quoted", "id": n.reblog_of.pid})
            if n.kind == "reblog" and n.reblog_of is not None:
                refs.append({"type": "retweeted", "id": n.reblog_of.pid})
            if refs:
                d["referenced_tweets"] = refs
        if "public_metrics" in fields:
            if n.kind == "reblog":
                d["public_metrics"] = {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0,
                                       "bookmark_count": 0, "impression_count": 0}
            else:
                d["public_metrics"] = {
                    "retweet_count": len(n.reposts), "reply_count": len(self.visible_children(n)),
                    "like_count": len(n.likes), "quote_count": len(n.quotes),
                    "bookmark_count": len(n.likes) // 7, "impression_count": 40 * (1 + len(n.likes))}
        if "lang" in fields:
            d["lang"] = "in"
        return d

    # dispatch ---------------------------------------------------------------
    ROUTES = [
        (re.compile(r"^/2/users/by/username/([^/]+)$"), "users_by_username", "x.users_by_username"),
        (re.compile(r"^/2/users/([^/]+)/tweets$"), "user_tweets", "x.user_tweets"),
        (re.compile(r"^/2/users/([^/]+)/followers$"), "followers", "x.followers"),
        (re.compile(r"^/2/tweets/search/recent$"), "search_recent", "x.search_recent"),
        (re.compile(r"^/2/tweets/([^/]+)/liking_users$"), "liking_users", "x.liking_users"),
        (re.compile(r"^/2/tweets/([^/]+)/retweeted_by$"), "retweeted_by", "x.retweeted_by"),
        (re.compile(r"^/2/tweets/([^/]+)/quote_tweets$"), "quote_tweets", "x.quote_tweets"),
        (re.compile(r"^/2/tweets$"), "tweets_lookup", "x.tweets"),
    ]

    def endpoint_of(self, path: str) -> str | None:
        """The endpoint a path counts against (``x.liking_users``), None outside X's routes."""
        for pattern, _, endpoint in self.ROUTES:
            if pattern.match(path):
                return endpoint
        return None

    def handle(self, req: Request) -> Response:
        for pattern, name, endpoint in self.ROUTES:
            m = pattern.match(req.path)
            if m:
                break
        else:
            return json_response({"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, 404,
                                 endpoint="x.unknown", family="x")
        auth = req.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return json_response(UNAUTHORIZED, 401, endpoint=endpoint, family="x",
                                 content_type="application/problem+json")
        try:
            body = getattr(self, name)(req, *m.groups())
        except ApiError as exc:
            ctype = "application/problem+json" if exc.status in (401, 403) else "application/json; charset=utf-8"
            return json_response(exc.body, exc.status, endpoint=endpoint, family="x", content_type=ctype)
        return json_response(body, 200, endpoint=endpoint, family="x")

    @staticmethod
    def max_results(req: Request, lo: int, hi: int, default: int) -> int:
        raw = req.query.get("max_results")
        if raw is None or raw == "":
            return default
        try:
            v = int(raw)
        except ValueError:
            raise invalid(f"The `max_results` query parameter value [{raw}] is not a number", "max_results", raw) from None
        if not lo <= v <= hi:
            raise invalid(f"The `max_results` query parameter value [{v}] is not between {lo} and {hi}",
                          "max_results", raw)
        return v

    def _watched_by_id(self, uid: str) -> Watched:
        kind, idx = self._user_ids.get(uid, ("", -1))
        if kind != "w":
            raise ApiError(200, {"errors": [not_found("user", "id", uid, "user with id")]})
        return self.world.watched[idx]

    # endpoints ----------------------------------------------------------------
    def users_by_username(self, req: Request, username: str) -> dict:
        if not _USERNAME.match(username):
            raise invalid(f"The `username` query parameter value [{username}] does not match ^[A-Za-z0-9_]{{1,15}}$",
                          "username", username)
        fields = self.fields(req, "user.fields", USER_FIELDS)
        for w in self.world.watched:
            if w.platform == "x" and w.handle.lower() == username.lower():
                return {"data": self.user(w, None, fields)}
        return {"errors": [not_found("user", "username", username, "user with username")]}

    def _page(self, rows: list, kind: str, key: str, req: Request, limit: int, token_param: str) -> tuple[list, dict]:
        off = self.offset(kind, key, req.query.get(token_param), token_param)
        sel = rows[off:off + limit]
        meta: dict = {"result_count": len(sel)}
        if off + limit < len(rows):
            meta["next_token"] = self.token(kind, key, off + limit)
        if off > 0:
            meta["previous_token"] = self.token(kind, key, max(0, off - limit))
        return sel, meta

    def _time_param(self, req: Request, name: str) -> float | None:
        raw = req.query.get(name)
        if not raw:
            return None
        t = parse_iso(raw)
        if t is None:
            raise invalid(f"Invalid '{name}':'{raw}'. '{name}' must be a timestamp in ISO 8601 format", name, raw)
        return t

    def user_tweets(self, req: Request, uid: str) -> dict:
        w = self._watched_by_id(uid)
        if w.handle.lower() in self.protected:
            return {"errors": [not_authorized("user", "id", uid)]}
        c = self.world.content(w)
        limit = self.max_results(req, 5, 100, 10)
        fields = self.fields(req, "tweet.fields", TWEET_FIELDS)
        exclude = {e for e in (req.query.get("exclude") or "").split(",") if e}
        start, end = self._time_param(req, "start_time"), self._time_param(req, "end_time")
        since_id, until_id = req.query.get("since_id"), req.query.get("until_id")
        rows = []
        for n in reversed(c.own):                     # newest first
            if n.kind == "reblog" and "retweets" in exclude:
                continue
            if n.kind == "reply" and "replies" in exclude:
                continue
            if start is not None and n.t < start or end is not None and n.t > end:
                continue
            if since_id and int(n.pid) <= int(since_id) or until_id and int(n.pid) >= int(until_id):
                continue
            rows.append(n)
        key = f"{uid}:{','.join(sorted(exclude))}:{start}:{end}:{since_id}:{until_id}"
        sel, meta = self._page(rows, "tl", key, req, limit, "pagination_token")
        out: dict = {}
        if sel:
            out["data"] = [self.tweet(c, n, fields) for n in sel]
            meta = {"newest_id": sel[0].pid, "oldest_id": sel[-1].pid, **meta}
        out["meta"] = meta
        return out

    def tweets_lookup(self, req: Request) -> dict:
        raw = req.query.get("ids") or ""
        ids = [i for i in raw.split(",") if i]
        if not ids or len(ids) > 100:
            raise invalid("The `ids` query parameter must list 1 to 100 ids", "ids", raw)
        fields = self.fields(req, "tweet.fields", TWEET_FIELDS)
        data, errors = [], []
        for tid in ids:
            c, n = self.node_of_id(tid)
            if n is None or n.hidden:
                errors.append(not_found("tweet", "ids", tid, "tweet with ids"))
            elif c.watched.handle.lower() in self.protected:
                errors.append(not_authorized("tweet", "ids", tid))
            else:
                data.append(self.tweet(c, n, fields))
        out: dict = {}
        if data:
            out["data"] = data
        if errors:
            out["errors"] = errors
        return out

    def _post(self, tid: str) -> tuple[Content, Node]:
        c, n = self.node_of_id(tid)
        if n is None:
            raise ApiError(200, {"errors": [not_found("tweet", "id", tid, "tweet with id")]})
        return c, n

    def _users_of_events(self, req: Request, events: list[Event], kind: str, key: str, hi: int) -> dict:
        limit = self.max_results(req, 1, hi, 100)
        fields = self.fields(req, "user.fields", USER_FIELDS)
        rows = sorted(events, key=lambda e: -e.t)      # newest first
        sel, meta = self._page(rows, kind, key, req, limit, "pagination_token")
        out: dict = {}
        if sel:
            out["data"] = [self.user(None, e.actor, fields) for e in sel]
        out["meta"] = meta
        return out

    def liking_users(self, req: Request, tid: str) -> dict:
        if req.headers.get("authorization", "")[7:].strip().startswith("app-only"):
            raise ApiError(403, UNSUPPORTED_AUTH)
        try:
            c, n = self._post(tid)
        except ApiError as exc:
            return exc.body
        return self._users_of_events(req, n.likes, "lk", tid, 100)

    def retweeted_by(self, req: Request, tid: str) -> dict:
        try:
            c, n = self._post(tid)
        except ApiError as exc:
            return exc.body
        return self._users_of_events(req, n.reposts, "rt", tid, 100)

    def followers(self, req: Request, uid: str) -> dict:
        auth = req.headers.get("authorization", "")[7:].strip()
        if not auth.startswith("enterprise"):
            raise ApiError(403, CLIENT_NOT_ENROLLED)
        try:
            w = self._watched_by_id(uid)
        except ApiError as exc:
            return exc.body
        return self._users_of_events(req, self.world.content(w).followers, "fo", uid, 1000)

    def _with_authors(self, req: Request, c: Content, nodes: list[Node], meta: dict) -> dict:
        fields = self.fields(req, "tweet.fields", TWEET_FIELDS)
        ufields = self.fields(req, "user.fields", USER_FIELDS)
        expansions = {e for e in (req.query.get("expansions") or "").split(",") if e}
        out: dict = {}
        if nodes:
            out["data"] = [self.tweet(c, n, fields) for n in nodes]
            if "author_id" in expansions:
                seen, users = set(), []
                for n in nodes:
                    if n.author not in seen:
                        seen.add(n.author)
                        users.append(self.user_of(c, n.author, ufields))
                out["includes"] = {"users": users}
        out["meta"] = meta
        return out

    def quote_tweets(self, req: Request, tid: str) -> dict:
        try:
            c, n = self._post(tid)
        except ApiError as exc:
            return exc.body
        limit = self.max_results(req, 10, 100, 10)
        rows = sorted(n.quotes, key=lambda q: -q.t)
        sel, meta = self._page(rows, "qt", tid, req, limit, "pagination_token")
        return self._with_authors(req, c, sel, meta)

    def search_recent(self, req: Request) -> dict:
        query = (req.query.get("query") or "").strip()
        m = _QUERY.match(query)
        if not m:
            raise invalid("The sandbox answers `conversation_id:ID` queries only", "query", query)
        limit = self.max_results(req, 10, 100, 10)
        floor = self.world.x_search_start()
        start = self._time_param(req, "start_time")
        if start is not None and start < floor - DAY:
            raise invalid(f"Invalid 'start_time':'{req.query['start_time']}'. 'start_time' must be on or after "
                          f"{iso_x(floor - DAY)}", "start_time", req.query["start_time"])
        since_id = req.query.get("since_id")
        if since_id:
            if not _ID.match(since_id):
                raise invalid(f"The `since_id` query parameter value [{since_id}] is not valid", "since_id", since_id)
            oldest = time.time() - 7 * DAY          # X's own window slides with the clock
            if snowflake_time(since_id) < oldest:
                oldest_id = (int(oldest * 1000) - X_EPOCH_MS) << 22
                raise invalid(f"Invalid 'since_id':'{since_id}'. 'since_id' must be a tweet id created after "
                              f"{iso_x(oldest)}. Please use a 'since_id' that is larger than {oldest_id}",
                              "since_id", since_id)
        c, root = self.node_of_id(m.group(1))
        rows: list[Node] = []
        if root is not None and root.kind == "post":
            stack = list(root.children)
            while stack:
                n = stack.pop()
                stack.extend(n.children)
                if n.hidden or n.t < floor or (start is not None and n.t < start):
                    continue
                if since_id and int(n.pid) <= int(since_id):
                    continue
                rows.append(n)
        rows.sort(key=lambda n: -int(n.pid))
        sel, meta = self._page(rows, "sr", f"{query}:{start}:{since_id}", req, limit, "next_token")
        meta.pop("previous_token", None)
        if sel:
            meta = {"newest_id": sel[0].pid, "oldest_id": sel[-1].pid, **meta}
        return self._with_authors(req, c, sel, meta) if c is not None else {"meta": meta}


def snowflake_time(tid: str) -> float:
    """Seconds since the epoch encoded in an X id."""
    return ((int(tid) >> 22) + X_EPOCH_MS) / 1000.0
