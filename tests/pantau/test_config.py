from pathlib import Path

import pytest

from pantau import config
from pantau.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_defaults_when_file_has_no_keys(tmp_path):
    (tmp_path / "pantau.toml").write_text("", encoding="utf-8")
    s = config.load(tmp_path)
    assert s.schedule.cron == "0 2 * * *" and s.schedule.timezone == "Asia/Jakarta"
    assert s.review.language == "id"
    assert s.platform("youtube").api_key_env == "PANTAU_YOUTUBE_API_KEY"
    assert s.db_path == tmp_path.resolve() / "data" / "pantau.db"


def test_the_commented_template_and_the_repository_config_load():
    template = (REPO / "pantau" / "skeleton" / "pantau.toml").read_text(encoding="utf-8")
    s = config.parse(__import__("tomllib").loads(template), Path("."))
    assert s.crawl.allowed_hosts == []
    repo = config.load(REPO)
    assert repo.crawl.allowed_hosts == ["127.0.0.1", "localhost"]


@pytest.mark.parametrize("toml, message", [
    ("[crawl]\nconcurency = 2\n", "unknown key 'crawl.concurency'"),
    ("[crawl]\nconcurrency = 'many'\n", "crawl.concurrency: expected a whole number"),
    ("[crawl]\nconcurrency = 0\n", "crawl.concurrency: must be between 1 and 64"),
    ("[crawl]\nsince = 'soon'\n", "crawl.since: expected a date"),
    ("[review]\nlanguage = 'fr'\n", "review.language: must be 'id' or 'en'"),
    ("[schedule]\ntimezone = 'Mars/Olympus'\n", "unknown time zone"),
    ("[platforms.myspace]\n", "unknown platform 'platforms.myspace'"),
    ("[platforms.bluesky]\nbase_url = 'https://h.example/xrpc'\n", "without a path"),
    ("[webhooks]\n", "unknown section [webhooks]"),
    ("[crawl\n", "pantau.toml"),
    # issue #17.13: accepted before, now refused with the key named
    ("[review]\nsession_hours = -1\n", "review.session_hours: must be between 1 and 2160"),
    ("[crawl]\ntimeout = inf\n", "crawl.timeout: must be a finite number"),
    ("[crawl]\ndownload_delay = nan\n", "crawl.download_delay: must be a finite number"),
    ('[storage]\ndatabase = ""\n', "storage.database: must not be empty"),
    ("[crawl]\nretries = 1e400\n", "crawl.retries: expected a whole number"),
    ("[crawl]\nconcurrency = 99999999999999999999\n", "crawl.concurrency"),
    ("[review]\ntrusted_proxies = ['proxy.local']\n", "review.trusted_proxies: 'proxy.local' is not an IP"),
    ("[roster]\nmax_deactivate_share = 1.5\n", "roster.max_deactivate_share: must be between 0 and 1"),
    ("[notify]\non = 'sometimes'\n", "notify.on: must be 'never', 'always' or 'failure'"),
    ("[notify]\nemail_to = ['a@b', 3]\n", "notify.email_to[1]: expected a string"),
    ("crawl = 3\n", "[crawl] must be a table"),
    ("x = " + "[" * 10_000 + "]" * 10_000 + "\n", "pantau.toml"),
])
def test_bad_config_is_one_line_naming_the_key(tmp_path, toml, message):
    (tmp_path / "pantau.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        config.load(tmp_path)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_cli_reports_a_bad_config_in_one_line(pantau, workspace):
    (workspace / "pantau.toml").write_text("[matching]\nthreshold = 150\n", encoding="utf-8")
    r = pantau("status")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["error: pantau.toml: matching.threshold: must be between 0 and 100"]
