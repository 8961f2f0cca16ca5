"""Plausibility checks of a C.Hasil (the tally sheet of one TPS and one contest), likely-misread
hints, a vectorised version for national scale, and anomaly hints.

Pure: no Django. A form is checked as *shown* (typed in or read by OCR); every rule it breaks is a
`Finding`, a message code plus the numbers behind it, rendered in the user's language by the web
or CLI layer. The rules are the C.Hasil arithmetic (DOMAIN.md, "Results"):

* identities: valid + invalid = voters who voted; ballots used = voters who voted; ballots used +
  unused + damaged/returned = ballots received; ballots received = DPT + 2% reserve rounded up;
  sum of candidate (or party) votes = valid votes; per party (DPR/DPRD), party vote + its
  candidates' votes = the party total; when the form splits the voters by list, voters from the
  DPT + DPTb + DPK = voters who voted;
* bounds: voters who voted ≤ DPT + DPTb + DPK and ≤ ballots received; no choice has more votes
  than voters who voted; per list, voters who voted ≤ those registered; nothing is negative.

``valid + invalid = ballots used`` is not a check of its own: it follows from the first two, and
a check that can never fail alone would only repeat what they say. Two bounds do follow from the
identities when nothing is negative (``votes for one choice ≤ voted`` and ``voted ≤ received``),
so they never fire alone; they are kept because they name the number that is wrong (617 votes
for one pair at a TPS where 212 voted).

Hints (`likely_misread`) never flag a form by themselves; they propose the reading that makes
the arithmetic add up (docs/results.md, "Misread hints"). Anomaly hints (`find_anomalies`) look
at many forms together: turnout far from the neighbours, one choice with all or none of the
votes, identical forms in one kecamatan, uneven last digits.
"""

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from siaga import problems
from siaga.problems import gettext_noop

# --- messages ----------------------------------------------------------------------------------

MESSAGES = {
    # identities
    "valid_invalid_voted": gettext_noop(
        "Valid votes %(valid)s + invalid %(invalid)s ≠ voters who voted %(voted)s"),
    "used_voted": gettext_noop("Ballots used %(used)s ≠ voters who voted %(voted)s"),
    "ballot_balance": gettext_noop(
        "Ballots used %(used)s + unused %(unused)s + damaged/returned %(damaged)s ≠ received "
        "%(received)s"),
    "received_reserve": gettext_noop(
        "Ballots received %(received)s ≠ DPT %(dpt)s + %(reserve_pct)s%% reserve %(reserve)s = "
        "%(expected)s"),
    "votes_sum_valid": gettext_noop("Votes %(terms)s = %(total)s ≠ valid votes %(valid)s"),
    "party_total": gettext_noop(
        "%(party)s: party vote %(party_vote)s + candidates %(candidates)s = %(expected)s ≠ "
        "party total %(total)s"),
    "voted_categories": gettext_noop(
        "Voters who voted from the DPT %(voted_dpt)s + DPTb %(voted_dptb)s + DPK %(voted_dpk)s "
        "≠ voters who voted %(voted)s"),
    # bounds
    "voted_over_registered": gettext_noop(
        "Voters who voted %(voted)s > DPT %(dpt)s + DPTb %(dptb)s + DPK %(dpk)s = "
        "%(registered)s"),
    "voted_over_received": gettext_noop(
        "Voters who voted %(voted)s > ballots received %(received)s"),
    "votes_over_voters": gettext_noop(
        "Votes for %(choice)s %(votes)s > voters who voted %(voted)s"),
    "category_over_registered": gettext_noop(
        "Voters who voted from the %(category)s %(voted)s > registered in the %(category)s "
        "%(registered)s"),
    "negative": gettext_noop("%(field)s is negative: %(value)s"),
    # hints on one form
    "likely_misread": gettext_noop("%(field)s shows %(shown)s; probably %(probably)s (%(rule)s)"),
    # anomaly hints over many forms
    "turnout_outlier": gettext_noop(
        "Turnout %(turnout)s%% is far from the %(level)s median %(median)s%% (robust z "
        "%(z)s)"),
    "all_votes_one_choice": gettext_noop("All %(valid)s valid votes went to %(choice)s"),
    "no_votes_for_choice": gettext_noop("%(choice)s has no votes out of %(valid)s valid votes"),
    "identical_forms": gettext_noop(
        "The same votes (%(terms)s) appear at %(count)s TPS of kecamatan %(region)s"),
    "uneven_last_digits": gettext_noop(
        "Last digits of %(count)s vote counts in %(region)s are uneven (chi-square %(chi2)s, "
        "p = %(p)s)"),
}

