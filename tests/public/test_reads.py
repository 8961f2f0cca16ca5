"""Read counts: a browser is counted once per item, bots and prefetches never, and the cookie is
all that remembers anything."""

from hypothesis import given
from hypothesis import strategies as st

from siaga.public.reads import (
    MAX_REMEMBERED,
    bot_reason,
    decide,
    format_remembered,
    parse_remembered,
)

CHROME = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 Mobile Safari/537.36")
BROWSER = {"user-agent": CHROME, "accept": "text/html,application/xhtml+xml,*/*;q=0.8",
           "accept-language": "id-ID,id;q=0.9"}


def test_a_phone_browser_opening_the_page_is_a_reader():
    assert bot_reason(BROWSER) == ""


def test_opera_mini_on_an_old_phone_is_a_reader():
    agent = ("Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 "
             "Version/12.16")
    assert bot_reason(BROWSER | {"user-agent": agent}) == ""


@given(st.sampled_from([
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1", "WhatsApp/2.23.20.0 A", "TelegramBot (like TwitterBot)",
    "curl/8.5.0", "Wget/1.21", "python-requests/2.32", "Go-http-client/2.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/124.0 Safari/537.36",
    "", "   ",
]))
def test_crawlers_previews_scripts_and_headless_browsers_are_bots(agent):
    assert bot_reason(BROWSER | {"user-agent": agent}) == "bot"


def test_a_request_without_the_headers_every_browser_sends_is_a_bot():
    assert bot_reason({"user-agent": CHROME}) == "bot"
    assert bot_reason(BROWSER | {"accept": "*/*"}) == "bot"
    assert bot_reason(BROWSER | {"accept-language": ""}) == "bot"


def test_a_prefetch_is_not_a_read():
    assert bot_reason(BROWSER | {"sec-purpose": "prefetch;prerender"}) == "prefetch"
    assert bot_reason(BROWSER | {"purpose": "prefetch"}) == "prefetch"


def test_the_same_browser_reading_twice_counts_once_and_another_browser_counts_again():
    first = decide(7, (), BROWSER)
    again = decide(7, first.remembered, BROWSER)
    other = decide(7, (), BROWSER)
    assert (first.counted, again.counted, other.counted) == (True, False, True)
    assert again.reason == "repeat"


def test_a_bot_leaves_the_cookie_as_it_was():
    decision = decide(7, (3, 4), {"user-agent": "Googlebot/2.1"})
    assert not decision.counted and decision.remembered == (3, 4)


@given(st.lists(st.integers(1, 60), max_size=200))
def test_a_browser_is_counted_exactly_once_for_each_distinct_item(reads):
    remembered, counted = (), []
    for item in reads:
        decision = decide(item, parse_remembered(format_remembered(remembered)), BROWSER)
        remembered = decision.remembered
        if decision.counted:
            counted.append(item)
    assert sorted(counted) == sorted(set(reads))


@given(st.lists(st.integers(1, 10**9), max_size=2 * MAX_REMEMBERED))
def test_the_cookie_never_holds_more_than_its_limit_and_keeps_the_latest(reads):
    remembered = ()
    for item in reads:
        remembered = decide(item, remembered, BROWSER).remembered
    assert len(remembered) <= MAX_REMEMBERED
    if reads:
        assert reads[-1] in remembered


@given(st.lists(st.integers(1, 10**12), unique=True, max_size=MAX_REMEMBERED))
def test_remembered_ids_survive_the_cookie(ids):
    assert parse_remembered(format_remembered(ids)) == tuple(ids)


@given(st.text())
def test_any_cookie_value_parses_without_error_into_positive_ids(raw):
    ids = parse_remembered(raw)
    assert all(isinstance(i, int) and i > 0 for i in ids) and len(set(ids)) == len(ids)


def test_the_cookie_holds_item_ids_and_nothing_about_the_reader():
    value = format_remembered(decide(42, (5,), BROWSER).remembered)
    assert value == "5.42"
