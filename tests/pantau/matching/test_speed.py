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