# How a finding weighs: identities and bounds flag the form; hints never do.
KINDS = {
    **dict.fromkeys(("valid_invalid_voted", "used_voted", "ballot_balance", "received_reserve",
                     "votes_sum_valid", "party_total", "voted_categories"), "identity"),
    **dict.fromkeys(("voted_over_registered", "voted_over_received", "votes_over_voters",
                     "category_over_registered", "negative"), "bound"),
    **dict.fromkeys(("likely_misread", "turnout_outlier", "all_votes_one_choice",
                     "no_votes_for_choice", "identical_forms", "uneven_last_digits"), "hint"),
}

# The checks `check_arrays` counts, in report order (party totals need the DPR/DPRD layout).
ARRAY_CHECKS = ("valid_invalid_voted", "used_voted", "ballot_balance", "received_reserve",
                "votes_sum_valid", "voted_categories", "voted_over_registered",
                "voted_over_received", "votes_over_voters", "category_over_registered",
                "negative")

FIELD_LABELS = {
    "dpt": gettext_noop("DPT"),
    "dptb": gettext_noop("DPTb"),
    "dpk": gettext_noop("DPK"),
    "voted": gettext_noop("Voters who voted"),
    "voted_dpt": gettext_noop("Voters who voted from the DPT"),
    "voted_dptb": gettext_noop("Voters who voted from the DPTb"),
    "voted_dpk": gettext_noop("Voters who voted from the DPK"),
    "ballots_received": gettext_noop("Ballots received"),
    "ballots_used": gettext_noop("Ballots used"),
    "ballots_unused": gettext_noop("Ballots unused"),
    "ballots_damaged": gettext_noop("Ballots damaged or returned"),
    "valid": gettext_noop("Valid votes"),
    "invalid": gettext_noop("Invalid votes"),
    "votes": gettext_noop("Votes for %(choice)s"),
    "party_votes": gettext_noop("Party vote of %(party)s"),
    "candidate_votes": gettext_noop("Votes for candidate %(candidate)s of %(party)s"),
}
RULE_LABELS = {
    "digit": gettext_noop("one digit misread"),
    "identity": gettext_noop("the value the form's sums determine"),
}


def field_label(key: str, translate=gettext_noop) -> str:
    """`valid` → "Valid votes"; `votes:02` → "Votes for 02"; `candidate_votes:PKB:3` → …"""
    kind, _, rest = key.partition(":")
    if kind == "votes":
        return translate(FIELD_LABELS[kind]) % {"choice": rest}
    if kind == "party_votes":
        return translate(FIELD_LABELS[kind]) % {"party": rest}
    if kind == "candidate_votes":
        party, _, candidate = rest.rpartition(":")
        return translate(FIELD_LABELS[kind]) % {"party": party, "candidate": candidate}
    return translate(FIELD_LABELS[kind])


class Finding(problems.Problem):
    """A rule a form breaks (or a hint about it): a code and the numbers behind it."""

    messages = MESSAGES

    @property
    def kind(self) -> str:
        return KINDS[self.code]

    @property
    def subject(self) -> str:
        """What the finding is about within its code (a field, choice, party or list)."""
        for name in ("field", "choice", "party", "category"):
            if name in self.params:
                return str(self.params[name])
        return ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.subject)

    def render(self, translate=gettext_noop) -> str:
        params = dict(self.params)
        if "field" in params:
            params["field"] = field_label(params["field"], translate)
        if "rule" in params:
            params["rule"] = translate(RULE_LABELS[params["rule"]])
        return translate(self.messages[self.code]) % params


def flags(findings: Sequence[Finding]) -> bool:
    """A form is flagged (kept out of the totals) when it breaks any identity or bound."""
    return any(f.kind != "hint" for f in findings)


# --- the form ----------------------------------------------------------------------------------

COUNT_FIELDS = ("dpt", "dptb", "dpk", "voted", "ballots_received", "ballots_used",
                "ballots_unused", "ballots_damaged", "valid", "invalid")
CATEGORY_FIELDS = ("voted_dpt", "voted_dptb", "voted_dpk")
CATEGORIES = (("voted_dpt", "dpt", "DPT"), ("voted_dptb", "dptb", "DPTb"),
              ("voted_dpk", "dpk", "DPK"))


