"""When is a post, or an account, completely fetched? Pending work counted per account and post.

Every request made for an account (and for one of its posts) is pending
until its callback or errback ends; so is work that is not a request (a post
waiting for its statistics). A post whose pending work all ended without a
failure is complete, and so is an account. Only complete things may advance
their cursors: a failure anywhere keeps the old ones, so the next run
fetches that part again.
"""

from __future__ import annotations

from collections import Counter


class Completion:
    def __init__(self) -> None:
        self._pending: Counter = Counter()
        self._failed: set = set()

    def add(self, account_id: int, post: str | None = None) -> None:
        self._pending[("account", account_id)] += 1
        if post is not None:
            self._pending[("post", account_id, post)] += 1

    def fail_account(self, account_id: int) -> None:
        self._failed.add(("account", account_id))

    def account_failed(self, account_id: int) -> bool:
        return ("account", account_id) in self._failed

    def release(self, account_id: int, post: str | None, ok: bool) -> tuple[bool, bool]:
        """End one pending piece; returns (the post is now complete, the account is now complete)."""
        post_done = account_done = False
        if post is not None:
            k = ("post", account_id, post)
            if not ok:
                self._failed.add(k)
            self._pending[k] -= 1
            if self._pending[k] <= 0:
                del self._pending[k]
                post_done = k not in self._failed and not self.account_failed(account_id)
        k = ("account", account_id)
        if not ok:
            self._failed.add(k)
        self._pending[k] -= 1
        if self._pending[k] <= 0:
            del self._pending[k]
            account_done = k not in self._failed
        return post_done, account_done
