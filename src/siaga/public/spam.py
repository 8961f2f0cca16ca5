"""Spam checks and rate limits for visitors' comments (pure: no Django).

Three cheap signals, none of which needs anything about the visitor:
- a honeypot field people never see (hidden by CSS) but form-filling robots fill in;
- the time between showing the form and sending it, from a timestamp the web layer signs into
  the form: a person needs a few seconds to write anything;
- links: one or two may be honest, more is what comment spam looks like.

The rate limit counts comments per client in a short-lived cache entry whose key is a keyed
hash of the client's address and the day (`rate_key`): the address itself is never stored,
and the entry disappears after the window. Nothing of it goes into the database.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from siaga.problems import Problem, gettext_noop

MIN_SECONDS = 3.0  # a form sent sooner was not written by a person
MAX_AGE_SECONDS = 24 * 3600  # an older form must be reloaded (its timestamp has expired)
MAX_LINKS = 2  # more links than this and the comment goes to the spam folder
MAX_BODY = 2000
MAX_NAME = 60
RATE_LIMIT = 3  # comments per client...
RATE_WINDOW = 600.0  # ...within 10 minutes

# A whole address is consumed by the first alternative, so "https://www.x.com" counts once.
_LINK = re.compile(r"(?:https?://|www\.)\S+|\[url|<a\s"
                   r"|\b[\w-]+\.(?:com|net|org|info|biz|xyz|top|ru|cn)\b\S*", re.IGNORECASE)


class Verdict(StrEnum):
    ACCEPT = "accept"  # held for moderation like every comment
    SPAM = "spam"  # kept in the spam folder, a moderator may still approve it
    DROP = "drop"  # a robot: answered as if accepted, nothing stored
    REFUSE = "refuse"  # the visitor is told what to fix


class CommentProblem(Problem):
    messages = {
        "empty": gettext_noop("Write a comment first."),
        "too_long": gettext_noop("A comment may have at most %(max)s characters."),
        "name_too_long": gettext_noop("A name may have at most %(max)s characters."),
        "expired": gettext_noop("The form has expired; reload the page and send it again."),
        "rate": gettext_noop("Too many comments from here: wait %(minutes)s minutes."),
        "honeypot": gettext_noop("A hidden field was filled in."),
        "too_fast": gettext_noop("Sent %(seconds)s seconds after the page opened."),
        "links": gettext_noop("%(links)s links in one comment."),
    }


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    problem: CommentProblem | None = None


def count_links(text: str) -> int:
    """Web addresses and link markup in `text`."""
    return len(_LINK.findall(text))


def check_comment(*, name: str, body: str, honeypot: str, shown_at: float | None,
                  now: float) -> Check:
    """What to do with a comment. `shown_at` is the time the form was shown (seconds since the
    epoch) from the signed form token, None when the token was missing or forged."""
    if honeypot.strip():
        return Check(Verdict.DROP, CommentProblem("honeypot"))
    if shown_at is None:
        return Check(Verdict.DROP, CommentProblem("expired"))
    elapsed = now - shown_at
    if elapsed < MIN_SECONDS:
        seconds = round(max(elapsed, 0.0), 1)
        return Check(Verdict.DROP, CommentProblem("too_fast", {"seconds": seconds}))
    if elapsed > MAX_AGE_SECONDS:
        return Check(Verdict.REFUSE, CommentProblem("expired"))
    if not body.strip():
        return Check(Verdict.REFUSE, CommentProblem("empty"))
    if len(body) > MAX_BODY:
        return Check(Verdict.REFUSE, CommentProblem("too_long", {"max": MAX_BODY}))
    if len(name) > MAX_NAME:
        return Check(Verdict.REFUSE, CommentProblem("name_too_long", {"max": MAX_NAME}))
    links = count_links(name) + count_links(body)
    if links > MAX_LINKS:
        return Check(Verdict.SPAM, CommentProblem("links", {"links": links}))
    return Check(Verdict.ACCEPT)


def rate_key(secret: str, client: str, day: str) -> str:
    """The cache key of a client's comment times: an HMAC of its address and the day, so the
    address cannot be read back from it and tomorrow's key has nothing in common with today's."""
    digest = hmac.new(secret.encode(), f"{client}|{day}".encode(), hashlib.sha256).hexdigest()
    return "public-comment-rate:" + digest[:40]


def rate_allows(times: tuple[float, ...], now: float, limit: int = RATE_LIMIT,
                window: float = RATE_WINDOW) -> tuple[bool, tuple[float, ...]]:
    """Whether one more comment fits in the sliding window, and the times to keep (those still
    inside the window, plus `now` when allowed)."""
    recent = tuple(t for t in times if now - window < t <= now)
    if len(recent) >= limit:
        return False, recent
    return True, (*recent, now)


def wait_minutes(times: tuple[float, ...], now: float, window: float = RATE_WINDOW) -> int:
    """Whole minutes until the oldest comment in the window leaves it (at least 1)."""
    recent = [t for t in times if now - window < t <= now]
    if not recent:
        return 1
    return max(1, int(-(-(min(recent) + window - now) // 60)))