@dataclass(frozen=True)
class Form:
    """One C.Hasil (one TPS, one contest) with its numbers as shown, right or wrong.

    `votes` holds one number per choice as the form totals it: per candidate pair (PPWP), per
    candidate (DPD, Pilkada), per party (DPR/DPRD: the party's total of party vote and candidate
    votes). For DPR/DPRD, `party_votes` (votes for the party itself) and `candidate_votes` (per
    party, per candidate number) carry the detail the party totals are checked against. The
    voters who voted may be split by list (`voted_dpt`, `voted_dptb`, `voted_dpk`) when the form
    gives the split. Choice and party names must not contain ':'.
    """

    dpt: int
    dptb: int
    dpk: int
    voted: int
    ballots_received: int
    ballots_used: int
    ballots_unused: int
    ballots_damaged: int
    valid: int
    invalid: int
    votes: Mapping[str, int]
    party_votes: Mapping[str, int] = field(default_factory=dict)
    candidate_votes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    voted_dpt: int | None = None
    voted_dptb: int | None = None
    voted_dpk: int | None = None

    def __post_init__(self):
        unknown = (set(self.party_votes) | set(self.candidate_votes)) - set(self.votes)
        if unknown:
            raise ValueError(f"party detail for parties without a total: {sorted(unknown)}")
        split = [getattr(self, name) is None for name in CATEGORY_FIELDS]
        if any(split) and not all(split):
            raise ValueError("voters by list need all three of voted_dpt, voted_dptb, voted_dpk")

    @property
    def has_categories(self) -> bool:
        return self.voted_dpt is not None

    def values(self) -> dict[str, int]:
        """Every number on the form by field key (`valid`, `votes:01`, `party_votes:PKB`,
        `candidate_votes:PKB:3`)."""
        out = {name: getattr(self, name) for name in COUNT_FIELDS}
        if self.has_categories:
            out.update({name: getattr(self, name) for name in CATEGORY_FIELDS})
        out.update({f"votes:{c}": v for c, v in self.votes.items()})
        out.update({f"party_votes:{p}": v for p, v in self.party_votes.items()})
        for party, candidates in self.candidate_votes.items():
            out.update({f"candidate_votes:{party}:{c}": v for c, v in candidates.items()})
        return out

    def with_value(self, key: str, value: int) -> "Form":
        """The same form with one number changed (a correction or a misread)."""
        kind, _, rest = key.partition(":")
        if kind == "votes":
            return replace(self, votes={**self.votes, rest: value})
        if kind == "party_votes":
            return replace(self, party_votes={**self.party_votes, rest: value})
        if kind == "candidate_votes":
            party, _, candidate = rest.rpartition(":")
            changed = {**self.candidate_votes[party], candidate: value}
            return replace(self, candidate_votes={**self.candidate_votes, party: changed})
        return replace(self, **{key: value})


@dataclass(frozen=True)
class Rules:
    """The configurable numbers of the checks (DOMAIN.md: defaults, never buried constants)."""

    reserve_pct: Fraction = Fraction(2)  # ballots = DPT + this % rounded up (UU 7/2017 Ps. 344)

    def __post_init__(self):
        object.__setattr__(self, "reserve_pct", Fraction(str(self.reserve_pct)))


RULES = Rules()


def ballots_expected(dpt: int, reserve_pct: Fraction = RULES.reserve_pct) -> int:
    """DPT plus the reserve rounded up to a whole ballot, exactly (2% of 251 is 5.02 → 6)."""
    return dpt + math.ceil(Fraction(dpt) * Fraction(reserve_pct) / 100)


def _pct_text(pct: Fraction) -> str:
    return str(pct.numerator) if pct.denominator == 1 else str(float(pct))


# --- identities as data (the misread hints solve them for one field) ---------------------------

@dataclass(frozen=True)
class Identity:
    """Σ coefficient × field = 0 over the form's numbers; every coefficient is +1 or -1."""

    code: str
    terms: tuple[tuple[str, int], ...]
    subject: str = ""

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(f for f, _ in self.terms)

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.subject)

    def residual(self, values: Mapping[str, int], rules: Rules) -> int:
        return sum(c * values[f] for f, c in self.terms)

    def solve(self, values: Mapping[str, int], key: str, rules: Rules) -> int | None:
        """The value of `key` that makes this identity hold, the others as shown."""
        coefficient = dict(self.terms)[key]
        return values[key] - self.residual(values, rules) * coefficient


