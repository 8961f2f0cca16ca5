"""Report bundles: a regency's readiness figures as a signed JSON file its province uploads,
and the side-by-side comparison of regencies (pure: no Django).

The signature is HMAC-SHA256 over the canonical JSON of the bundle without its signature
(keys sorted, no spaces, UTF-8), with a key both instances share (SIAGA_BUNDLE_KEY). A bundle
whose signature, schema or figures do not check is refused whole, with the reasons as
`Problem`s; nothing of it is kept.
"""

import hashlib
import hmac
import json
import re
import statistics
from dataclasses import dataclass

from siaga import problems
from siaga.problems import gettext_noop

SCHEMA = "siaga-readiness-bundle/1"
MAX_BYTES = 256 * 1024

# The figures of one regency: name → (type, may be empty). Counts are whole numbers ≥ 0;
# percentages lie in 0..100; an empty value is a part the regency could not yet report.
FIELDS = {
    "code": (str, False),
    "name": (str, False),
    "tps": (int, False),
    "dpt": (int, False),
    "rawan_tps": (int, False),
    "logistics_pct": (float, True),
    "staff_pct": (float, True),
    "officers_pct": (float, True),
    "security_short": (int, True),
    "sim_at_risk": (int, True),
    "agenda_done": (int, False),
    "agenda_planned": (int, False),
    "open_problems": (int, False),
    "is_synthetic": (bool, False),
}
PERCENT = ("logistics_pct", "staff_pct", "officers_pct")
REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")

MESSAGES = {
    "too_large": gettext_noop("The file is larger than %(max)s KB; a bundle is a few KB."),
    "not_json": gettext_noop("The file is not a readiness bundle (not JSON: %(reason)s)."),
    "wrong_schema": gettext_noop("The file is not a readiness bundle of this version "
                                 "(expected %(expected)s, found %(found)s)."),
    "no_signature": gettext_noop("The bundle has no signature."),
    "bad_signature": gettext_noop("The signature does not match: the bundle was changed after "
                                  "it was made, or it was signed with another key."),
    "missing": gettext_noop("The figure '%(field)s' is missing."),
    "wrong_type": gettext_noop("The figure '%(field)s' has the wrong type (%(value)s)."),
    "negative": gettext_noop("The figure '%(field)s' is negative (%(value)s)."),
    "not_percent": gettext_noop("The figure '%(field)s' is not between 0 and 100 (%(value)s)."),
    "bad_code": gettext_noop("'%(value)s' is not a regency code (e.g. 62.13)."),
    "outside": gettext_noop("Regency %(code)s does not belong to province %(province)s."),
    "bad_date": gettext_noop("'%(value)s' is not a date (YYYY-MM-DD)."),
    "more_rawan": gettext_noop("%(rawan)s rawan TPS of %(tps)s TPS: more than there are."),
}


class Problem(problems.Problem):
    messages = MESSAGES


def canonical(payload: dict) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def signature(payload: dict, key: bytes) -> str:
    body = {k: v for k, v in payload.items() if k != "signature"}
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def make_bundle(figures: dict, *, election: str, as_of: str, made_at: str, key: bytes) -> bytes:
    """The signed bundle file of one regency's figures."""
    payload = {"schema": SCHEMA, "election": election, "as_of": as_of, "made_at": made_at,
               "figures": figures}
    payload["signature"] = signature(payload, key)
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).encode()


@dataclass(frozen=True)
class Verified:
    election: str
    as_of: str
    figures: dict


