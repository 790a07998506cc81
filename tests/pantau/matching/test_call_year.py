"""A call name with the birth year in the handle (model 16: the ``call_year`` key, the handle's
``call_name_dated`` level): the year tells one who answers to a call name from the others."""

from __future__ import annotations

import itertools

import numpy as np

from pantau.matching import build_index, default_model, match
from pantau.matching.actors import prepare_actors
from pantau.matching.blocking import DEFAULT_KEYS, candidate_pairs
from pantau.matching.blocking.call_year import CALL_YEAR
from pantau.matching.callnames import call_id

from .helpers import actor, emp

HARTONO = "198403032010011001"


def _roster(*extra) -> list:
    """Hartono Wibowo (born 1984) and Sutono Prakoso (born 1979) both answer to Tono; both have
    two given names, so a call name alone is no key of theirs without a year."""
    filler = [emp(f"1970010120000{j:05d}", f"{a} {b}", "Dinas Pendidikan", "Guru")
              for j, (a, b) in enumerate(itertools.product(["Budi", "Sri", "Agus", "Dewi", "Rina"],
                                                           ["Santoso", "Wahyuni", "Lestari", "Putra"]))]
    return filler + [emp(HARTONO, "Hartono Wibowo", "Dinas Pertanian", "Penyuluh"),
                     emp("197905052005011002", "Sutono Prakoso", "Bappeda", "Perencana"), *extra]


def _kept(a, roster) -> list:
    """The candidates ``pantau match`` would store (a handle-only name may be kept a little under
    the threshold)."""
    return match([a], roster, default_model())


def test_a_call_name_and_the_birth_year_find_the_one_so_called_born_that_year():
    got = _kept(actor("tono.1984", "Tono"), _roster())
    assert [c.nip for c in got] == [HARTONO]
    f = next(f for f in got[0].features if f.code == "handle.call_name_dated")
    assert (f.params["call"], f.params["given"]) == ("tono", "hartono")
    assert "beside the birth year" in f.detail
    # another year, or none: a call name alone is a lottery, no lead
    assert not _kept(actor("tono.1990", "Tono"), _roster())
    assert not _kept(actor("tono", "Tono"), _roster())


def test_two_so_called_born_that_year_are_a_lottery():
    # a second employee who answers to Tono and was born in 1984
    roster = _roster(emp("198411112010011003", "Mulyatono Hadi", "Dinas Sosial", "Pekerja Sosial"))
    assert not _kept(actor("tono.1984", "Tono"), roster)
    # one who carries Tono as a given name answers to it too
    roster = _roster(emp("198407072010011004", "Tono Sudarmo", "Dinas Sosial", "Pekerja Sosial"))
    assert HARTONO not in {c.nip for c in _kept(actor("tono.1984", "Tono"), roster)}


def test_a_call_form_inside_a_longer_word_or_another_display_name_is_no_call_name():
    # "dilatono84": the form is a part of a longer word; "Pak Nofritono" shows another name
    assert HARTONO not in {c.nip for c in _kept(actor("dilatono84", None), _roster())}
    assert HARTONO not in {c.nip for c in _kept(actor("tono84", "Pak Nofritono"), _roster())}
    # a missing display name leaves the handle to say it (handle only)
    assert [c.nip for c in _kept(actor("tono_84", None), _roster())] == [HARTONO]


def test_the_call_year_key_blocks_a_call_name_alone_of_an_employee_with_several_names():
    roster = _roster()
    model = default_model()
    index = build_index(roster, model)
    batch = prepare_actors([actor("tono.1984", "Tono")], [0], index)
    _, pe, _ = candidate_pairs(batch, index, model)
    hartono = next(i for i, e in enumerate(roster) if e.nip == HARTONO)
    assert hartono in pe.tolist()
    model.blocking_keys = [k for k in DEFAULT_KEYS if k is not CALL_YEAR]
    index = build_index(roster, model)
    batch = prepare_actors([actor("tono.1984", "Tono")], [0], index)
    _, pe, _ = candidate_pairs(batch, index, model)
    assert hartono not in pe.tolist()


def test_the_birth_year_refinement_leaves_keys_that_hold_a_year_alone():
    # forty employees who answer to Yanto, born 1980: the call_year block is large, and
    # indexing it again by the same year would only double it
    roster = [emp(f"19800101200001{j:04d}", f"{p}yanto {k}", "Dinas Pendidikan", "Guru")
              for j, (p, k) in enumerate(itertools.product(["Her", "Sur", "Mul", "Sug", "Har"],
                                                           ["Santoso", "Wibowo", "Putra", "Halim", "Lubis",
                                                            "Siregar", "Nasution", "Pratama"]))]
    with_key = default_model()
    without = default_model()
    without.blocking_keys = [k for k in DEFAULT_KEYS if k is not CALL_YEAR]
    a, b = build_index(roster, with_key), build_index(roster, without)
    assert a.block_report["by_key"]["call_year"]["largest"] == 40
    assert a.block_report["entries_refined_by_year"] == b.block_report["entries_refined_by_year"]
    yanto = call_id("yanto", a.tok2id, a.call_extra)
    assert yanto >= 0 and CALL_YEAR.sole(a, np.array([yanto]), np.array([1980]), np.array([0])).tolist() == [False]


def test_the_year_tells_apart_namesakes_of_the_one_so_called():
    # another Hartono Wibowo, born in 1990: the name is shared (which weighs less), but the
    # year says which of the two answers to tono.1984
    roster = _roster(emp("199001012015011005", "Hartono Wibowo", "Dinas Sosial", "Sopir"))
    got = {c.nip: c for c in _kept(actor("tono.1984", "Tono"), roster)}
    assert set(got) == {HARTONO}, [(c.nip, c.score) for c in got.values()]
    codes = [f.code for f in got[HARTONO].features]
    assert "shared_name.told_apart" in codes and "shared_name" not in codes