@dataclass(frozen=True)
class ReserveIdentity(Identity):
    """ballots received = DPT + reserve rounded up: linear in the ballots, not in the DPT."""

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(("ballots_received", "dpt"))

    def residual(self, values, rules):
        return values["ballots_received"] - ballots_expected(values["dpt"], rules.reserve_pct)

    def solve(self, values, key, rules):
        received = values["ballots_received"]
        if key == "ballots_received":
            return ballots_expected(values["dpt"], rules.reserve_pct)
        # DPT + ceil(DPT × r) grows by at least 1 per voter: at most one DPT gives `received`.
        guess = math.floor(Fraction(received) * 100 / (100 + rules.reserve_pct))
        found = [d for d in range(guess - 2, guess + 3)
                 if ballots_expected(d, rules.reserve_pct) == received]
        return found[0] if found else None


def identities_of(form: Form) -> list[Identity]:
    ids = [
        Identity("valid_invalid_voted", (("valid", 1), ("invalid", 1), ("voted", -1))),
        Identity("used_voted", (("ballots_used", 1), ("voted", -1))),
        Identity("ballot_balance", (("ballots_used", 1), ("ballots_unused", 1),
                                    ("ballots_damaged", 1), ("ballots_received", -1))),
        ReserveIdentity("received_reserve", (("ballots_received", 1),)),
        Identity("votes_sum_valid",
                 tuple((f"votes:{c}", 1) for c in form.votes) + (("valid", -1),)),
    ]
    for party in form.votes:
        if party not in form.party_votes and party not in form.candidate_votes:
            continue
        terms = [(f"votes:{party}", 1)]
        if party in form.party_votes:
            terms.append((f"party_votes:{party}", -1))
        terms += [(f"candidate_votes:{party}:{c}", -1) for c in form.candidate_votes.get(party, {})]
        ids.append(Identity("party_total", tuple(terms), subject=party))
    if form.has_categories:
        ids.append(Identity("voted_categories", (("voted_dpt", 1), ("voted_dptb", 1),
                                                 ("voted_dpk", 1), ("voted", -1))))
    return ids


def _identity_params(identity: Identity, form: Form, values: Mapping[str, int],
                     rules: Rules) -> dict:
    v = values
    match identity.code:
        case "valid_invalid_voted":
            return {"valid": v["valid"], "invalid": v["invalid"], "voted": v["voted"]}
        case "used_voted":
            return {"used": v["ballots_used"], "voted": v["voted"]}
        case "ballot_balance":
            return {"used": v["ballots_used"], "unused": v["ballots_unused"],
                    "damaged": v["ballots_damaged"], "received": v["ballots_received"]}
        case "received_reserve":
            expected = ballots_expected(v["dpt"], rules.reserve_pct)
            return {"received": v["ballots_received"], "dpt": v["dpt"],
                    "reserve_pct": _pct_text(rules.reserve_pct),
                    "reserve": expected - v["dpt"], "expected": expected}
        case "votes_sum_valid":
            return {"terms": " + ".join(f"{c}: {n}" for c, n in form.votes.items()),
                    "total": sum(form.votes.values()), "valid": v["valid"]}
        case "party_total":
            party = identity.subject
            party_vote = form.party_votes.get(party, 0)
            candidates = sum(form.candidate_votes.get(party, {}).values())
            return {"party": party, "party_vote": party_vote, "candidates": candidates,
                    "expected": party_vote + candidates, "total": form.votes[party]}
        case "voted_categories":
            return {"voted_dpt": v["voted_dpt"], "voted_dptb": v["voted_dptb"],
                    "voted_dpk": v["voted_dpk"], "voted": v["voted"]}
    raise ValueError(identity.code)


def _bound_findings(form: Form, values: Mapping[str, int]) -> list[Finding]:
    found = []
    registered = form.dpt + form.dptb + form.dpk
    if form.voted > registered:
        found.append(Finding("voted_over_registered", {
            "voted": form.voted, "dpt": form.dpt, "dptb": form.dptb, "dpk": form.dpk,
            "registered": registered}))
    if form.voted > form.ballots_received:
        found.append(Finding("voted_over_received",
                             {"voted": form.voted, "received": form.ballots_received}))
    for choice, votes in form.votes.items():
        if votes > form.voted:
            found.append(Finding("votes_over_voters",
                                 {"choice": choice, "votes": votes, "voted": form.voted}))
    if form.has_categories:
        for voted_name, registered_name, label in CATEGORIES:
            if getattr(form, voted_name) > getattr(form, registered_name):
                found.append(Finding("category_over_registered", {
                    "category": label, "voted": getattr(form, voted_name),
                    "registered": getattr(form, registered_name)}))
    for key, value in values.items():
        if value < 0:
            found.append(Finding("negative", {"field": key, "value": value}))
    return found