def read_bundle(content: bytes, *, key: bytes, province: str
                ) -> tuple[Verified | None, list[Problem]]:
    """The bundle's figures when its signature, schema and figures check, else the problems
    (the signature first: an unsigned or tampered file is not read further)."""
    if len(content) > MAX_BYTES:
        return None, [Problem("too_large", {"max": MAX_BYTES // 1024})]
    try:
        payload = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem("not_json", {"reason": type(exc).__name__})]
    if not isinstance(payload, dict) or payload.get("schema") != SCHEMA:
        found = payload.get("schema") if isinstance(payload, dict) else type(payload).__name__
        return None, [Problem("wrong_schema", {"expected": SCHEMA, "found": str(found)[:40]})]
    given = payload.get("signature")
    if not isinstance(given, str) or not given:
        return None, [Problem("no_signature")]
    if not hmac.compare_digest(given, signature(payload, key)):
        return None, [Problem("bad_signature")]
    found = check_figures(payload.get("figures"), province)
    for name in ("as_of",):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(payload.get(name, ""))):
            found.append(Problem("bad_date", {"value": str(payload.get(name))[:20]}))
    if not isinstance(payload.get("election"), str):
        found.append(Problem("missing", {"field": "election"}))
    if found:
        return None, found
    return Verified(payload["election"], payload["as_of"], payload["figures"]), []


def check_figures(figures, province: str) -> list[Problem]:
    """Every field present with its type and range; the regency inside the province."""
    if not isinstance(figures, dict):
        return [Problem("missing", {"field": "figures"})]
    found = []
    for name, (kind, optional) in FIELDS.items():
        if name not in figures:
            found.append(Problem("missing", {"field": name}))
            continue
        value = figures[name]
        if value is None and optional:
            continue
        ok = (isinstance(value, bool) if kind is bool else
              isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float
              else isinstance(value, kind) and not isinstance(value, bool))
        if not ok:
            found.append(Problem("wrong_type", {"field": name, "value": repr(value)[:30]}))
        elif kind in (int, float) and value < 0:
            found.append(Problem("negative", {"field": name, "value": value}))
        elif name in PERCENT and value > 100:
            found.append(Problem("not_percent", {"field": name, "value": value}))
    code = figures.get("code")
    if isinstance(code, str):
        if not REGENCY_CODE.match(code):
            found.append(Problem("bad_code", {"value": code[:20]}))
        elif not code.startswith(province + "."):
            found.append(Problem("outside", {"code": code, "province": province}))
    rawan, tps = figures.get("rawan_tps"), figures.get("tps")
    if isinstance(rawan, int) and isinstance(tps, int) and rawan > tps:
        found.append(Problem("more_rawan", {"rawan": rawan, "tps": tps}))
    return found


# --- the comparison ----------------------------------------------------------------------------

# Measure → True when more is better. Each is compared with the median of the regencies.
MEASURES = {
    "logistics_pct": True,
    "staff_pct": True,
    "officers_pct": True,
    "agenda_share": True,
    "security_short": False,
    "sim_at_risk_share": False,
    "rawan_share": False,
    "open_problems": False,
}


def derived(figures: dict) -> dict:
    """Shares that make regencies of different sizes comparable."""
    tps = figures.get("tps") or 0
    planned = figures.get("agenda_planned") or 0
    at_risk = figures.get("sim_at_risk")
    return {
        **figures,
        "agenda_share": 100 * figures.get("agenda_done", 0) / planned if planned else None,
        "rawan_share": 100 * figures.get("rawan_tps", 0) / tps if tps else None,
        "sim_at_risk_share": 100 * at_risk / tps if tps and at_risk is not None else None,
    }


def behind(rows: list[dict]) -> list[set[str]]:
    """For each regency, the measures on which it is worse than the median of the regencies
    that report that measure (empty values are not compared). With fewer than two values a
    measure marks nobody; the best value is never behind."""
    rows = [derived(r) for r in rows]
    marks: list[set[str]] = [set() for _ in rows]
    for measure, more_is_better in MEASURES.items():
        values = [r.get(measure) for r in rows]
        known = [v for v in values if v is not None]
        if len(known) < 2:
            continue
        middle = statistics.median(known)
        for i, v in enumerate(values):
            if v is not None and (v < middle if more_is_better else v > middle):
                marks[i].add(measure)
    return marks
