from pathlib import Path

import pytest

from pantau import watchlist as wl
from pantau.errors import PantauError

GOOD = """\
# Pilkada 2029, kota contoh
election: Pilkada 2029
candidates:
  - name: Calon Satu   # walikota
    role: kepala-daerah
    accounts:
      - platform: mastodon
        handle: "@calonsatu@mastodon.example"
      - platform: bluesky
        handle: calonsatu.bsky.social
        collect: [comments, likes]
        since: 2029-01-01
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads_accounts(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    ws = wl.load(tmp_path)
    assert ws.errors == []
    assert [(a.platform, a.key) for a in ws.accounts] == [
        ("mastodon", "calonsatu@mastodon.example"), ("bluesky", "calonsatu.bsky.social")]
    assert ws.accounts[1].kinds() == {"comment", "reply", "like"}
    assert ws.accounts[1].since == "2029-01-01"
    assert ws.accounts[0].line == 7


@pytest.mark.parametrize("account, message, line", [
    ("      - platform: myspace\n        handle: x\n", "unknown platform 'myspace'", 7),
    ("      - platform: mastodon\n        handle: 'bad handle!'\n", "malformed mastodon handle", 8),
    ("      - platform: bluesky\n        handle: a.bsky.social\n        url: ftp//nope\n", "malformed url", 9),
    ("      - platform: bluesky\n        handle: a.bsky.social\n        collect: [hugs]\n", "collect must be a list", 9),
    ("      - platform: web\n        handle: a\n        profile: p\n", "a web account needs a url", 7),
    ("      - platform: web\n        handle: a\n        url: http://x.example/a\n", "needs a selector profile", 7),
    ("      - platform: bluesky\n        handle: a.bsky.social\n        colour: red\n", "unknown key 'colour'", 9),
])
def test_invalid_accounts_are_reported_with_file_and_line(tmp_path, account, message, line):
    text = "election: E\ncandidates:\n  - name: X\n    role: dpr\n    accounts:\n      - {platform: x, handle: ok}\n" + account
    p = write(tmp_path, "bad.yaml", text)
    ws = wl.load(tmp_path, profiles={"p"})
    assert len(ws.errors) == 1, ws.errors
    assert ws.errors[0].startswith(f"{p}:{line}: ") and message in ws.errors[0]
    assert [a.handle for a in ws.accounts] == ["ok"]   # the good account is kept


def test_duplicates_across_files_are_errors(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    b = write(tmp_path, "b.yaml", "candidates:\n  - name: Y\n    accounts:\n"
                                  "      - platform: mastodon\n        handle: '@CalonSatu@Mastodon.example'\n")
    ws = wl.load(tmp_path)
    assert len(ws.errors) == 1
    assert ws.errors[0].startswith(f"{b}:4: duplicate account mastodon") and "a.yaml:7" in ws.errors[0]


def test_yaml_syntax_error_names_the_line(tmp_path):
    p = write(tmp_path, "broken.yaml", "candidates:\n  - name: [unclosed\n")
    ws = wl.load(tmp_path)
    assert len(ws.errors) == 1 and ws.errors[0].startswith(f"{p}:")


def test_add_keeps_comments_and_order_and_remove_undoes(tmp_path):
    p = write(tmp_path, "a.yaml", GOOD)
    wl.add(tmp_path, "youtube", "@calonsatu", candidate="Calon Satu")
    text = p.read_text(encoding="utf-8")
    assert text.startswith("# Pilkada 2029, kota contoh\nelection: Pilkada 2029\n")
    assert "# walikota" in text
    assert text.index("calonsatu.bsky.social") < text.index("'@calonsatu'") or \
        text.index("calonsatu.bsky.social") < text.index("@calonsatu\n")
    ws = wl.load(tmp_path)
    assert ws.errors == [] and len(ws.accounts) == 3
    with pytest.raises(PantauError, match="already in"):
        wl.add(tmp_path, "youtube", "@CALONSATU", candidate="Calon Satu")
    wl.remove(tmp_path, "youtube", "@calonsatu")
    assert p.read_text(encoding="utf-8") == GOOD


def test_add_new_candidate_to_new_file_and_validation(tmp_path):
    path = wl.add(tmp_path, "mastodon", "@calondua@m.example", candidate="Calon Dua", role="dpd")
    assert path == tmp_path / "watchlist.yaml"
    ws = wl.load(tmp_path)
    assert ws.accounts[0].candidate == "Calon Dua" and ws.accounts[0].role == "dpd"
    with pytest.raises(PantauError, match="malformed"):
        wl.add(tmp_path, "bluesky", "not a handle", candidate="Z")
    with pytest.raises(PantauError, match="unknown platform"):
        wl.add(tmp_path, "friendster", "z", candidate="Z")
    with pytest.raises(PantauError, match="--url and --profile"):
        wl.add(tmp_path, "web", "z", candidate="Z")


@pytest.mark.parametrize("platform, url, handle", [
    ("instagram", "https://www.instagram.com/calon.satu/", "calon.satu"),
    ("x", "https://x.com/calonsatu", "calonsatu"),
    ("tiktok", "https://www.tiktok.com/@calonsatu", "calonsatu"),
    ("facebook", "https://www.facebook.com/calon.satu", "calon.satu"),
    ("bluesky", "https://bsky.app/profile/calonsatu.bsky.social", "calonsatu.bsky.social"),
    ("youtube", "https://www.youtube.com/@calonsatu", "@calonsatu"),
    ("mastodon", "https://mastodon.example/@calonsatu", "@calonsatu@mastodon.example"),
])
def test_add_takes_a_profile_url_of_every_platform(tmp_path, platform, url, handle):
    path = wl.add(tmp_path, platform, url, candidate="Calon Satu")
    ws = wl.load(tmp_path)
    assert ws.errors == []
    assert [(a.platform, a.handle) for a in ws.accounts] == [(platform, handle)]
    assert url not in path.read_text()
    wl.remove(tmp_path, platform, url)
    assert wl.load(tmp_path).accounts == []


def test_a_profile_url_of_another_platform_or_no_profile_is_refused(tmp_path):
    with pytest.raises(PantauError, match="is a profile on instagram, not on x"):
        wl.add(tmp_path, "x", "https://www.instagram.com/calon.satu/", candidate="C")
    with pytest.raises(PantauError, match="page of Instagram but not a profile"):
        wl.add(tmp_path, "instagram", "https://www.instagram.com/p/Cxyz/", candidate="C")


@pytest.mark.parametrize("url, reason", [
    ("https://www.threads.net/@calon", "not a profile URL Pantau knows"),      # /@name, but not the fediverse
    ("https://medium.com/@calon", "not a profile URL Pantau knows"),
    ("https://www.youtube.com/c/CalonBaru", "legacy YouTube name"),             # need not be the @handle
    ("https://x.com/calon_satu_yang_sangat_panjang", "at most 15"),             # says what is wrong with it
])
def test_a_url_that_names_no_watchable_profile_says_why(tmp_path, url, reason):
    with pytest.raises(PantauError, match=reason):
        wl.resolve_handle(None, url)


@pytest.mark.parametrize("url, platform, handle", [
    ("https://mastodon.example/users/calon", "mastodon", "@calon@mastodon.example"),   # the ActivityPub address
    ("https://www.facebook.com/people/Calon-Baru/100099999999/", "facebook", "100099999999"),
])
def test_other_profile_url_forms(url, platform, handle):
    assert wl.resolve_handle(None, url) == (platform, handle)


def test_a_watchlist_file_may_write_the_handle_as_a_profile_url(tmp_path):
    write(tmp_path, "a.yaml", "candidates:\n  - name: C\n    accounts:\n"
          "      - platform: instagram\n        handle: https://www.instagram.com/calon.satu/\n"
          "      - platform: x\n        handle: https://www.tiktok.com/@calonsatu\n")
    ws = wl.load(tmp_path)
    assert [(a.platform, a.handle) for a in ws.accounts] == [("instagram", "calon.satu")]
    assert len(ws.errors) == 1 and "a.yaml:7:" in ws.errors[0] and "profile on tiktok, not on x" in ws.errors[0]


def test_cli_add_infers_the_platform_from_a_profile_url(tmp_path):
    from tests.conftest import run_pantau
    (tmp_path / "pantau.toml").write_text("")
    (tmp_path / "watchlists").mkdir()
    r = run_pantau("watchlist", "add", "https://x.com/calonsatu", "--candidate", "Calon Satu", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_pantau("watchlist", "add", "instagram", "https://www.instagram.com/calon.satu/",
                   "--candidate", "Calon Satu", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [(a.platform, a.handle) for a in wl.load(tmp_path / "watchlists").accounts] == [
        ("x", "calonsatu"), ("instagram", "calon.satu")]
    r = run_pantau("watchlist", "add", "calonsatu", "--candidate", "Calon Satu", cwd=tmp_path)
    assert r.returncode == 2 and "missing HANDLE" in r.stderr
    r = run_pantau("watchlist", "add", "myspace", "calonsatu", "--candidate", "Calon Satu", cwd=tmp_path)
    assert r.returncode == 2 and "unknown platform 'myspace'" in r.stderr         # a usage error, as in crawl
    r = run_pantau("watchlist", "remove", "x", "https://twitter.com/calonsatu", cwd=tmp_path)
    assert r.returncode == 0 and "removed x calonsatu from" in r.stdout            # the handle, not the URL


def test_set_enabled_keeps_comments_and_round_trips(tmp_path):
    from pantau.watchlist import candidates, load, set_enabled
    f = tmp_path / "w.yaml"
    f.write_text("# pilkada kota\nelection: Pilkada 2029\ncandidates:\n  - name: Calon Satu  # petahana\n"
                 "    role: kepala-daerah\n    accounts:\n      - platform: instagram\n        handle: calon.satu"
                 "   # akun resmi\n        url: https://www.instagram.com/calon.satu/\n", encoding="utf-8")
    path, changed = set_enabled(tmp_path, "instagram", "https://www.instagram.com/calon.satu/", False)
    assert path == f and changed
    text = f.read_text()
    assert "# pilkada kota" in text and "# petahana" in text and "# akun resmi" in text
    assert text.index("handle: calon.satu") < text.index("enabled: false") < text.index("url:")
    assert [a.enabled for a in load(tmp_path).accounts] == [False]
    assert set_enabled(tmp_path, "instagram", "calon.satu", False) == (f, False)
    set_enabled(tmp_path, "instagram", "@calon.satu", True)
    assert [a.enabled for a in load(tmp_path).accounts] == [True] and "enabled: true" in f.read_text()
    assert candidates(tmp_path) == [("Calon Satu", "kepala-daerah")]
    with pytest.raises(PantauError, match="not in any watchlist"):
        set_enabled(tmp_path, "x", "nobody", False)


@pytest.mark.parametrize("handle", ["calonsatu", "@calonsatu", "@calon.satu_2-0", "हिन्दीचैनल", "@สวัสดีครับ",
                                    "日本語チャンネル", "@канал.народа", "ꦗꦮꦠꦶꦩꦸꦂ", "abc", "@" + "a" * 30])
def test_youtube_handles_with_or_without_at_in_any_script(tmp_path, handle):
    """channels.list forHandle takes a handle with or without '@' (the spider adds it); handles are
    3-30 letters, digits, '.', '_' or '-' of any script."""
    write(tmp_path, "a.yaml", f"candidates:\n  - name: X\n    accounts:\n      - platform: youtube\n"
                              f"        handle: '{handle}'\n")
    ws = wl.load(tmp_path)
    assert ws.errors == []
    assert ws.accounts[0].key == handle.lstrip("@").lower()


@pytest.mark.parametrize("handle", ["ab", "@ab", "a" * 31, "@calon satu", "calon/satu", "@calon$atu", "@"])
def test_malformed_youtube_handles_are_refused(tmp_path, handle):
    write(tmp_path, "a.yaml", f"candidates:\n  - name: X\n    accounts:\n      - platform: youtube\n"
                              f"        handle: '{handle}'\n")
    assert "malformed youtube handle" in wl.load(tmp_path).errors[0]


def test_a_youtube_handle_with_and_without_at_is_one_account(tmp_path):
    """The stored handle (``normalise_handle``) drops the '@': both spellings are the same account."""
    write(tmp_path, "a.yaml", "candidates:\n  - name: X\n    accounts:\n      - platform: youtube\n"
                              "        handle: '@CalonSatu'\n      - platform: youtube\n        handle: calonsatu\n")
    ws = wl.load(tmp_path)
    assert len(ws.errors) == 1 and "duplicate account youtube" in ws.errors[0]
    wl.add(tmp_path / "b", "youtube", "calontiga", candidate="Calon Tiga")
    with pytest.raises(PantauError, match="already in"):
        wl.add(tmp_path / "b", "youtube", "@CalonTiga", candidate="Calon Tiga")
