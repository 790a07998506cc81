"""What the matcher's speed work relies on: no reference cycles, a fixed result whatever the string hashing."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from pantau.matching import build_index, default_model, match

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks" / "matching"))


def test_matching_leaves_no_cyclic_garbage_and_gives_the_collector_back():
    # the collector is paused while matching (pantau.matching.gcpause): that is only
    # harmless if reference counting frees everything a match allocates
    from generate import generate
    ds = generate(800, 3000, seed=5)
    seen = []
    gc.collect()
    assert gc.isenabled()
    index = build_index(ds.employees, default_model())
    cands = match(ds.actors, None, index=index, progress=lambda d, t: seen.append(gc.isenabled()))
    assert cands and seen and not any(seen)          # off while scoring
    assert gc.isenabled()                            # on again afterwards
    gc.disable()
    try:
        match(ds.actors, None, index=index)
        left = gc.collect()
    finally:
        gc.enable()
    assert left < 50, f"{left} objects in reference cycles after matching 3,000 actors"


_RUN = """
import hashlib, sys
sys.path.insert(0, {bench!r})
from generate import generate
from pantau.matching import build_index, default_model, match
ds = generate(600, 2500, seed=13)
index = build_index(ds.employees, default_model())
cands = match(ds.actors, None, index=index)
rows = sorted((c.actor_id, c.nip, c.score, c.band, [f.detail for f in c.features]) for c in cands)
print(len(cands), hashlib.sha256(repr((list(index.tok2id), rows)).encode()).hexdigest())
"""


def test_token_ids_and_candidates_do_not_depend_on_string_hashing():
    # token ids break ties in the per-actor block budget and among typo corrections; they
    # once followed the order of Python sets, which changes with PYTHONHASHSEED per process
    code = _RUN.format(bench=str(ROOT / "benchmarks" / "matching"))
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outs.append(p.stdout.strip())
    assert outs[0] == outs[1] and int(outs[0].split()[0]) > 0


def _same_batch(a, b) -> None:
    import numpy as np
    for name, value in vars(a).items():
        other = getattr(b, name)
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype and np.array_equal(value, other), name
        else:
            assert value == other, name


def test_remembered_rows_and_memoised_names_prepare_actors_as_computed_afresh(monkeypatch):
    # display names and bios repeat and are prepared once; the EM sample's rows are kept for
    # the match that follows. None of it may change a batch: compared with memos switched off
    from generate import generate
    from pantau.matching import actors as actors_mod
    from pantau.matching.actors import prepare_actors
    ds = generate(600, 2500, seed=21)
    assert len({a.display_name for a in ds.actors}) < len(ds.actors)          # there are repeats
    ids = list(range(len(ds.actors)))
    warm = build_index(ds.employees, default_model())
    prepare_actors(ds.actors[::4], ids[::4], warm, remember=True)
    assert warm.__dict__["_row_memo"]
    memoised = prepare_actors(ds.actors, ids, warm)
    monkeypatch.setattr(actors_mod, "_MEMO_MAX", 0)
    cold = build_index(ds.employees, default_model())
    fresh = prepare_actors(ds.actors, ids, cold)
    assert not cold.__dict__["_display_memo"] and not cold.__dict__["_row_memo"]
    _same_batch(memoised, fresh)


def test_padding_rows_in_one_assignment_is_the_row_by_row_padding():
    import numpy as np
    from pantau.matching.index import padded
    rng = np.random.default_rng(3)
    rows = [rng.integers(0, 120, size=rng.integers(0, 9)).tolist() for _ in range(500)] + [[]]
    for width, dtype in ((6, np.int32), (3, np.int8), (12, np.int64)):
        want = np.full((len(rows), width), -1, dtype=dtype)
        for i, r in enumerate(rows):
            want[i, :len(r[:width])] = r[:width]
        got = padded(rows, width, -1, dtype)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    assert padded([], 4, -1).shape == (0, 4) and (padded([[], []], 2, 7) == 7).all()


def test_the_cached_index_carries_no_memo_of_a_run():
    import pickle
    from pantau.matching.actors import prepare_actors
    from generate import generate
    ds = generate(200, 400, seed=2)
    index = build_index(ds.employees, default_model())
    prepare_actors(ds.actors, list(range(len(ds.actors))), index, remember=True)
    back = pickle.loads(pickle.dumps(index))
    assert "_row_memo" in index.__dict__ and not [k for k in back.__dict__ if k.startswith("_")]
    assert back.tok2id == index.tok2id and back.n == index.n


def test_forked_workers_end_without_a_signal_and_die_of_sigterm_whatever_the_parent_handles(monkeypatch):
    # the match stage installs a SIGTERM handler that raises; inherited by pool workers, it
    # once left a worker waiting for ever on the task queue's lock when the pool was terminated
    import signal

    import pantau.matching as pm
    from generate import generate

    class Stop(Exception):
        pass

    def raising(signum, frame):
        raise Stop()

    previous = signal.signal(signal.SIGTERM, raising)
    try:
        pm._worker_init()
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        signal.signal(signal.SIGTERM, raising)
        ds = generate(300, 900, seed=4)
        model = default_model()
        model.batch_actors = 200
        monkeypatch.setattr(pm, "PARALLEL_MIN_ACTORS", 10)
        index = build_index(ds.employees, model)
        assert match(ds.actors, None, model, index=index, processes=2)
        assert signal.getsignal(signal.SIGTERM) is raising        # the parent's handler is untouched
    finally:
        signal.signal(signal.SIGTERM, previous)
