"""The public form's fields: bounded, links only http(s), control characters gone."""

from pantau.tips.form import is_bot, validate
from pantau.tips.ratelimit import RateLimiter
from pantau.tips.receipt import new_code, normalise_code

LIMITS = {"max_links": 3, "max_text": 200}
GOOD = {"links": "https://x.com/calon/status/1\n\nhttps://x.com/calon/status/1\nhttp://mastodon.example/@budi",
        "what": "Budi menyukai unggahan kampanye calon.", "person_name": "  Budi\x1b[31m  Santoso ",
        "person_nip": "19850312 201001 1 001", "person_unit": "", "contact": "08123"}


def codes(problems):
    return sorted(p.code for p in problems)


def test_a_good_submission_is_cleaned():
    sub, problems = validate(GOOD, **LIMITS)
    assert problems == []
    assert sub.links == ["https://x.com/calon/status/1", "http://mastodon.example/@budi"]   # repeats once
    assert sub.person_name == "Budi[31m Santoso"            # the escape character is gone
    assert sub.person_nip == "198503122010011001"
    assert sub.person_unit is None and sub.contact == "08123"


def test_links_must_be_http_and_complete():
    bad = dict(GOOD, links="javascript:alert(1)\nftp://files.example/x\nhttps://user:pw@x.com/a")
    _, problems = validate(bad, **LIMITS)
    assert codes(problems) == ["link.credentials", "link.scheme", "link.scheme"]
    assert [p.params["line"] for p in problems] == [1, 2, 3]
    _, problems = validate(dict(GOOD, links="data:text/html,<script>"), **LIMITS)
    assert codes(problems) == ["link.scheme"]
    _, problems = validate(dict(GOOD, links="https://nohost"), **LIMITS)
    assert codes(problems) == ["link.malformed"]


def test_at_least_one_link_at_most_max_links():
    assert codes(validate(dict(GOOD, links="  \n "), **LIMITS)[1]) == ["link.required"]
    many = "\n".join(f"https://x.com/a/status/{i}" for i in range(4))
    assert codes(validate(dict(GOOD, links=many), **LIMITS)[1]) == ["link.too_many"]
    assert codes(validate(dict(GOOD, links="https://x.com/" + "a" * 3000), **LIMITS)[1]) == ["link.too_long"]
    huge = "https://x.com/a\n" * 100_000
    assert codes(validate(dict(GOOD, links=huge), **LIMITS)[1]) == ["link.too_many"]


def test_every_field_is_bounded():
    bad = dict(GOOD, what="x" * 201, person_name="n" * 201, person_unit="u" * 201, contact="c" * 201)
    assert codes(validate(bad, **LIMITS)[1]) == ["text.too_long"] * 4
    assert codes(validate(dict(GOOD, what="short"), **LIMITS)[1]) == ["what.short"]
    assert codes(validate(dict(GOOD, person_nip="12345"), **LIMITS)[1]) == ["nip.format"]


def test_the_honeypot():
    assert is_bot({"website": "http://spam.example"}) and not is_bot({"website": " "}) and not is_bot({})


def test_receipt_codes_are_random_and_forgiving_to_type():
    a, b = new_code(), new_code()
    assert a != b and len(a) == 14 and a.count("-") == 2
    assert normalise_code(a.lower().replace("-", " ")) == a
    assert normalise_code("abcd-efgh-jkmO") == "ABCD-EFGH-JKM0"       # O read as zero
    assert normalise_code("ABCD") is None and normalise_code("") is None and normalise_code("ABCD-EFGH-JKM!") is None


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_rate_limit_per_client_then_forgotten_after_the_window():
    clock = Clock()
    rl = RateLimiter(client_limit=3, window_seconds=600, total_per_hour=100, clock=clock)
    assert [rl.hit("10.0.0.1").allowed for _ in range(4)] == [True, True, True, False]
    v = rl.hit("10.0.0.1")
    assert v.scope == "client" and 1 <= v.retry_after <= 600
    assert rl.hit("10.0.0.2").allowed                     # another client is not affected
    assert rl.holds("10.0.0.1") and rl.known() == 2
    clock.t += 601
    assert rl.known() == 0 and not rl.holds("10.0.0.1")    # hashed addresses are gone after the window
    assert rl.hit("10.0.0.1").allowed


def test_rate_limit_overall():
    clock = Clock()
    rl = RateLimiter(client_limit=100, window_seconds=60, total_per_hour=5, clock=clock)
    results = [rl.hit(f"10.0.0.{i}") for i in range(8)]
    assert [r.allowed for r in results] == [True] * 5 + [False] * 3
    assert results[-1].scope == "total"
    clock.t += 3601
    assert rl.hit("10.0.0.99").allowed


def test_addresses_are_kept_only_as_salted_hashes():
    rl = RateLimiter(client_limit=3, window_seconds=60, total_per_hour=10)
    rl.hit("192.0.2.44")
    held = repr(rl._clients)
    assert "192.0.2.44" not in held
    assert rl.key("192.0.2.44") in held
    other = RateLimiter(client_limit=3, window_seconds=60, total_per_hour=10)
    assert other.key("192.0.2.44") != rl.key("192.0.2.44")       # the salt is per process


def test_a_shared_link_is_looked_up_in_the_forms_it_is_stored_under():
    from pantau.tips.known import url_forms
    forms = url_forms("https://m.facebook.com/calon/posts/1/?utm_source=wa#c")
    assert "https://facebook.com/calon/posts/1" in forms
    assert "https://www.facebook.com/calon/posts/1/" in forms
    assert "https://facebook.com/calon/posts/1/?utm_source=wa" in forms
    assert forms[0] == "https://m.facebook.com/calon/posts/1/?utm_source=wa#c"


def test_the_access_log_keeps_no_reporter_address():
    import logging

    from pantau.review.tips_guard import ReporterAddressFilter
    f = ReporterAddressFilter()

    def line(path):
        rec = logging.LogRecord("uvicorn.access", logging.INFO, "x", 1, '%s - "%s %s HTTP/%s" %d',
                                ("203.0.113.9:5555", "POST", path, "1.1", 303), None)
        assert f.filter(rec)
        return rec.getMessage()
    assert "203.0.113.9" not in line("/lapor") and "203.0.113.9" not in line("/lapor/status")
    assert line("/lapor").startswith('- - "POST /lapor')
    assert "203.0.113.9" in line("/login")                    # other pages keep their address
