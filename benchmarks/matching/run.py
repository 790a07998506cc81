"""Matching benchmark: quality against ground truth, speed and memory, next to a brute-force WRatio baseline.

    .venv/bin/python benchmarks/matching/run.py quality            # 10,000 employees x 50,000 actors
    .venv/bin/python benchmarks/matching/run.py scale city         # 10,000 x 100,000, `pantau match` end to end
    .venv/bin/python benchmarks/matching/run.py scale province     # 100,000 x 1,000,000
    .venv/bin/python benchmarks/matching/run.py scale national     # 4,300,000 x 1,000,000 (index cached)
    .venv/bin/python benchmarks/matching/run.py linearity          # 2x actors -> time ratio
    .venv/bin/python benchmarks/matching/run.py sample national --actors 20000   # quality on the first actors
    .venv/bin/python benchmarks/matching/run.py sets quality       # the three labelled sets side by side
    .venv/bin/python benchmarks/matching/run.py quality --set java # one set (current, java, outer)
    .venv/bin/python benchmarks/matching/run.py respelled quality  # true matches in another spelling
    .venv/bin/python benchmarks/matching/run.py slipped quality    # true matches with a slip in the display name
    .venv/bin/python benchmarks/matching/run.py regional quality   # regional parts written short on one side
    .venv/bin/python benchmarks/matching/run.py described quality  # a description after the display name
    .venv/bin/python benchmarks/matching/run.py surrounded quality # words around the name (normaliser 8)

Three labelled sets: ``current`` (generate.py, the set the model was built on) and two
profiles of an independent generator written before any tuning (generate_regional.py:
``java``, ``outer``; regional names, call names, other handle habits and namesake shares).
Judge a change by the worst of the three.

Prints the generator's fixed parameters and seed, then the figures and the targets.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import generate_regional  # noqa: E402
from generate import Dataset, generate  # noqa: E402

from pantau.matching import build_index, default_model, match  # noqa: E402

SETS = ("current", "java", "outer")
SCALES = {"tiny": (2_000, 6_000), "small": (2_000, 10_000), "quality": (10_000, 50_000), "city": (10_000, 100_000),
          "province": (100_000, 1_000_000), "national": (4_300_000, 1_000_000)}
TARGETS = {"recall": 0.95, "strong_precision": 0.90, "reviewer_load": 3.0}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluate(pairs: list[tuple[int, str, str]], ds: Dataset, actor_subset: set[int] | None = None) -> dict:
    """pairs: (actor index, nip, band). Metrics over the actors in ``actor_subset`` (default all)."""
    truth = ds.truth if actor_subset is None else {a: n for a, n in ds.truth.items() if a in actor_subset}
    tp = [p for p in pairs if truth.get(p[0]) == p[1]]
    found = {p[0] for p in tp}
    strong = [p for p in pairs if p[2] == "strong"]
    strong_tp = [p for p in strong if truth.get(p[0]) == p[1]]
    out = {
        "true_accounts": len(truth), "pairs": len(pairs), "true_found": len(found),
        "recall": len(found) / max(len(truth), 1),
        "precision": len(tp) / max(len(pairs), 1),
        "strong_pairs": len(strong), "strong_precision": len(strong_tp) / max(len(strong), 1),
        "strong_recall": len({p[0] for p in strong_tp}) / max(len(truth), 1),
        "reviewer_load": len(pairs) / max(len(found), 1),
        "bands": {b: sum(1 for p in pairs if p[2] == b) for b in ("strong", "possible", "namesake")},
        "hard": {},
    }
    for tag in sorted({t for ts in ds.tags.values() for t in ts}):
        acts = [a for a in truth if tag in ds.tags.get(a, ())]
        if acts:
            out["hard"][tag] = (sum(1 for a in acts if a in found) / len(acts), len(acts))
    return out


def print_metrics(title: str, m: dict) -> None:
    print(f"  {title}")
    print(f"    recall {m['recall']:.3f} ({m['true_found']}/{m['true_accounts']})  precision {m['precision']:.3f}  "
          f"strong precision {m['strong_precision']:.3f} ({m['strong_pairs']} strong pairs, strong recall "
          f"{m['strong_recall']:.3f})  reviewer load {m['reviewer_load']:.2f} pairs per true match  "
          f"pairs {m['pairs']}  bands {m['bands']}")
    if m["hard"]:
        print("    hard cases: " + ", ".join(f"{k} {v[0]:.3f} (n={v[1]})" for k, v in m["hard"].items()))


def baseline(ds: Dataset, sample: list[int], thresholds=(80, 86, 90, 95), top_k: int = 3) -> dict:
    """Plain rapidfuzz: WRatio of (display name or handle) against every roster name, brute-force cdist."""
    from rapidfuzz import fuzz, process, utils
    names = [e.name for e in ds.employees]
    queries = [(ds.actors[i].display_name or ds.actors[i].handle or "") for i in sample]
    t0 = time.perf_counter()
    res = {t: [] for t in thresholds}
    step = 200
    for s in range(0, len(queries), step):
        m = process.cdist(queries[s:s + step], names, scorer=fuzz.WRatio, processor=utils.default_process,
                          dtype=np.uint8, workers=-1, score_cutoff=min(thresholds))
        for r in range(m.shape[0]):
            row = m[r]
            top = np.argpartition(-row.astype(np.int16), min(top_k, len(row) - 1))[:top_k]
            for t in thresholds:
                for e in top:
                    if row[e] >= t:
                        res[t].append((sample[s + r], ds.employees[e].nip, "possible"))
    secs = time.perf_counter() - t0
    return {"seconds": secs, "pairs_scored": len(queries) * len(names), "by_threshold": res}


def dataset(name: str, ne: int, na: int) -> Dataset:
    """One of the labelled sets at a size."""
    if name == "current":
        return generate(ne, na)
    return generate_regional.generate(ne, na, name)


def cli(set_name: str, scale: str) -> None:
    """A labelled set scored exactly as an independent checker does: through the CLI only.

    ``pantau init``, ``pantau roster import roster.csv``, ``pantau import interactions.jsonl``,
    ``pantau match``, ``pantau export matches --format csv``; the export is scored against the truth.
    """
    import csv
    import json
    import shutil
    ne, na = SCALES[scale]
    ds = dataset(set_name, ne, na)
    tmp = Path(tempfile.mkdtemp(prefix="pantau-cli-bench-"))
    ws = tmp / "ws"
    exe = str(REPO / ".venv/bin/pantau")
    env = dict(os.environ, PYTHONPATH=str(REPO))

    def run(*args: str) -> str:
        t0 = time.perf_counter()
        p = subprocess.run([exe, *args], cwd=ws if ws.exists() else tmp, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            raise SystemExit(f"pantau {' '.join(args)} failed: {p.stderr.strip()[-500:]}")
        print(f"  pantau {' '.join(args)}: {time.perf_counter() - t0:.1f} s")
        return p.stdout

    run("init", str(ws))
    with open(tmp / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["nip", "nama", "unit_kerja", "jabatan", "akun"])
        for e in ds.employees:
            w.writerow([e.nip, e.name, e.unit or "", e.position or "", "; ".join(e.handles or [])])
    with open(tmp / "interactions.jsonl", "w", encoding="utf-8") as fh:
        for a in ds.actors:
            fh.write(json.dumps({"platform": a.platform, "kind": "follow", "target_account": "calonsatu",
                                 "actor_handle": a.handle, "actor_name": a.display_name, "actor_bio": a.bio},
                                ensure_ascii=False) + "\n")
    run("roster", "import", str(tmp / "roster.csv"))
    run("import", str(tmp / "interactions.jsonl"))
    print("   ", run("match").strip())
    out = tmp / "matches.csv"
    run("export", "matches", "--format", "csv", "--out", str(out))
    key = {(a.platform, (a.handle or "").lstrip("@").lower()): i for i, a in enumerate(ds.actors)}
    pairs = []
    with open(out, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            h = (r["actor_handle"] or "").lstrip("'").lstrip("@").lower()
            i = key.get((r["platform"], h))
            if i is not None:
                pairs.append((i, r["nip"].lstrip("'"), r["band"]))
    print_metrics(f"{set_name} through the CLI ({ne:,} x {na:,})", evaluate(pairs, ds))
    shutil.rmtree(tmp, ignore_errors=True)


def learned_model(ds: Dataset, base, index, decisions: int = 0):
    """The model a workspace of this set would use: EM over a sample of its actors, as ``pantau match`` does;
    with ``decisions`` > 0, also a refit from that many simulated reviewer decisions (truth as labels)."""
    import dataclasses

    from pantau.jobs.match_model import em_sample
    from pantau.matching import learn, pair_levels
    from pantau.matching.actors import prepare_actors
    from pantau.matching.comparisons import PairFeatures
    from pantau.matching.scoring import score_pairs
    fit = learn.fit_em(base, *pair_levels(em_sample(ds.actors), base, index))
    model = dataclasses.replace(base, weights={k: tuple(v) for k, v in fit.weights.items()}, origin="em",
                                weights_id="bench")
    if decisions:
        cands = match(ds.actors, None, model, index=index)
        rng = np.random.default_rng(11)
        picked = rng.choice(len(cands), size=min(decisions, len(cands)), replace=False)
        lab = [(cands[i].actor_id, cands[i].nip) for i in picked]
        nip_pos = {e.nip: i for i, e in enumerate(ds.employees)} if ds.employees else {
            n.decode(): i for i, n in enumerate(index.nips)}
        acts = sorted({a for a, _ in lab})
        pos = {a: k for k, a in enumerate(acts)}
        b2 = prepare_actors([ds.actors[a] for a in acts], acts, index)
        f2 = PairFeatures(b2, index, np.array([pos[a] for a, _ in lab]), np.array([nip_pos[n] for _, n in lab]))
        y = np.array([1 if ds.truth.get(a) == n else 0 for a, n in lab])
        test = np.array([learn.held_back(a, n) for a, n in lab])
        s_now = score_pairs(f2, b2, index, model)
        refit = learn.fit_decisions(model, s_now.levels, y, ~test, fit)
        cand = dataclasses.replace(model, weights={k: tuple(v) for k, v in refit.weights.items()},
                                   origin="decisions")
        s_new = score_pairs(f2, b2, index, cand)
        ok, why = learn.better(s_now.score[test], s_new.score[test], y[test], model.threshold)
        print(f"    decisions refit: {len(lab)} labels ({int(y.sum())} confirmed), {int(test.sum())} held back: "
              f"{why}: {'kept' if ok else 'not kept'}")
        if ok:
            model = cand
    return model


def sets(scale: str, weights: str = "prior", decisions: int = 0) -> None:
    """The three labelled sets side by side: quality and time per set, recall per hard-case tag."""
    ne, na = SCALES[scale]
    base = default_model()
    model = base
    rows, tags = [], {}
    for name in SETS:
        ds = dataset(name, ne, na)
        t0 = time.perf_counter()
        index = build_index(ds.employees, base)
        if weights != "prior":
            model = learned_model(ds, base, index, decisions)
            moved = {c.name: [round(a - b, 1) for a, b in zip(model.level_weights(c), c.default_weights())]
                     for c in model.comparisons if model.weights.get(c.name)}
            print(f"  {name}: {model.origin} weights, shifts from the declared ones: {moved}")
        cands = match(ds.actors, None, model, index=index)
        secs = time.perf_counter() - t0
        m = evaluate([(c.actor_id, c.nip, c.band) for c in cands], ds)
        rows.append((name, m, secs, ds))
        for tag, (rec, n) in m["hard"].items():
            tags.setdefault(tag, {})[name] = (rec, n)
    print(f"model {base.version} ({weights} weights), {ne:,} employees x {na:,} actors")
    print(f"  {'set':<8} {'recall':>7} {'pairs/true':>10} {'strong prec':>11} {'strong rec':>10} "
          f"{'true':>6} {'pairs':>7} {'namesakes':>9} {'floor':>6} {'seconds':>7}")
    for name, m, secs, ds in rows:
        # the load no name comparison can go below: one pair per public actor carrying an
        # employee's exact name (its display name is as good as the employee's own account's)
        floor = (m["true_accounts"] + ds.namesakes) / max(m["true_accounts"], 1)
        print(f"  {name:<8} {m['recall']:>7.3f} {m['reviewer_load']:>10.2f} {m['strong_precision']:>11.3f} "
              f"{m['strong_recall']:>10.3f} {m['true_accounts']:>6} {m['pairs']:>7} "
              f"{ds.namesakes / max(ds.public, 1):>9.1%} {floor:>6.2f} {secs:>7.1f}")
    worst = (min(r[1]["recall"] for r in rows), max(r[1]["reviewer_load"] for r in rows),
             min(r[1]["strong_precision"] for r in rows))
    ok = (worst[0] >= TARGETS["recall"] and worst[1] <= TARGETS["reviewer_load"]
          and worst[2] >= TARGETS["strong_precision"])
    print(f"  {'worst':<8} {worst[0]:>7.3f} {worst[1]:>10.2f} {worst[2]:>11.3f}   targets: recall >= "
          f"{TARGETS['recall']}, pairs/true <= {TARGETS['reviewer_load']}, strong precision >= "
          f"{TARGETS['strong_precision']}: {'MET' if ok else 'NOT MET'}")
    print("  recall per hard-case tag (n):")
    for tag in sorted(tags):
        cells = "  ".join(f"{n}: {tags[tag][n][0]:.3f} ({tags[tag][n][1]})" if n in tags[tag] else f"{n}: -"
                          for n in SETS)
        print(f"    {tag:<13} {cells}")


def quality(scale: str, sample_n: int, set_name: str = "current") -> None:
    ne, na = SCALES[scale]
    t0 = time.perf_counter()
    ds = dataset(set_name, ne, na)
    gen_s = time.perf_counter() - t0
    print(f"generator: {ds.params}")
    print(f"  {len(ds.employees)} employees, {len(ds.actors)} actors, {len(ds.truth)} employee accounts, "
          f"public {ds.public}, exact namesakes in the public {ds.namesakes} "
          f"({ds.namesakes / max(ds.public, 1):.1%}); generated in {gen_s:.1f} s")
    model = default_model()
    t0 = time.perf_counter()
    index = build_index(ds.employees, model)
    t_index = time.perf_counter() - t0
    stats: dict = {}
    t0 = time.perf_counter()
    cands = match(ds.actors, None, model, index=index, stats=stats)
    t_match = time.perf_counter() - t0
    pairs = [(c.actor_id, c.nip, c.band) for c in cands]
    # the baseline's cdist uses every core, and so does ``pantau match`` (forked workers), on
    # an index of its own (the one above holds the memos of a run)
    from pantau.jobs.match import MAX_PROCESSES
    cores = min(os.cpu_count() or 1, MAX_PROCESSES)
    t0 = time.perf_counter()
    par = match(ds.actors, None, model, index=build_index(ds.employees, model), processes=cores)
    t_par = time.perf_counter() - t0               # its index built too
    same = sorted((c.actor_id, c.nip, c.score) for c in par) == sorted((c.actor_id, c.nip, c.score) for c in cands)
    print(f"pantau.matching (model {model.version}, threshold {model.threshold}, top-k {model.top_k}):")
    print(f"  index {t_index:.2f} s, match {t_match:.2f} s in one process ({len(ds.actors) / t_match:,.0f} actors/s), "
          f"{t_par:.2f} s building its own index and matching in {cores} processes as `pantau match` runs "
          f"({'the same' if same else 'DIFFERENT'} "
          f"candidates); candidate pairs scored {stats['pairs']:,} ({stats['pairs'] / len(ds.actors):.1f} per actor), "
          f"peak RSS {peak_rss_mib():.0f} MiB")
    rep = index.block_report
    print(f"  blocking: {rep['keys']:,} keys, {rep['entries']:,} entries, hot blocks skipped "
          f"{rep['hot_blocks_skipped']}, largest {[b['size'] for b in rep['largest_blocks'][:5]]}")
    m = evaluate(pairs, ds)
    print_metrics("all actors", m)
    rng = np.random.default_rng(7)
    sample = sorted(rng.choice(len(ds.actors), size=min(sample_n, len(ds.actors)), replace=False).tolist())
    ss = set(sample)
    print_metrics(f"same {len(sample)}-actor sample as the baseline",
                  evaluate([p for p in pairs if p[0] in ss], ds, ss))
    b = baseline(ds, sample)
    full_pairs = len(ds.actors) * len(ds.employees)
    est = b["seconds"] * full_pairs / b["pairs_scored"]
    print(f"baseline: WRatio brute-force cdist, top-{model.top_k}, on {len(sample)} sampled actors: "
          f"{b['seconds']:.1f} s for {b['pairs_scored']:,} pairs; extrapolated to all {full_pairs:,} pairs: "
          f"{est:.0f} s; pantau.matching {t_par:.1f} s on {cores} cores, "
          f"{est / t_par:.0f}x faster (target >= 30x); {t_index + t_match:.1f} s in one process, "
          f"{est / (t_index + t_match):.0f}x)")
    for t, ps in b["by_threshold"].items():
        print_metrics(f"baseline WRatio >= {t}", evaluate(ps, ds, ss))
    ok = (m["recall"] >= TARGETS["recall"] and m["strong_precision"] >= TARGETS["strong_precision"]
          and m["reviewer_load"] <= TARGETS["reviewer_load"])
    print(f"targets: recall >= {TARGETS['recall']}, strong precision >= {TARGETS['strong_precision']}, "
          f"reviewer load <= {TARGETS['reviewer_load']}: {'MET' if ok else 'NOT MET'}")


_AS_GENERATED: dict[str, set] = {}


def _found_again(name: str, ds, actors: list, changed: dict, what: str, original=None,
                 forms: dict | None = None) -> None:
    """Match a set whose true accounts were changed (``changed``: actor -> NIP) and print how
    many of them are still found, next to how many of the same accounts are found as the set
    was generated (``original``, default ``ds``; remembered per set ``name``), and per form
    when ``forms`` (actor -> how it was changed) is given."""
    model = default_model()
    original = original or ds
    if name not in _AS_GENERATED:
        base = match(original.actors, None, model, index=build_index(original.employees, model))
        _AS_GENERATED[name] = {(c.actor_id, c.nip) for c in base}
    got = match(actors, None, model, index=build_index(ds.employees, model))
    found = {(c.actor_id, c.nip) for c in got}
    hit = sum((a, n) in found for a, n in changed.items())
    was = sum((a, n) in _AS_GENERATED[name] for a, n in changed.items())
    print(f"  {name:8} {len(changed):5} {what}, found {hit:5}: recall {hit / max(len(changed), 1):.3f} "
          f"(as generated: {was / max(len(changed), 1):.3f}); pairs {len(got)}")
    if forms:
        per: dict[str, list[int]] = {}
        for a, n in changed.items():
            f = per.setdefault(forms[a], [0, 0, 0])
            f[0] += 1
            f[1] += (a, n) in found
            f[2] += (a, n) in _AS_GENERATED[name]
        print("    " + ", ".join(f"{f!r} {h / k:.2f}/{w / k:.2f}" for f, (k, h, w) in per.items())
              + "  (recall / as generated)")


def respelled(scale: str) -> None:
    """Recall of true matches whose display name (and handle) is re-spelled by one of the
    habits of ``respell.py``, on each set; the model as it is."""
    import dataclasses

    from respell import respell

    from pantau.matching.normalize import normalise

    ne, na = SCALES[scale]
    print(f"re-spelled true matches ({ne:,} x {na:,}): each account whose display name has a word that "
          "another spelling changes, with that word (and the handle where it spells it) re-spelled")
    for name in SETS:
        ds = dataset(name, ne, na)
        actors, changed = list(ds.actors), {}
        for a, nip in ds.truth.items():
            act = actors[a]
            words = (act.display_name or "").split()
            for k, w in enumerate(words):
                o = respell(w)
                if o is None or normalise(o).text == normalise(w).text:
                    continue
                words[k] = o
                handle = act.handle
                if handle and w.lower() in handle.lower():
                    handle = handle.lower().replace(w.lower(), o.lower())
                actors[a] = dataclasses.replace(act, display_name=" ".join(words), handle=handle)
                changed[a] = nip
                break
        _found_again(name, ds, actors, changed, "re-spelled")


# regional parts as Balinese and Batak rosters and profiles write them short (normalize.REGIONAL_SHORT)
_SHORT = {"wayan": "Wyn.", "gede": "Gde", "ketut": "Kt.", "gusti": "Gst.", "ngurah": "Ngr.", "nyoman": "Nym.",
          "made": "Md.", "putu": "Pt.", "kadek": "Kd.", "komang": "Km.", "boru": "Br.", "br.": "Boru", "br": "Boru"}
_SHORT_LEAD = {("anak", "agung"): "A.A.", ("ida", "bagus"): "I.B."}


def written_short(text: str) -> str | None:
    """A name with its regional parts written short (I Ketut -> I Kt., Anak Agung -> A.A.), or None."""
    words = text.split(" ")
    low = [w.lower() for w in words]
    written = False
    for k in range(len(words) - 1):
        if tuple(low[k:k + 2]) in _SHORT_LEAD:
            words[k:k + 2] = [_SHORT_LEAD[tuple(low[k:k + 2])], ""]
            written = True
            break
    for k in range(1, len(words) - 1):
        if low[k] in _SHORT and words[k]:
            words[k] = _SHORT[low[k]]
            written = True
    return " ".join(w for w in words if w) if written else None


def regional_short(scale: str) -> None:
    """Recall of true matches whose name has a regional part written short on one side: in the
    display name (the roster writes it whole), then on the roster (the display name writes it whole).

    The generators write regional parts whole; rosters and profiles often do not (I GST NGR, NI WYN)."""
    import dataclasses

    ne, na = SCALES[scale]
    print(f"regional parts written short ({ne:,} x {na:,}): Kt., Wyn., Gst., Ngr., Md., Br./Boru, A.A., I.B.")
    for name in SETS:
        ds = dataset(name, ne, na)
        actors, changed = list(ds.actors), {}
        for a, nip in ds.truth.items():
            d = actors[a].display_name
            s = written_short(d) if d else None
            if s:
                actors[a] = dataclasses.replace(actors[a], display_name=s)
                changed[a] = nip
        _found_again(name, ds, actors, changed, "in the display name")
        # the accounts of those employees, their display names as generated and the roster written short
        shown = set(changed.values())
        employees = list(ds.employees)
        for i, e in enumerate(employees):
            s = written_short(e.name) if e.nip in shown else None
            if s:
                employees[i] = dataclasses.replace(e, name=s, name_norm="")
        changed = {a: nip for a, nip in ds.truth.items() if nip in shown}
        _found_again(name, dataclasses.replace(ds, employees=employees), ds.actors, changed, "on the roster", ds)


# what civil servants write after their name in a display name (the generators write none of it)
DESCRIPTIONS = (" | ASN Pemkab", " - PNS", " (akun pribadi)", " • Guru", " ASN", " || Abdi Negara", " PNS Kemenag")


def described(scale: str) -> None:
    """Recall of true matches whose display name carries a description after the name, each
    account one of ``DESCRIPTIONS`` in turn."""
    _rewritten(scale, "described", DESCRIPTIONS, lambda ds: lambda form, d, nip: d + form)


def _rewritten(scale: str, what: str, forms: tuple[str, ...], rewrite_for, field: str = "display_name") -> None:
    """Every set's true accounts with a display name (or another ``field``), rewritten by
    ``rewrite_for(dataset)(form, value, nip)`` with each of ``forms`` in turn (None: the account
    is left out), found again (``_found_again``)."""
    import dataclasses

    ne, na = SCALES[scale]
    print(f"{what} {field.replace('_', ' ')}s ({ne:,} x {na:,}): " + ", ".join(repr(f) for f in forms))
    for name in SETS:
        ds = dataset(name, ne, na)
        rewrite = rewrite_for(ds)
        actors, changed, form_of = list(ds.actors), {}, {}
        for k, (a, nip) in enumerate(sorted(ds.truth.items())):
            value, form = getattr(actors[a], field), forms[k % len(forms)]
            new = rewrite(form, value, nip) if value else None
            if new is not None:
                form_of[a] = form
                actors[a] = dataclasses.replace(actors[a], **{field: new})
                changed[a] = nip
        _found_again(name, ds, actors, changed, what, forms=form_of)


#: what Indonesian accounts add to a name in a handle (index format 19): the owner's degree,
#: praise, "just", a family or a hobby; each true account's handle takes one in turn
HANDLE_FORMS = ("{}_{degree}", "{}.{degree}", "{}{degree}", "{}_aja", "{}.kece", "{}_ganteng", "{}family", "{}gaming",
                "{}_cans")


def handled(scale: str) -> None:
    """Recall of true matches whose handle carries what Indonesian accounts add (``HANDLE_FORMS``);
    a degree only for employees who have one (``budisantoso_spd`` for Budi Santoso, S.Pd.)."""
    from pantau.matching.normalize import DEGREES, normalise, title_keys

    def rewrite_for(ds):
        degree = {e.nip: next((k for k in sorted(title_keys(e.titles or normalise(e.name).titles))
                               if k in DEGREES), None) for e in ds.employees}

        def rewrite(form: str, handle: str, nip: str) -> str | None:
            if "{degree}" in form and not degree.get(nip):
                return None
            return form.replace("{degree}", degree.get(nip) or "").format(handle.lstrip("@"))
        return rewrite

    _rewritten(scale, "handled", HANDLE_FORMS, rewrite_for, field="handle")


#: forms of address and offices people put in front of their name, a separator inside it,
#: its letters spaced out (normaliser 5), marks drawn on its letters or vowels written as
#: digits (normaliser 6); each true account takes one in turn
WRITTEN = ("Kyai {}", "Pak Camat {}", "Romo {}", "Bude {}", "Ners {}", "Pak RT {}", "TGH. {}", "Kades {}", "Mamah {}",
           "Dek {}", "{split}", "{spaced}", "{marked}", "{alay}")
_ALAY = str.maketrans("aeioAEIO", "43104310")


def _written(form: str, display: str, nip: str = "") -> str:
    words = display.split()
    if form == "{split}":         # Hendra - Gunawan Saputra
        return f"{words[0]} - {' '.join(words[1:])}" if len(words) > 1 else display
    if form == "{spaced}":        # B U D I  S A N T O S O
        return "  ".join(" ".join(w) for w in words)
    if form == "{marked}":        # D҉e҉d҉i҉ S҉a҉n҉t҉o҉s҉o҉
        return "".join(ch + "\u0489" if ch.isalpha() else ch for ch in display)
    if form == "{alay}":          # B4mb4ng Pr4s3ty0: every a, e, i, o a digit
        return display.translate(_ALAY)
    return form.format(display)


def addressed(scale: str) -> None:
    """Recall of true matches whose display name is written as people write theirs (``WRITTEN``)."""
    _rewritten(scale, "addressed", WRITTEN, lambda ds: _written)


#: words people write around their name that are no one's name (normaliser 8): a family's or a
#: parent's account, a partner, forms of address, agencies written short, degrees written apart,
#: a second account's number; each true account takes one in turn
SURROUNDED = ("Keluarga {}", "{} Family", "{} Sekeluarga", "{} Mama Kenzo", "{} ❤️ Budi Santoso", "{} & Rina",
              "Mang {}", "Puang {}", "{} Dinkes", "{} Disdik", "{} S Pd", "{} Amd Keb", "{} II")
SURROUNDED_HANDLES = ("{}_bkd", "{}.dinkes", "{}_pkm", "{}_ii")


def surrounded(scale: str) -> None:
    """Recall of true matches whose display name (``SURROUNDED``) or handle (``SURROUNDED_HANDLES``)
    carries words around the name that are no one's name."""
    _rewritten(scale, "surrounded", SURROUNDED, lambda ds: lambda form, d, nip: form.format(d))
    _rewritten(scale, "surrounded", SURROUNDED_HANDLES, lambda ds: lambda form, h, nip: form.format(h.lstrip("@")),
               field="handle")


