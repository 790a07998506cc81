"""``call_year``: a call name with the birth year in the handle (``tono.1984``: Hartono, born 1984).

People put their call name and birth year in a handle as often as their full name and year.
A call name alone is no key of its own for an employee with several given names (every
Heryanto, Suryanto and Yanto Siregar answers to Yanto: a lottery), but the year the NIP
carries narrows that crowd to the few born that year. The roster side keys each employee
with a known birth year by every form it answers to (the call forms of its first two given
names, and a given name that is itself someone's call form: Tono in Tono Sudarmo) with the
year, so a block's size is how many employees answer to that form and were born that year:
the handle level that reads such a pair (``comparisons.handle``, "call_name_dated") holds
only where that is one (``sole``). A weak key: a form many answer to is a large block even
by year, and is dropped like a large initial block (``max_initial_block``).
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import (ActorSide, BlockingKey, RosterSide, groups, lookup, mixed, unique_sorted,
                                          with_dates)
from pantau.matching.blocking.call_name import given_calls


class CallYear(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        r = rs.roster
        year = r.birth_year.astype(np.int64)
        has_year = year > 0
        out = []
        for _c, _col, cid, has in given_calls(rs):
            m = has & has_year
            out.append((cid[m], rs.rows[m]))
        # a given name that is itself a call form answers to it too (Tono Sudarmo to tono)
        is_form = np.zeros(len(r.call_bits), bool)
        forms = r.tok_call[r.tok_call >= 0]
        is_form[forms] = True
        given = r.call_given[:, :rs.tok.shape[1]] & rs.valid
        for k in range(rs.tok.shape[1]):
            m = given[:, k] & is_form[rs.safe[:, k]] & has_year
            out.append((rs.tok[m, k], rs.rows[m]))
        cid = np.concatenate([c for c, _ in out])
        rows = np.concatenate([w for _, w in out])
        # one entry per employee and form, so that a block's size counts employees
        code = unique_sorted(rows * np.int64(len(is_form)) + cid)
        del cid
        rows = code // len(is_form)
        keys = mixed(self.tag, code % len(is_form), year[rows])
        del code
        # sorted here, and the blocks ``build`` would drop as too large for a weak key dropped
        # here: at national scale most forms are hundreds of employees a year
        order = np.argsort(keys)
        keys, rows = keys[order], rows[order]
        del order
        _, _, cnt = groups(keys)
        small = np.repeat(cnt <= rs.model.max_initial_block, cnt)
        return [(keys[small], rows[small])]

    def actor_keys(self, side: ActorSide):
        b = side.batch
        return with_dates(self.tag, b.years,
                          lambda r: {int(c) for c in b.h_call[r] if c >= 0} | {int(c) for c in b.d_call[r] if c >= 0})

    def sole(self, roster, cid: np.ndarray, year: np.ndarray, pe: np.ndarray) -> np.ndarray:
        """Per pair: employee ``pe`` is the only one who answers to the form ``cid`` and was born in
        ``year`` (its block holds one employee, this one)."""
        bk = roster.block_keys
        out = np.zeros(len(pe), bool)
        ok = (cid >= 0) & (year > 0)
        if not ok.any() or bk is None or not len(bk):
            return out
        pos, found = lookup(bk, mixed(self.tag, cid[ok], year[ok]))
        one = found & (roster.block_count[pos] == 1)
        out[ok] = one & (roster.block_emp[roster.block_start[pos]] == pe[ok])
        return out


CALL_YEAR = CallYear("call_year", 12, "a call name with the birth year in the handle", dated=True)