def check(form: Form, rules: Rules = RULES, *, hints: bool = True) -> list[Finding]:
    """Every identity and bound the form breaks, then (if `hints`) the likely misreads."""
    values = form.values()
    identities = identities_of(form)
    failing = [i for i in identities if i.residual(values, rules) != 0]
    findings = [Finding(i.code, _identity_params(i, form, values, rules)) for i in failing]
    findings += _bound_findings(form, values)
    if hints and failing:
        findings += likely_misreads(form, values, identities, failing, findings, rules)
    return findings


# --- likely misreads ---------------------------------------------------------------------------

def digit_variants(shown: int) -> set[int]:
    """Readings one OCR slip away from `shown`: one digit replaced (same length, no new leading
    zero), or the leading digit dropped (a stray mark read as a digit: 617 → 17)."""
    if shown < 0:
        return set()
    text = str(shown)
    found = set()
    for i, digit in enumerate(text):
        for other in "0123456789":
            if other == digit or (i == 0 and other == "0" and len(text) > 1):
                continue
            found.add(int(text[:i] + other + text[i + 1:]))
    if len(text) > 1:
        found.add(int(text[1:]))
    return found


def _is_better(form: Form, before: set[tuple[str, str]], rules: Rules) -> bool:
    """The corrected form breaks no identity and fewer rules, none of them new."""
    after = check(form, rules, hints=False)
    if any(f.kind == "identity" for f in after):
        return False
    return {f.key for f in after} < before


def likely_misreads(form: Form, values: Mapping[str, int], identities: Sequence[Identity],
                    failing: Sequence[Identity], findings: Sequence[Finding],
                    rules: Rules) -> list[Finding]:
    """Readings of one number that make every identity hold (docs/results.md).

    Changing one number changes exactly the identities that contain it, so only a field that
    lies in every failing identity and in no holding one can repair the form alone, and each
    failing identity then names the value it needs. A candidate is kept when those values
    agree and the corrected form breaks fewer rules and no new one. It is reported
    * as a digit misread when the value is one OCR slip from the shown number (`digit_variants`),
      however many other candidates there are;
    * as the value the sums determine when it is the only candidate (202 shown as 2).
    """
    failing_keys = {i.key for i in failing}
    membership: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for identity in identities:
        for key in identity.fields:
            membership[key].add(identity.key)
    before = {f.key for f in findings}
    candidates = []
    for key in values:
        if membership.get(key) != failing_keys:
            continue
        solutions = {identity.solve(values, key, rules) for identity in failing}
        if len(solutions) != 1:
            continue
        (value,) = solutions
        if value is None or value < 0 or value == values[key]:
            continue
        if _is_better(form.with_value(key, value), before, rules):
            candidates.append((key, value))
    hints = [(key, value, "digit") for key, value in candidates
             if value in digit_variants(values[key])]
    if not hints and len(candidates) == 1:
        hints = [(*candidates[0], "identity")]
    return [Finding("likely_misread", {"field": key, "shown": values[key], "probably": value,
                                       "rule": rule})
            for key, value, rule in hints]


