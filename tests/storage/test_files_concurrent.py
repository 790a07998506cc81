"""Content-addressed files written by several threads at once (the public form stores the same
screenshot from parallel reports): every writer succeeds and the file is whole."""

import hashlib
import threading

from storage.files import store_bytes, verify


def test_parallel_writers_of_the_same_content_all_succeed(tmp_path):
    data = bytes(range(256)) * 2000
    errors, results = [], []

    def write():
        try:
            for _ in range(30):
                results.append(store_bytes(tmp_path, data, "png"))
        except Exception as exc:            # noqa: BLE001 - the test reports what went wrong
            errors.append(exc)
    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {r.path for r in results} == {f"{hashlib.sha256(data).hexdigest()[:2]}/{hashlib.sha256(data).hexdigest()}.png"}
    assert verify(tmp_path, results[0].path)
    assert not list(tmp_path.rglob("*.tmp"))
