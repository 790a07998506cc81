"""``call_name_place``: a call name of a roster given name with a place of the employee's unit,
written in the display name ("Haman Sumedang" for Narahaman Hermawan of MAN 9 Sumedang).

A call name alone is a lottery among everyone whose given name yields it, so the ``call_name``
key gives it a block only for an employee with one given name, and drops that block when many
answer to the form (Yanto). A display name that names a place beside the call name narrows the
crowd to the few of one regency or office: a block small enough to score, for employees with
one given name or several. Only the display name's own
place (``display_names.without_unit_words``) keys it: a place in the bio ("Warga Sumedang") is the
unit comparison's evidence; as a key it found no account more (java, outer at 10,000 x
50,000) for 3 and 20 pairs more.
"""

from __future__ import annotations

import numpy as np

from pantau.matching.blocking.base import TAG_SHIFT, ActorSide, BlockingKey, RosterSide, key
from pantau.matching.blocking.call_name import given_calls
from pantau.matching.index import PLACE_BITS

GIVEN = 2        # call names come from the first two given names (Sri Wahyuni: Yuni)


#: place words keyed per employee: of its unit and position words that say where, the commonest
#: (the regency or the office, what people write: Sumedang in "SDN Cibeureum Cimalaka
#: Sumedang") and the rarest. Keyed on every such word, the first national build peaked at 8.6 GB,
#: not 6.2
PLACES = 2


def place_words(roster) -> np.ndarray:
    """Per employee, the ctx ids of the commonest and the rarest of its unit and position words
    that are rare enough to say where (-1 none; one word may be both)."""
    E = roster.e_ctx
    bits = np.where(E >= 0, roster.ctx_idf.astype(np.float32)[np.where(E >= 0, E, 0)], np.float32(-1))
    says = bits >= PLACE_BITS
    rows = np.arange(len(E))
    common = np.where(says, bits, np.float32(np.inf)).argmin(1)
    rare = np.where(says, bits, np.float32(-1)).argmax(1)
    out = np.full((len(E), PLACES), -1, dtype=E.dtype)
    any_ = says.any(1)
    out[:, 0] = np.where(any_, E[rows, common], -1)
    out[:, 1] = np.where(any_ & (rare != common), E[rows, rare], -1)
    return out


class CallNamePlace(BlockingKey):
    def roster_keys(self, rs: RosterSide):
        places = place_words(rs.roster)
        out = []
        # one given name too: its call_name block alone is weak, cut when many answer to the form
        for _, _, cid, has in given_calls(rs, GIVEN):
            for p in range(places.shape[1]):
                m = has & (places[:, p] >= 0)
                if m.any():
                    out.append((key(self.tag, (cid[m] << np.int64(24)) | places[m, p]), rs.rows[m]))
        return out

    def actor_keys(self, side: ActorSide):
        tag = self.tag << TAG_SHIFT
        b = side.batch
        rows, keys = [], []
        for r in range(b.n):
            places = {int(p) for p in b.d_place[r] if p >= 0}
            if not places:
                continue
            cids = {int(c) for c in b.d_call[r] if c >= 0} | {int(c) for c in b.h_call[r] if c >= 0}
            for c in cids:
                for p in places:
                    rows.append(r)
                    keys.append(tag | (c << 24) | p)
        return rows, keys


CALL_NAME_PLACE = CallNamePlace("call_name_place", 9, "a call name of a roster given name, with a place of the "
                                                      "employee's unit")
