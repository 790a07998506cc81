"""Known handles from the roster's akun column: platform prefixes, profile URLs, Mastodon servers, Bluesky domains."""

import pytest

from pantau.matching.known import KnownHandle, actor_handle, parse_known_handle

K = KnownHandle


@pytest.mark.parametrize("text,expected", [
    # bare: the roster does not say which platform
    ("budisantoso", K(None, "budisantoso")),
    ("@budisantoso", K(None, "budisantoso")),
    ("  @BudiSantoso ", K(None, "budisantoso")),
    ("budi.santoso", K(None, "budi.santoso")),              # a dotted Instagram-style name, not a domain
    ("budi_santoso88", K(None, "budi_santoso88")),
    ("budi@gmail.com", K(None, "budi")),                     # an e-mail address is not a Mastodon account
    # platform prefixes, as offices write them
    ("instagram:budisantoso", K("instagram", "budisantoso")),
    ("ig:budisantoso", K("instagram", "budisantoso")),
    ("IG: @budisantoso", K("instagram", "budisantoso")),
    ("ig @budisantoso", K("instagram", "budisantoso")),
    ("Twitter @budi_s", K("x", "budi_s")),
    ("x:budi", K("x", "budi")),
    ("tiktok:@budi.s", K("tiktok", "budi.s")),
    ("fb: budi.santoso", K("facebook", "budi.santoso")),
    ("YT: budichannel", K("youtube", "budichannel")),
    ("budisantoso (IG)", K("instagram", "budisantoso")),
    ("@budi_s (twitter)", K("x", "budi_s")),
    ("bsky:budi", K("bluesky", "budi.bsky.social")),         # a Bluesky handle always has a domain
    ("mastodon: @budi@mastodon.example", K("mastodon", "budi@mastodon.example")),
    ("mastodon:budi", K("mastodon", "budi")),                # no server: cannot be confirmed
    ("instagram: https://www.instagram.com/budisantoso/", K("instagram", "budisantoso")),
    # profile URLs of the listed platforms
    ("https://www.instagram.com/budisantoso/", K("instagram", "budisantoso")),
    ("instagram.com/budisantoso?igsh=abc", K("instagram", "budisantoso")),
    ("https://twitter.com/Budi_S", K("x", "budi_s")),
    ("x.com/budi", K("x", "budi")),
    ("https://www.tiktok.com/@budi.s", K("tiktok", "budi.s")),
    ("https://m.facebook.com/budi.santoso/", K("facebook", "budi.santoso")),
    ("https://www.facebook.com/profile.php?id=100012345", K("facebook", "100012345")),
    ("youtube.com/@budi", K("youtube", "budi")),
    ("https://www.youtube.com/c/BudiChannel", K("youtube", "budichannel")),
    ("https://bsky.app/profile/budi.bsky.social", K("bluesky", "budi.bsky.social")),
    ("https://mastodon.example/@budi", K("mastodon", "budi@mastodon.example")),
    # handles that name their platform themselves
    ("@budi@mastodon.example", K("mastodon", "budi@mastodon.example")),
    ("budi@Mastodon.Example", K("mastodon", "budi@mastodon.example")),
    ("budi.bsky.social", K("bluesky", "budi.bsky.social")),
    ("budi.example.id", K("bluesky", "budi.example.id")),   # a custom-domain Bluesky handle
    # nothing to read
    ("", None),
    ("   ", None),
    ("https://www.instagram.com/p/Cx1abc/", None),          # a post, not a profile
    ("https://example.com/about", None),
    ("t.me/budisantoso", None),                              # a platform Pantau does not know
])
def test_parse_known_handle(text, expected):
    assert parse_known_handle(text) == expected


def test_mastodon_keeps_its_server_and_user_part_drops_it():
    a = parse_known_handle("@budi@mastodon.example")
    b = parse_known_handle("@budi@other.example")
    assert a != b and a.user == b.user == "budi"
    assert parse_known_handle("budi.bsky.social").user == "budi"


def test_actor_handles_are_read_like_roster_handles():
    assert actor_handle("mastodon", "Budi@mastodon.example") == K("mastodon", "budi@mastodon.example")
    assert actor_handle("bluesky", "budi.bsky.social") == K("bluesky", "budi.bsky.social")
    assert actor_handle("youtube", "@Budi") == K("youtube", "budi")
    assert actor_handle("instagram", "budisantoso") == K("instagram", "budisantoso")
    assert actor_handle("x", None) is None
