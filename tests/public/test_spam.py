"""Comment spam checks and the rate limit: no personal data needed for either."""

from hypothesis import given
from hypothesis import strategies as st

from siaga.public.spam import (
    MAX_BODY,
    MIN_SECONDS,
    RATE_LIMIT,
    RATE_WINDOW,
    Verdict,
    check_comment,
    count_links,
    rate_allows,
    rate_key,
    wait_minutes,
)

NOW = 1_707_900_000.0


def check(body="Semoga lancar pemilunya.", name="Rina", honeypot="", shown_at=NOW - 40):
    return check_comment(name=name, body=body, honeypot=honeypot, shown_at=shown_at, now=NOW)


def test_a_plain_comment_is_accepted_for_moderation():
    assert check().verdict == Verdict.ACCEPT


def test_a_comment_without_a_name_is_accepted():
    assert check(name="").verdict == Verdict.ACCEPT


def test_a_filled_honeypot_is_dropped_silently():
    assert check(honeypot="http://murah.example").verdict == Verdict.DROP


def test_a_form_sent_sooner_than_a_person_can_write_is_dropped():
    result = check(shown_at=NOW - MIN_SECONDS + 0.5)
    assert result.verdict == Verdict.DROP and result.problem.code == "too_fast"


def test_a_missing_or_forged_form_token_is_dropped():
    assert check(shown_at=None).verdict == Verdict.DROP


def test_a_form_older_than_a_day_must_be_reloaded():
    result = check(shown_at=NOW - 2 * 24 * 3600)
    assert result.verdict == Verdict.REFUSE and result.problem.code == "expired"


def test_an_empty_or_overlong_comment_is_refused_with_the_reason():
    assert check(body="   ").problem.code == "empty"
    assert check(body="a" * (MAX_BODY + 1)).problem.code == "too_long"
    assert check(name="n" * 61).problem.code == "name_too_long"


def test_one_or_two_links_are_fine_but_three_go_to_the_spam_folder():
    assert check(body="Cek di https://cekdptonline.kpu.go.id ya").verdict == Verdict.ACCEPT
    spammy = check(body="murah http://a.example www.b.example c-obat.com")
    assert spammy.verdict == Verdict.SPAM
    assert spammy.problem.render() == "3 links in one comment."


def test_a_whole_address_counts_as_one_link():
    assert count_links("https://www.kpu.go.id/berita/1.html") == 1
    assert count_links("Tidak ada tautan di sini. Pukul 07.00 di TPS 003.") == 0


def test_the_rate_key_hides_the_address_and_changes_every_day():
    key = rate_key("rahasia", "203.0.113.7", "2024-02-14")
    assert "203.0.113.7" not in key
    assert key != rate_key("rahasia", "203.0.113.7", "2024-02-15")
    assert key != rate_key("lain", "203.0.113.7", "2024-02-14")
    assert key == rate_key("rahasia", "203.0.113.7", "2024-02-14")


def test_a_fourth_comment_within_ten_minutes_is_refused_then_allowed_later():
    times = ()
    for i in range(RATE_LIMIT):
        allowed, times = rate_allows(times, NOW + i)
        assert allowed
    allowed, times = rate_allows(times, NOW + 60)
    assert not allowed and wait_minutes(times, NOW + 60) == 9
    assert rate_allows(times, NOW + RATE_WINDOW + 1)[0]


@given(st.lists(st.floats(0, 5 * RATE_WINDOW, allow_nan=False), max_size=40))
def test_never_more_than_the_limit_in_any_window(offsets):
    times, accepted = (), []
    for t in sorted(NOW + o for o in offsets):
        allowed, times = rate_allows(times, t)
        if allowed:
            accepted.append(t)
    for start in accepted:
        assert sum(1 for t in accepted if start <= t < start + RATE_WINDOW) <= RATE_LIMIT


@given(st.text(max_size=300), st.text(max_size=60), st.floats(0, 10**5, allow_nan=False))
def test_every_comment_gets_exactly_one_verdict(body, name, age):
    result = check_comment(name=name, body=body, honeypot="", shown_at=NOW - age, now=NOW)
    assert result.verdict in set(Verdict)
    assert (result.problem is None) == (result.verdict == Verdict.ACCEPT)