def slip(rng: random.Random, text: str) -> str | None:
    """One slip of the fingers in the longest word of a display name: a letter dropped, doubled
    or two swapped, never the first or last (None for a name without a word of 4 letters)."""
    words = text.split(" ")
    k = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[k]
    if len(w) < 4:
        return None
    i = rng.randrange(1, len(w) - 2)
    op = rng.choice("dws")
    words[k] = (w[:i] + w[i + 1:] if op == "d" else w[:i] + w[i] + w[i:] if op == "w"
                else w[:i] + w[i + 1] + w[i] + w[i + 2:])
    return " ".join(words)


def slipped(scale: str) -> None:
    """Recall of true matches whose display name has a slip of the fingers, on each set.

    The generators write typos in handles only; a display level that mostly holds public
    accounts in the sets (a resemblance) may still be what finds a mistyped display name.
    Lowering display "resembles" 40 -> 34 cut 2% of the pairs at no recall on the sets, and
    lost 4, 8 and 11 of these accounts (current, java, outer at 10,000 x 50,000): not kept."""
    import dataclasses

    ne, na = SCALES[scale]
    print(f"slipped display names ({ne:,} x {na:,}): each true match's display name with one letter "
          "dropped, doubled or swapped in its longest word (seed 7)")
    for name in SETS:
        ds = dataset(name, ne, na)
        rng = random.Random(7)
        actors, changed = list(ds.actors), {}
        for a, nip in ds.truth.items():
            d = actors[a].display_name
            s = slip(rng, d) if d else None
            if s and s != d:
                actors[a] = dataclasses.replace(actors[a], display_name=s)
                changed[a] = nip
        _found_again(name, ds, actors, changed, "slipped")