# --- national scale ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FormArrays:
    """Many forms of one contest with the same choices, one array per field (index = TPS).

    `votes` is (forms × choices). Party detail (DPR/DPRD) is not held here: `check_arrays` is for
    the candidate contests (PPWP, DPD, Pilkada); DPR/DPRD forms go through `check`.
    """

    dpt: np.ndarray
    dptb: np.ndarray
    dpk: np.ndarray
    voted: np.ndarray
    ballots_received: np.ndarray
    ballots_used: np.ndarray
    ballots_unused: np.ndarray
    ballots_damaged: np.ndarray
    valid: np.ndarray
    invalid: np.ndarray
    votes: np.ndarray
    choices: tuple[str, ...]
    voted_dpt: np.ndarray | None = None
    voted_dptb: np.ndarray | None = None
    voted_dpk: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.dpt)

    @property
    def has_categories(self) -> bool:
        return self.voted_dpt is not None

    def form(self, i: int) -> Form:
        extra = ({name: int(getattr(self, name)[i]) for name in CATEGORY_FIELDS}
                 if self.has_categories else {})
        return Form(**{name: int(getattr(self, name)[i]) for name in COUNT_FIELDS},
                    votes={c: int(v) for c, v in zip(self.choices, self.votes[i])}, **extra)

    @classmethod
    def from_forms(cls, forms: Sequence[Form], choices: Sequence[str],
                   dtype=np.int64) -> "FormArrays":
        columns = {name: np.array([getattr(f, name) for f in forms], dtype=dtype)
                   for name in COUNT_FIELDS}
        if forms and forms[0].has_categories:
            columns.update({name: np.array([getattr(f, name) for f in forms], dtype=dtype)
                            for name in CATEGORY_FIELDS})
        votes = np.array([[f.votes[c] for c in choices] for f in forms], dtype=dtype)
        return cls(**columns, votes=votes.reshape(len(forms), len(choices)),
                   choices=tuple(choices))

    def with_rows(self, index, **changes) -> "FormArrays":
        """A copy with some entries changed: `with_rows([7], valid=[2])`."""
        updated = {}
        for name, new in changes.items():
            column = getattr(self, name).copy()
            column[index] = new
            updated[name] = column
        return replace(self, **updated)


@dataclass(frozen=True)
class ArrayChecks:
    flagged: np.ndarray  # bool per form: breaks at least one identity or bound
    masks: dict[str, np.ndarray]  # per check code: bool per form

    @property
    def counts(self) -> dict[str, int]:
        return {code: int(mask.sum()) for code, mask in self.masks.items()}


