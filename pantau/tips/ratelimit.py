"""Rate limits of the public form, on salted address hashes held in memory for a short time.

The reporter's address is never stored: it is hashed with a salt that exists
only in this process (a restart makes old hashes unlinkable), and a hash is
forgotten as soon as its last hit leaves the window (``[tips] address_minutes``).
Two buckets per client (reports, receipt look-ups) and one for the whole form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

MAX_CLIENTS = 200_000          # bound memory under a spray of addresses


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0       # seconds until the next attempt may pass
    scope: str = ""            # "client" | "total" when refused


class RateLimiter:
    def __init__(self, *, client_limit: int, window_seconds: float, total_per_hour: int,
                 clock=time.monotonic):
        self.client_limit = client_limit
        self.window = float(window_seconds)
        self.total_limit = total_per_hour
        self.clock = clock
        self._salt = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._clients: dict[str, deque[float]] = {}
        self._total: deque[float] = deque()

    @classmethod
    def from_settings(cls, tips, *, bucket: str = "report") -> "RateLimiter":
        limit = tips.client_limit if bucket == "report" else tips.status_limit
        total = tips.total_per_hour if bucket == "report" else tips.total_per_hour * 10
        return cls(client_limit=limit, window_seconds=tips.address_minutes * 60, total_per_hour=total)

    def key(self, address: str) -> str:
        """The salted hash that stands for ``address`` (the address itself is not kept)."""
        return hmac.new(self._salt, address.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]

    def _prune(self, now: float) -> None:
        while self._total and self._total[0] <= now - 3600:
            self._total.popleft()
        cutoff = now - self.window
        for k in [k for k, q in self._clients.items() if not q or q[-1] <= cutoff]:
            del self._clients[k]

    def hit(self, address: str) -> Verdict:
        """Count one attempt from ``address`` if the limits allow it; refuse it (uncounted) otherwise."""
        k = self.key(address)
        now = self.clock()
        with self._lock:
            self._prune(now)
            q = self._clients.get(k)
            if q is not None:
                while q and q[0] <= now - self.window:
                    q.popleft()
                if len(q) >= self.client_limit:
                    return Verdict(False, max(1, int(q[0] + self.window - now + 0.999)), "client")
            if len(self._total) >= self.total_limit:
                return Verdict(False, max(1, int(self._total[0] + 3600 - now + 0.999)), "total")
            if q is None:
                if len(self._clients) >= MAX_CLIENTS:
                    self._clients.pop(next(iter(self._clients)))
                q = self._clients[k] = deque()
            q.append(now)
            self._total.append(now)
            return Verdict(True)

    def known(self) -> int:
        """How many address hashes are held now (after forgetting expired ones)."""
        with self._lock:
            self._prune(self.clock())
            return len(self._clients)

    def holds(self, address: str) -> bool:
        with self._lock:
            self._prune(self.clock())
            return self.key(address) in self._clients
