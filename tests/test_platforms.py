"""The platform registry is complete: every entry has what its routes need, and every layer reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import platforms as registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", registry.CRAWLED)
def test_a_crawled_platform_has_a_spider(name):
    from crawler.spiders import SPIDERS
    assert name in SPIDERS, f"registry entry {name!r} is crawled but crawler/spiders has no spider for it"
    assert SPIDERS[name].platform == name


def test_every_spider_is_a_crawled_registry_entry():
    from crawler.spiders import SPIDERS
    assert set(SPIDERS) == set(registry.CRAWLED)


@pytest.mark.parametrize("name", registry.NAMES)
def test_every_platform_has_a_docs_page(name):
    page = ROOT / registry.get(name).docs_page
    assert page.is_file(), f"registry entry {name!r} has no {registry.get(name).docs_page}"
    assert page.read_text(encoding="utf-8").startswith("# "), page


@pytest.mark.parametrize("name", registry.CRAWLED)
def test_a_crawled_platform_has_sandbox_endpoints(name):
    from pantau.sandbox.families import API_PREFIX, family_of
    assert name in API_PREFIX, f"registry entry {name!r} is crawled but the sandbox serves no API for it"
    assert family_of(API_PREFIX[name] + "anything") == name


def test_layers_read_the_registry():
    from pantau.config import PLATFORM_DEFAULTS, Settings
    from pantau.matching.known import PLATFORM_ALIASES, PLATFORM_HOSTS
    from storage.records import PLATFORMS, PLATFORMS_CRAWLED, PLATFORMS_IMPORT_ONLY
    assert PLATFORMS == registry.NAMES
    assert set(PLATFORMS_CRAWLED) | set(PLATFORMS_IMPORT_ONLY) == set(registry.NAMES)
    assert set(PLATFORM_DEFAULTS) == set(registry.NAMES)
    s = Settings(workspace=ROOT)
    for p in registry.PLATFORMS.values():
        assert s.platform(p.name).base_url == p.base_url
        assert s.platform(p.name).api_key_env == p.api_key_env
    assert PLATFORM_ALIASES["ig"] == "instagram" and PLATFORM_HOSTS["x.com"] == "x"


def test_one_user_agent_and_the_chromium_path_reach_the_crawler(tmp_path, monkeypatch):
    from crawler.identity import USER_AGENT
    from crawler.settings import CRAWL_DEFAULTS, scrapy_settings
    from pantau.config import DEFAULT_USER_AGENT, Settings
    from pantau.jobs.crawl import child_config
    assert CRAWL_DEFAULTS["user_agent"] == DEFAULT_USER_AGENT == USER_AGENT
    monkeypatch.setenv("PANTAU_CHROMIUM", "/opt/other/chromium")
    config = child_config(Settings(workspace=tmp_path), [], run_id=1)
    assert config["chromium"] == "/opt/other/chromium"
    monkeypatch.delenv("PANTAU_CHROMIUM")
    s = scrapy_settings(config)
    assert s["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/opt/other/chromium"
    assert s["USER_AGENT"] == USER_AGENT


@pytest.mark.parametrize("url, platform, handle", [
    ("https://www.instagram.com/calon.satu/", "instagram", "calon.satu"),
    ("https://x.com/calonsatu", "x", "calonsatu"),
    ("https://twitter.com/calonsatu?lang=id", "x", "calonsatu"),
    ("https://www.tiktok.com/@calonsatu", "tiktok", "calonsatu"),
    ("https://www.facebook.com/calon.satu", "facebook", "calon.satu"),
    ("https://www.facebook.com/profile.php?id=100012345", "facebook", "100012345"),
    ("https://bsky.app/profile/calonsatu.bsky.social", "bluesky", "calonsatu.bsky.social"),
    ("https://www.youtube.com/@calonsatu", "youtube", "@calonsatu"),
    ("https://mastodon.example/@calonsatu", "mastodon", "calonsatu@mastodon.example"),
])
def test_profile_urls_of_every_platform(url, platform, handle):
    ref = registry.parse_profile_url(url)
    assert ref == registry.ProfileRef(platform, handle)
    assert registry.get(platform).check_handle(handle) is None


@pytest.mark.parametrize("url", ["https://x.com/i/status/1", "https://www.instagram.com/p/Cabc/",
                                 "https://example.org/about", "not a url"])
def test_urls_that_name_no_profile(url):
    assert registry.parse_profile_url(url) is None


def test_the_longest_handle_is_read_from_the_handle_pattern():
    get = registry.get
    assert (get("x").handle_max, get("instagram").handle_max, get("tiktok").handle_max) == (15, 30, 24)
    assert get("youtube").handle_max is None          # its pattern ends in an alternation, not a length