def ballots_expected_array(dpt: np.ndarray, reserve_pct: Fraction = RULES.reserve_pct):
    """`ballots_expected` on integer arrays, exact: ceil(a/b) = -((-a) // b)."""
    pct = Fraction(reserve_pct)
    return dpt - ((-dpt * pct.numerator) // (100 * pct.denominator))


def check_arrays(forms: FormArrays, rules: Rules = RULES) -> ArrayChecks:
    """The identities and bounds of `check` (without hints) for every form at once.

    Agrees with `check` form by form: a form is flagged here exactly when `check` returns an
    identity or bound finding for it, and each mask is true exactly when `check` returns that
    code (tests/results/test_checks.py holds both to it).
    """
    f = forms
    # Column by column: numpy reduces a short second axis far slower than it adds columns.
    columns = [f.votes[:, j] for j in range(f.votes.shape[1])]
    total = np.zeros(len(f), dtype=f.votes.dtype)
    over = np.zeros(len(f), dtype=bool)
    negative = np.zeros(len(f), dtype=bool)
    for column in columns:
        total = total + column
        over |= column > f.voted
        negative |= column < 0
    masks = {
        "valid_invalid_voted": f.valid + f.invalid != f.voted,
        "used_voted": f.ballots_used != f.voted,
        "ballot_balance": f.ballots_used + f.ballots_unused + f.ballots_damaged
        != f.ballots_received,
        "received_reserve": f.ballots_received != ballots_expected_array(f.dpt, rules.reserve_pct),
        "votes_sum_valid": total != f.valid,
        "voted_over_registered": f.voted > f.dpt + f.dptb + f.dpk,
        "voted_over_received": f.voted > f.ballots_received,
        "votes_over_voters": over,
    }
    for name in COUNT_FIELDS:
        negative |= getattr(f, name) < 0
    if f.has_categories:
        masks["voted_categories"] = f.voted_dpt + f.voted_dptb + f.voted_dpk != f.voted
        masks["category_over_registered"] = ((f.voted_dpt > f.dpt) | (f.voted_dptb > f.dptb)
                                             | (f.voted_dpk > f.dpk))
        for name in CATEGORY_FIELDS:
            negative |= getattr(f, name) < 0
    else:
        none = np.zeros(len(f), dtype=bool)
        masks["voted_categories"] = masks["category_over_registered"] = none
    masks["negative"] = negative
    masks = {code: masks[code] for code in ARRAY_CHECKS}
    flagged = np.zeros(len(f), dtype=bool)
    for mask in masks.values():
        flagged |= mask
    return ArrayChecks(flagged=flagged, masks=masks)


# --- anomaly hints over many forms -------------------------------------------------------------

MAD_TO_SD = 1.4826  # the MAD of a normal distribution is 0.6745 σ


def group_median(x: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Median of `x` per group (NaN for an empty group), vectorised: one sort."""
    order = np.lexsort((x, group))
    counts = np.bincount(group, minlength=groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sorted_x = x[order]
    median = np.full(groups, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    median[has] = (sorted_x[lo] + sorted_x[hi]) / 2
    return median


def robust_z(x: np.ndarray, group: np.ndarray, *, min_group: int = 5,
             min_mad: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(x - median of its group) / (1.4826 × MAD of its group), and the group median per item.

    NaN where x is NaN or the group has fewer than `min_group` finite values; the MAD is never
    taken below `min_mad`, so a group of near-identical values does not turn a small
    difference into a large z.
    """
    x = np.asarray(x, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    z = np.full(len(x), np.nan)
    med_of = np.full(len(x), np.nan)
    finite = np.isfinite(x)
    if not finite.any():
        return z, med_of
    xs, gs = x[finite], group[finite]
    groups = int(group.max()) + 1
    median = group_median(xs, gs, groups)
    mad = group_median(np.abs(xs - median[gs]), gs, groups)
    size = np.bincount(gs, minlength=groups)
    scale = MAD_TO_SD * np.maximum(mad, min_mad)
    ok = size[gs] >= min_group
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = (xs - median[gs]) / scale[gs]
    zs[~ok] = np.nan
    z[finite] = zs
    med_of[finite] = median[gs]
    return z, med_of


def chi2_sf(x: float, dof: int) -> float:
    """P(χ² ≥ x) for whole degrees of freedom, in closed form (no scipy at run time)."""
    if x <= 0:
        return 1.0
    half = x / 2
    if dof % 2 == 0:
        term, total = 1.0, 1.0
        for j in range(1, dof // 2):
            term *= half / j
            total += term
        return math.exp(-half) * total
    total = math.erfc(math.sqrt(half))
    term = math.sqrt(half) / math.gamma(1.5)  # half^(j - 1/2) / Γ(j + 1/2) for j = 1
    for j in range(1, (dof - 1) // 2 + 1):
        total += math.exp(-half) * term
        term *= half / (j + 0.5)
    return min(1.0, total)


def last_digit_test(counts: np.ndarray, region: np.ndarray, regions: int, *,
                    min_value: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per region: how many counts were tested, the chi-square of their last digits against a
    uniform 0–9, and its p-value. Counts below `min_value` are left out (a count of 3 has no
    "last digit" that is uniform). `counts` is (forms × choices), `region` one index per form.
    """
    counts = np.asarray(counts)
    region = np.broadcast_to(np.asarray(region)[:, None], counts.shape)
    keep = counts >= min_value
    digits = counts[keep] % 10
    table = np.bincount(region[keep] * 10 + digits, minlength=regions * 10).reshape(regions, 10)
    n = table.sum(axis=1)
    expected = n / 10
    chi2 = ((table - expected[:, None]) ** 2).sum(axis=1) / np.where(n > 0, expected, 1)
    p = np.array([chi2_sf(float(c), 9) for c in chi2])
    return n, chi2, p


def identical_rows(rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each row, how many rows of the same group are identical to it (itself included)."""
    keyed = np.column_stack((np.asarray(group), np.asarray(rows)))
    _, inverse, counts = np.unique(keyed, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


@dataclass(frozen=True)
class AnomalySettings:
    """Thresholds of the anomaly hints; defaults, to be tuned on real returns."""

    turnout_z: float = 3.5  # robust z beyond which turnout is "far" (Iglewicz & Hoaglin)
    turnout_min_group: int = 5  # TPS needed in a desa/kecamatan to speak of its norm
    turnout_min_mad: float = 0.02  # turnout spread never taken below 2 points
    one_choice_min_valid: int = 50  # all or none of the votes only counts from this many
    identical_min_count: int = 3  # identical votes at this many TPS of one kecamatan
    identical_min_valid: int = 20  # … where the forms have at least this many valid votes
    digits_min_value: int = 50  # narrow small counts have uneven last digits by nature
    digits_min_counts: int = 50
    digits_p: float = 0.001


@dataclass(frozen=True)
class Anomalies:
    """Hints over many forms (never verdicts): a reason to look at the photo again."""

    turnout: np.ndarray
    z_desa: np.ndarray
    z_kecamatan: np.ndarray
    median_desa: np.ndarray
    median_kecamatan: np.ndarray
    all_one: np.ndarray  # index of the choice with all votes, -1 if none
    none_for: np.ndarray  # bool (forms × choices): a choice with no votes
    identical: np.ndarray  # identical forms in the kecamatan (itself included)
    digit_counts: np.ndarray  # per region of the digit test
    digit_chi2: np.ndarray
    digit_p: np.ndarray
    settings: AnomalySettings

    @property
    def turnout_outlier(self) -> np.ndarray:
        limit = self.settings.turnout_z
        with np.errstate(invalid="ignore"):
            return (np.abs(self.z_desa) > limit) | (np.abs(self.z_kecamatan) > limit)

    @property
    def uneven_digits(self) -> np.ndarray:
        s = self.settings
        return (self.digit_counts >= s.digits_min_counts) & (self.digit_p < s.digits_p)

    @property
    def hinted(self) -> np.ndarray:
        return (self.turnout_outlier | (self.all_one >= 0) | self.none_for.any(axis=1)
                | (self.identical >= self.settings.identical_min_count))

    def findings_for(self, i: int, forms: FormArrays, kecamatan_code: str = "") -> list[Finding]:
        s, found = self.settings, []
        for level, z, median in (("desa", self.z_desa, self.median_desa),
                                 ("kecamatan", self.z_kecamatan, self.median_kecamatan)):
            if np.isfinite(z[i]) and abs(z[i]) > s.turnout_z:
                found.append(Finding("turnout_outlier", {
                    "turnout": round(100 * float(self.turnout[i]), 1), "level": level,
                    "median": round(100 * float(median[i]), 1), "z": round(float(z[i]), 1)}))
        valid = int(forms.valid[i])
        if self.all_one[i] >= 0:
            found.append(Finding("all_votes_one_choice",
                                 {"valid": valid, "choice": forms.choices[self.all_one[i]]}))
        for c in np.flatnonzero(self.none_for[i]):
            found.append(Finding("no_votes_for_choice",
                                 {"choice": forms.choices[c], "valid": valid}))
        if self.identical[i] >= s.identical_min_count:
            terms = " + ".join(f"{c}: {int(v)}" for c, v in zip(forms.choices, forms.votes[i]))
            found.append(Finding("identical_forms", {"terms": terms,
                                                     "count": int(self.identical[i]),
                                                     "region": kecamatan_code}))
        return found

    def region_findings(self, region_codes: Sequence[str]) -> list[Finding]:
        return [Finding("uneven_last_digits", {
            "count": int(self.digit_counts[r]), "region": region_codes[r],
            "chi2": round(float(self.digit_chi2[r]), 1), "p": f"{self.digit_p[r]:.1g}"})
            for r in np.flatnonzero(self.uneven_digits)]


def find_anomalies(forms: FormArrays, desa: np.ndarray, kecamatan: np.ndarray,
                   digit_region: np.ndarray | None = None,
                   settings: AnomalySettings = AnomalySettings()) -> Anomalies:
    """Anomaly hints for accepted forms of one contest; `desa`, `kecamatan` and `digit_region`
    are region indexes per form (the digit test by kecamatan unless told otherwise)."""
    s = settings
    registered = (forms.dpt + forms.dptb + forms.dpk).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        turnout = np.where(registered > 0, forms.voted / registered, np.nan)
    z_desa, med_desa = robust_z(turnout, desa, min_group=s.turnout_min_group,
                                min_mad=s.turnout_min_mad)
    z_kec, med_kec = robust_z(turnout, kecamatan, min_group=s.turnout_min_group,
                              min_mad=s.turnout_min_mad)
    big = forms.valid >= s.one_choice_min_valid
    all_one = np.where(big & (forms.votes.max(axis=1) == forms.valid),
                       forms.votes.argmax(axis=1), -1)
    none_for = big[:, None] & (forms.votes == 0)
    identical = identical_rows(np.column_stack((forms.votes, forms.invalid)), kecamatan)
    identical = np.where(forms.valid >= s.identical_min_valid, identical, 1)
    region = kecamatan if digit_region is None else digit_region
    n, chi2, p = last_digit_test(forms.votes, region, int(np.max(region)) + 1,
                                 min_value=s.digits_min_value)
    return Anomalies(turnout=turnout, z_desa=z_desa, z_kecamatan=z_kec, median_desa=med_desa,
                     median_kecamatan=med_kec, all_one=all_one, none_for=none_for,
                     identical=identical, digit_counts=n, digit_chi2=chi2, digit_p=p,
                     settings=s)
