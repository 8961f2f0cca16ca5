"""Counting reads of a news item without storing anything about the reader (pure: no Django).

A read counts once per browser and item. The browser itself remembers which items it has
already been counted for, in a first-party cookie holding only item ids (the web layer signs it
so it cannot be forged to inflate nothing but itself); the server keeps a count per item and
day, and nothing else: no IP address, no browser id, no user agent.

Bots are left out by their User-Agent and by the headers every real browser sends with a page
request (`Accept` naming HTML, `Accept-Language`); link previews and prefetches are left out
too, because nobody has read anything yet.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# At most this many item ids stay in the cookie (the most recently counted); a browser that
# reads more items than this may be counted again for the oldest ones. 300 ids fit in ~2 KB.
MAX_REMEMBERED = 300

# Substrings of User-Agents that belong to crawlers, link previewers, monitors, scripts and
# headless browsers. Matched case-insensitively.
BOT_PATTERNS = (
    "bot", "crawl", "spider", "slurp", "scrape", "fetch", "preview", "monitor", "checker",
    "archiver", "facebookexternalhit", "whatsapp", "telegrambot", "embedly", "headless",
    "phantomjs", "selenium", "puppeteer", "playwright", "lighthouse", "pingdom", "uptime",
    "curl", "wget", "httpie", "python", "java/", "go-http-client", "okhttp", "libwww",
    "httpclient", "axios", "node-fetch", "postman", "feed", "rss", "scan",
)
_BOT_RE = re.compile("|".join(re.escape(p) for p in BOT_PATTERNS), re.IGNORECASE)


@dataclass(frozen=True)
class ReadDecision:
    """Whether this request is a new read, why not if not, and the ids the cookie keeps."""

    counted: bool
    reason: str  # "counted", "bot", "prefetch", "repeat"
    remembered: tuple[int, ...]


def bot_reason(headers: Mapping[str, str]) -> str:
    """'bot' when the request is not a person's browser opening the page, 'prefetch' for a
    speculative load, '' for a plausible reader. `headers` uses lower-case names."""
    agent = headers.get("user-agent", "")
    if not agent.strip() or _BOT_RE.search(agent):
        return "bot"
    accept, language = headers.get("accept", ""), headers.get("accept-language", "")
    if "text/html" not in accept or not language.strip():
        return "bot"
    purpose = (headers.get("sec-purpose", "") + " " + headers.get("purpose", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose or headers.get("x-moz", "") == "prefetch":
        return "prefetch"
    return ""


def parse_remembered(raw: str) -> tuple[int, ...]:
    """The item ids in a cookie value ('12.7.31'); anything malformed is dropped, never raised."""
    ids: list[int] = []
    for part in (raw or "").split("."):
        if part.isascii() and part.isdigit() and len(part) <= 18:
            value = int(part)
            if value > 0 and value not in ids:
                ids.append(value)
    return tuple(ids[-MAX_REMEMBERED:])


def format_remembered(ids: Iterable[int]) -> str:
    """The cookie value for `ids` (oldest first), the inverse of `parse_remembered`."""
    return ".".join(str(i) for i in ids)


def decide(item_id: int, remembered: tuple[int, ...], headers: Mapping[str, str]) -> ReadDecision:
    """Count this request as a read of `item_id` or not, and what the cookie keeps afterwards.

    A bot or prefetch never counts and leaves the cookie as it was. A browser that was counted
    for this item before does not count again. Otherwise the read counts and the item joins the
    remembered ids (the oldest drop out beyond MAX_REMEMBERED)."""
    reason = bot_reason(headers)
    if reason:
        return ReadDecision(False, reason, remembered)
    if item_id in remembered:
        return ReadDecision(False, "repeat", remembered)
    return ReadDecision(True, "counted", (*remembered, item_id)[-MAX_REMEMBERED:])