def sample(scale: str, n_actors: int) -> None:
    """Quality on the first ``n_actors`` actors of a large set, in-process (no workspace).

    The whole set is generated (the roster must be the national one: collisions of
    handles and names depend on its size), but only the first actors are matched.
    Prints where the strong band's false positives come from (known handles by kind).
    """
    ne, na = SCALES[scale]
    t0 = time.perf_counter()
    ds = generate(ne, na)
    print(f"generator: {ds.params}; generated in {time.perf_counter() - t0:.0f} s")
    ds.actors = ds.actors[:n_actors]
    subset = set(range(len(ds.actors)))
    ds.truth = {a: nip for a, nip in ds.truth.items() if a in subset}
    known = sum(1 for e in ds.employees if e.handles)
    print(f"  {len(ds.employees):,} employees ({known:,} with known handles), first {len(ds.actors):,} actors "
          f"({len(ds.truth)} employee accounts); load average {os.getloadavg()[0]:.2f}")
    model = default_model()
    t0 = time.perf_counter()
    index = build_index(ds.employees, model)
    t_index = time.perf_counter() - t0
    del ds.employees[:]
    stats: dict = {}
    t0 = time.perf_counter()
    cands = match(ds.actors, None, model, index=index, stats=stats)
    t_match = time.perf_counter() - t0
    print(f"pantau.matching (model {model.version}): index {t_index:.0f} s, match {t_match:.1f} s, "
          f"pairs {stats['pairs']:,}, peak RSS {peak_rss_mib():.0f} MiB")
    pairs = [(c.actor_id, c.nip, c.band) for c in cands]
    print_metrics(f"first {len(ds.actors):,} actors", evaluate(pairs, ds, subset))
    by: dict[str, list[int]] = {}
    for c in cands:
        kinds = [f.feature for f in c.features if f.feature.startswith("known_handle")] or ["no known handle"]
        row = by.setdefault(f"{c.band} / {kinds[0]}", [0, 0])
        row[0 if ds.truth.get(c.actor_id) == c.nip else 1] += 1
    print("  pairs by band and known-handle evidence (true / false):")
    for k in sorted(by):
        print(f"    {k}: {by[k][0]} / {by[k][1]}")


