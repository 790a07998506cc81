"""Every platform the registry says is captured has a parser, and every parser a registry entry."""

from pantau.capture.hosts import HostMap
from pantau.capture.parsers import PARSERS
from storage import platforms as registry


def test_each_captured_platform_has_a_parser_and_hosts():
    assert set(PARSERS) == set(registry.CAPTURED)
    for name in registry.CAPTURED:
        p = registry.PLATFORMS[name]
        assert p.capture_hosts, name
        m = PARSERS[name]
        assert callable(m.parse) and callable(m.parse_item) and callable(m.page_fallback)


def test_hosts_are_matched_with_subdomains_and_configured_origins():
    h = HostMap({"instagram": "http://127.0.0.1:8123"})
    assert h.platform("https://www.instagram.com/api/v1/media/1/comments/") == "instagram"
    assert h.platform("https://i.instagram.com/api/v1/x") == "instagram"
    assert h.platform("https://www.tiktok.com/api/comment/list/") == "tiktok"
    assert h.platform("https://x.com/i/api/graphql/a/TweetDetail") == "x"
    assert h.platform("https://twitter.com/i/api/graphql/a/TweetDetail") == "x"
    assert h.platform("https://web.facebook.com/api/graphql/") == "facebook"
    assert h.platform("http://127.0.0.1:8123/api/v1/media/1/comments/") == "instagram"
    assert h.platform("http://127.0.0.1:8124/x") is None
    assert h.platform("https://notinstagram.com/") is None
    assert h.platform("https://scontent.cdninstagram.com/a.jpg") is None


def test_redaction_names():
    from pantau.capture import redact
    kept = redact.headers([{"name": n, "value": "v"} for n in (
        "Cookie", "set-cookie", "Authorization", "X-CSRFToken", "x-ig-app-id", "X-IG-WWW-Claim", "x-fb-lsd",
        "x-tt-params", "x-secsdk-csrf-token", "x-guest-token", "Accept", "Referer", "content-type")])
    assert set(kept) == {"Accept", "Referer", "content-type"}
    u = redact.url("https://www.tiktok.com/api/comment/list/?aweme_id=1&msToken=abc&X-Bogus=x&verifyFp=v&cursor=0")
    assert u == "https://www.tiktok.com/api/comment/list/?aweme_id=1&cursor=0"
    assert redact.url("https://u:p@x.com/a?access_token=t#frag") == "https://x.com/a"
    assert redact.body('{"csrf_token":"abc","fb_dtsg":"d","text":"hai"}') == \
        '{"csrf_token":"[removed]","fb_dtsg":"[removed]","text":"hai"}'