def _write_workspace(ds: Dataset, ws: Path) -> None:
    from pantau.workspace import create_workspace
    from pantau.workspace import open_database, open_settings
    from storage.queries.employees import replace_source
    from storage.queries.interactions import InteractionWriter
    from storage.records import Interaction
    create_workspace(ws)
    (ws / "watchlists" / "example.yaml").unlink(missing_ok=True)
    db = open_database(open_settings(ws))
    for s in range(0, len(ds.employees), 200_000):
        replace_source(db, ds.employees[s:s + 200_000], "bench.csv", deactivate_missing=False)
    w = InteractionWriter(db, source="import")
    step = 20_000
    for s in range(0, len(ds.actors), step):
        w.write([Interaction(platform=a.platform, kind="follow", target_account="@calon@example.org", actor=a)
                 for a in ds.actors[s:s + step]])
    db.close()


def _pantau_match(ws: Path, *args: str) -> tuple[float, float, float, str]:
    """Run `pantau match` as a user would; wall time and peak memory of its process tree (polled).

    Two memory figures: the sum of RSS, which counts a page shared by the parent and
    its forked workers once per process (over-counts), and the sum of PSS, which
    splits each shared page among its sharers (what the tree really occupies).
    """
    import psutil
    t0 = time.perf_counter()
    p = subprocess.Popen([str(REPO / ".venv/bin/pantau"), "match", *args], cwd=ws, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(p.pid)
    peak = peak_pss = 0
    last_pss = 0.0
    while p.poll() is None:
        try:
            procs = [proc] + proc.children(recursive=True)
            peak = max(peak, sum(c.memory_info().rss for c in procs))
            if time.perf_counter() - last_pss >= 1.0:      # smaps is slower to read: once a second
                last_pss = time.perf_counter()
                peak_pss = max(peak_pss, sum(c.memory_full_info().pss for c in procs))
        except psutil.Error:
            pass
        time.sleep(0.2)
    out, err = p.communicate()
    secs = time.perf_counter() - t0
    if p.returncode != 0:
        print(out, err)
        raise SystemExit("pantau match failed")
    return secs, peak / 2**20, peak_pss / 2**20, out.strip()


def scale(name: str, keep: bool, reuse: str | None = None, set_name: str = "current",
          baseline_n: int = 0) -> None:
    ne, na = SCALES[name]
    brute = 0.0
    if reuse:
        # a workspace kept by an earlier run (--keep): its matching state is reset, so the
        # first run below builds the index and scores every actor as on a fresh workspace
        ws = Path(reuse)
        tmp = ws.parent
        _reset_workspace(ws)
        print(f"workspace {ws} reused (matching state and index cache cleared)")
    else:
        t0 = time.perf_counter()
        ds = dataset(set_name, ne, na)
        print(f"generator: {ds.params}; generated in {time.perf_counter() - t0:.0f} s")
        tmp = Path(tempfile.mkdtemp(prefix=f"pantau-bench-{name}-"))
        ws = tmp / "ws"
        t0 = time.perf_counter()
        _write_workspace(ds, ws)
        print(f"workspace {ws} written in {time.perf_counter() - t0:.0f} s")
        if baseline_n:
            rng = np.random.default_rng(7)
            sample = sorted(rng.choice(len(ds.actors), size=min(baseline_n, len(ds.actors)),
                                       replace=False).tolist())
            b = baseline(ds, sample)
            brute = b["seconds"] * len(ds.actors) * len(ds.employees) / b["pairs_scored"]
            print(f"  baseline: WRatio brute-force cdist on all cores, {len(sample):,} sampled actors in "
                  f"{b['seconds']:.1f} s; extrapolated to every pair: {brute:.0f} s")
        del ds
    print(f"  {name}: {ne:,} employees x {na:,} actors; load average {os.getloadavg()[0]:.2f} "
          f"(above ~0.5 on this machine: other jobs were running, label the timings 'loaded')")
    for label, args in (("first run (builds the roster index)", ()), ("re-run --full (index cached)", ("--full",)),
                        ("incremental re-run (nothing changed)", ())):
        secs, peak, pss, out = _pantau_match(ws, *args)
        pss_text = f"{pss:.0f} MiB" if pss and secs >= 3 else "n/a (run too short for the 1 s PSS reading)"
        print(f"  pantau match {label}: {secs:.1f} s end to end; peak memory of the process tree: "
              f"{pss_text} PSS (shared pages split among the processes), {peak:.0f} MiB RSS summed "
              f"(counts the index shared by the forked workers once per process); "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"    {out}")
        st = _last_match_stats(ws)
        if st.get("actors"):
            print(f"    candidate pairs scored {st.get('pairs', 0):,} ({st['pairs'] / st['actors']:.1f} per actor), "
                  f"blocks over the per-actor budget {st.get('blocks_over_budget', 0):,}; CPU seconds in workers: "
                  f"prepare {st.get('seconds_prepare', 0):.0f}, blocking {st.get('seconds_blocking', 0):.0f}, "
                  f"scoring {st.get('seconds_scoring', 0):.0f}")
        if brute and label.startswith("first"):
            print(f"    {brute / secs:.0f}x the brute-force baseline, end to end against its extrapolated "
                  f"{brute:.0f} s (target >= 30x)")
    if not keep:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


def _last_match_stats(ws: Path) -> dict:
    import json
    import sqlite3
    db = sqlite3.connect(ws / "data" / "pantau.db")
    try:
        row = db.execute("SELECT stats FROM runs WHERE kind = 'match' ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    return json.loads(row[0]) if row else {}


def _reset_workspace(ws: Path) -> None:
    import shutil
    import sqlite3
    shutil.rmtree(ws / "data" / "cache", ignore_errors=True)
    db = sqlite3.connect(ws / "data" / "pantau.db")
    with db:
        db.execute("DELETE FROM matches")
        db.execute("DELETE FROM meta WHERE key LIKE 'match_%'")
    db.close()


def linearity(ne: int, na: int) -> None:
    """Time for N and 2N actors, alternated twice; CPU time too, since the machine may be shared."""
    ds = generate(ne, 2 * na)
    model = default_model()
    index = build_index(ds.employees, model)
    wall = {na: [], 2 * na: []}
    cpu = {na: [], 2 * na: []}
    for n in (na, 2 * na, na, 2 * na):
        t0, c0 = time.perf_counter(), time.process_time()
        match(ds.actors[:n], None, model, index=index)
        wall[n].append(time.perf_counter() - t0)
        cpu[n].append(time.process_time() - c0)
    w1, w2 = min(wall[na]), min(wall[2 * na])
    c1, c2 = min(cpu[na]), min(cpu[2 * na])
    print(f"linearity ({ne} employees, best of 2): {na} actors {w1:.1f} s wall / {c1:.1f} s CPU, "
          f"{2 * na} actors {w2:.1f} s wall / {c2:.1f} s CPU; ratio wall {w2 / w1:.2f}, CPU {c2 / c1:.2f} "
          f"(target <= 2.3)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["quality", "scale", "linearity", "sample", "sets", "cli", "respelled",
                                     "slipped", "regional", "described", "addressed", "handled", "surrounded"])
    ap.add_argument("--set", default="current", choices=SETS, help="quality/scale: which labelled set")
    ap.add_argument("--weights", default="prior", choices=["prior", "em"], help="sets: declared or EM weights")
    ap.add_argument("--decisions", type=int, default=0, help="sets --weights em: simulated reviewer decisions")
    ap.add_argument("size", nargs="?", default="quality")
    ap.add_argument("--sample", type=int, default=5000, help="actors the brute-force baseline scores")
    ap.add_argument("--keep", action="store_true", help="keep the scale workspace")
    ap.add_argument("--actors", type=int, default=20000, help="sample: the first actors matched")
    ap.add_argument("--known-bare", action="store_true",
                    help="every known handle in the roster bare (no platform), as the generator wrote them before")
    ap.add_argument("--reuse", metavar="WORKSPACE", help="scale: reuse a workspace kept with --keep")
    a = ap.parse_args()
    if a.known_bare:
        import generate as gen
        gen.KNOWN_BARE_ONLY = True
        print("known handles: all bare (--known-bare)")
    print(f"pid {os.getpid()}, {time.strftime('%Y-%m-%d %H:%M:%S')}, cpus {os.cpu_count()}")
    if a.what == "quality":
        quality(a.size, a.sample, a.set)
    elif a.what == "sets":
        sets(a.size, a.weights, a.decisions)
    elif a.what == "cli":
        cli(a.set, a.size)
    elif a.what == "respelled":
        respelled(a.size)
    elif a.what == "slipped":
        slipped(a.size)
    elif a.what == "regional":
        regional_short(a.size)
    elif a.what == "described":
        described(a.size)
    elif a.what == "addressed":
        addressed(a.size)
    elif a.what == "handled":
        handled(a.size)
    elif a.what == "surrounded":
        surrounded(a.size)
    elif a.what == "sample":
        sample(a.size, a.actors)
    elif a.what == "scale":
        scale(a.size, a.keep or bool(a.reuse), a.reuse, a.set,
              baseline_n=a.sample // 2 if a.size in ("quality", "city") else 0)
    else:
        linearity(*SCALES["city"][:1], 100_000)


if __name__ == "__main__":
    main()
