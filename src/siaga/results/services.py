"""Storing and reviewing C.Hasil forms, and keeping the totals current.

* `submit` stores a form once per client id, checks it (`checks.check`) and stores it ACCEPTED
  when it breaks no identity or bound and agrees with the form already counted for the TPS,
  else FLAGGED (never counted). A second form from the same source for the same TPS and
  contest is its next version (it supersedes the one before, which is kept).
* Reviewers `accept` (the form then counts for its TPS), `correct` (a new version with the
  numbers read again from the photo; the old one is kept) and `reject`.
* Per TPS and contest, `TpsResult` records what counts now; every change moves the totals of
  the TPS's five regions (desa, kecamatan, kab/kota, province, nation) by the difference
  between what counted before and what counts now (the same O(levels) step as
  `rollup.Rollup.apply`). `rebuild` recomputes everything from the forms.
* `reconcile` lays the current forms of every source for one TPS and contest side by side.
"""

import json
import uuid
from types import SimpleNamespace
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Substr
from django.utils import timezone

from siaga.accounts import audit
from siaga.accounts.scope import require
from siaga.problems import gettext_noop
from siaga.regions.models import TPS, Contest, Dapil, Election
from siaga.results import checks
from siaga.results.models import (
    CATEGORY_FIELDS,
    NUMBER_FIELDS,
    Candidate,
    ResultCount,
    ResultForm,
    ResultTotal,
    TpsResult,
)
from siaga.results.rollup import LEVELS

Status = ResultForm.Status
State = TpsResult.State

# Reviewing results is a coordinator's work (coordinators and administrators hold this right).
REVIEW_RIGHT = "write_registry"

MESSAGES = {
    **checks.MESSAGES,
    "sources_disagree": gettext_noop(
        "The form counted for this TPS (%(source)s) shows other numbers: %(fields)s"),
    "dpt_not_register": gettext_noop(
        "DPT %(form)s on the form is not the TPS's DPT in the register (%(register)s): a "
        "misread digit, or another TPS's sheet?"),
}
KINDS = {**checks.KINDS, "sources_disagree": "conflict", "dpt_not_register": "hint"}


class ResultFinding(checks.Finding):
    """A check finding, or the conflict between two sources; flags unless it is a hint."""

    messages = MESSAGES

    @property
    def kind(self) -> str:
        return KINDS[self.code]

    def render(self, translate=gettext_noop) -> str:
        if self.code == "sources_disagree":
            source = self.params["source"]
            label = (str(ResultForm.Source(source).label) if source in ResultForm.Source.values
                     else source)
            fields = ", ".join(checks.field_label(f, translate) for f in self.params["fields"])
            return translate(self.messages[self.code]) % {"source": label, "fields": fields}
        return super().render(translate)

    def as_json(self) -> dict:
        return {"code": self.code, "kind": self.kind, "params": self.params}


def stored_findings(form: ResultForm) -> list[ResultFinding]:
    return [ResultFinding(f["code"], f["params"]) for f in form.findings]


class ReviewError(ValueError):
    """A review action that does not apply to this form (not its current version, …)."""


# --- the form's numbers --------------------------------------------------------------------

def as_check_form(numbers: dict) -> checks.Form:
    categories = {name: numbers.get(name) for name in CATEGORY_FIELDS}
    if any(v is None for v in categories.values()):
        categories = {}
    return checks.Form(**{name: int(numbers[name]) for name in NUMBER_FIELDS},
                       votes={str(k): int(v) for k, v in numbers["votes"].items()},
                       **categories, **party_detail(numbers))


def party_detail(numbers: dict) -> dict:
    """The DPR/DPRD detail of a form's numbers (votes for the party itself and for its
    candidates, by party ballot number), as ints; empty for other contests."""
    return {"party_votes": {str(p): int(v) for p, v in numbers.get("party_votes", {}).items()},
            "candidate_votes": {str(p): {str(c): int(v) for c, v in cands.items()}
                                for p, cands in numbers.get("candidate_votes", {}).items()}}


def form_values(numbers: dict) -> dict:
    """The model fields of a form with these numbers."""
    return {**{k: numbers.get(k) for k in (*NUMBER_FIELDS, *CATEGORY_FIELDS)},
            "votes": {str(k): int(v) for k, v in numbers["votes"].items()},
            **party_detail(numbers)}


def rules_for(election: Election) -> checks.Rules:
    return checks.Rules(reserve_pct=election.ballot_reserve_pct)


def differences(a: dict, b: dict) -> list[str]:
    """Field keys (`valid`, `votes:01`, `party_votes:01`, `candidate_votes:01:3`) where two
    forms' numbers differ."""
    va, vb = field_values(a), field_values(b)
    return [k for k in sorted(set(va) | set(vb), key=_field_order) if va.get(k) != vb.get(k)]


def field_values(numbers: dict) -> dict[str, int | None]:
    """Every number of a form by field key (`valid`, `votes:01`, `candidate_votes:01:3`)."""
    out = {k: numbers.get(k) for k in (*NUMBER_FIELDS, *CATEGORY_FIELDS)}
    out.update({f"votes:{c}": v for c, v in numbers["votes"].items()})
    detail = party_detail(numbers)
    out.update({f"party_votes:{p}": v for p, v in detail["party_votes"].items()})
    out.update({f"candidate_votes:{p}:{c}": v for p, cands in detail["candidate_votes"].items()
                for c, v in cands.items()})
    return out


_ORDER = {name: i for i, name in enumerate((*NUMBER_FIELDS, *CATEGORY_FIELDS))}


def _field_order(key: str) -> tuple:
    kind, _sep, rest = key.partition(":")
    return (_ORDER.get(key, len(_ORDER)), kind, rest)


def candidates_of(contest: Contest, tps: TPS | None = None) -> list[Candidate]:
    """The choices of the contest at this TPS (national ones, or those of a dapil of its
    region)."""
    found = Candidate.objects.filter(contest=contest)
    if tps is not None and found.filter(dapil__isnull=False).exists():
        found = found.filter(dapil__regions__code__in=_region_prefixes(tps.code))
    return sorted(found, key=lambda c: _ballot_order(c.number))


def _region_prefixes(tps_code: str) -> list[str]:
    """The codes of the TPS's province, kab/kota, kecamatan and desa."""
    return [tps_code[:n] for n in (2, 5, 8, 13)]


def _ballot_order(number: str) -> list[int]:
    """"01.10" after "01.9": by the numbers, not the text."""
    return [int(p) if p.isdigit() else 0 for p in number.split(".")]


def ballot_layout(candidates: list[Candidate]) -> tuple[list[str], dict[str, list[str]]]:
    """The ballot numbers that take votes (pairs, DPD candidates, parties) and, for DPR/DPRD,
    each party's candidates by their order on the list (numbers written "01.3": party 01,
    candidate 3)."""
    return _layout_of([c.number for c in candidates])


def _layout_of(numbers: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    choices, members = [], defaultdict(list)
    for number in numbers:
        party, dot, order = number.partition(".")
        if dot:
            members[party].append(order)
        else:
            choices.append(number)
    return choices, dict(members)


class Ballot:
    """A contest's ballot numbers, each with the region codes of its dapil (none: national),
    read in two queries: `layout(tps_code)` is `ballot_layout(candidates_of(contest, tps))`
    without one (the API's per-request lookup)."""

    def __init__(self, rows: list[tuple[str, frozenset[str]]]):
        self.numbers = sorted(rows, key=lambda row: _ballot_order(row[0]))
        self.by_dapil = any(codes for _number, codes in rows)
        self._layouts: dict[str, tuple] = {}

    @classmethod
    def of(cls, contest: Contest) -> "Ballot | None":
        """The contest's ballot; None while no candidate is registered."""
        rows = list(Candidate.objects.filter(contest=contest).values_list("number", "dapil_id"))
        codes = defaultdict(set)
        for dapil, code in Dapil.regions.through.objects.filter(
                dapil_id__in={d for _n, d in rows if d is not None}).values_list(
                "dapil_id", "region__code"):
            codes[dapil].add(code)
        return cls([(n, frozenset(codes.get(d, ()))) for n, d in rows]) if rows else None

    def layout(self, tps_code: str) -> tuple[list[str], dict[str, list[str]]]:
        desa = tps_code[:13]
        if desa not in self._layouts:
            prefixes = set(_region_prefixes(tps_code))
            self._layouts[desa] = _layout_of([n for n, codes in self.numbers
                                              if not self.by_dapil or codes & prefixes])
        return self._layouts[desa]


# --- totals --------------------------------------------------------------------------------

def region_path(tps_code: str) -> list[tuple[str, str]]:
    """(region code, level) from the TPS's desa up to the nation ("")."""
    desa = tps_code.split("-")[0]
    return list(zip((desa, desa[:8], desa[:5], desa[:2], ""), LEVELS))


@dataclass(frozen=True)
class Contribution:
    """What one TPS adds to the totals (`Rollup`'s Row, with the voter counts)."""

    state: str = State.NONE
    votes: dict = field(default_factory=dict)
    voted: int = 0
    valid: int = 0
    invalid: int = 0

    @classmethod
    def of(cls, state: str, form: ResultForm | None) -> "Contribution":
        if state != State.ACCEPTED or form is None:
            return cls(state=state)
        return cls(state=state, votes=dict(form.votes), voted=form.voted, valid=form.valid,
                   invalid=form.invalid)

    @classmethod
    def stored(cls, row: TpsResult) -> "Contribution":
        return cls(state=row.state, votes=dict(row.votes), voted=row.voted, valid=row.valid,
                   invalid=row.invalid)

    def counts(self) -> dict:
        return {"accepted": int(self.state == State.ACCEPTED),
                "flagged": int(self.state == State.FLAGGED), "voted": self.voted,
                "valid": self.valid, "invalid": self.invalid}


def move_totals(contest: Contest, tps_code: str, old: Contribution, new: Contribution) -> None:
    """Add new − old to every region on the TPS's path (one UPDATE per changed candidate)."""
    choices = sorted(set(old.votes) | set(new.votes))
    dv = {c: new.votes.get(c, 0) - old.votes.get(c, 0) for c in choices}
    dv = {c: d for c, d in dv.items() if d}
    before, after = old.counts(), new.counts()
    dc = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    path = region_path(tps_code)
    codes = [code for code, _ in path]
    if dc:
        ResultCount.objects.bulk_create(
            [ResultCount(contest=contest, region_code=code, level=level) for code, level in path],
            ignore_conflicts=True)
        ResultCount.objects.filter(contest=contest, region_code__in=codes).update(
            **{k: F(k) + d for k, d in dc.items()})
    if dv:
        ResultTotal.objects.bulk_create(
            [ResultTotal(contest=contest, region_code=code, level=level, candidate=c)
             for c in dv for code, level in path], ignore_conflicts=True)
        for c, d in dv.items():
            ResultTotal.objects.filter(contest=contest, region_code__in=codes,
                                       candidate=c).update(votes=F("votes") + d)


def _choose(forms: list[ResultForm], kept_id: int | None,
            prefer: ResultForm | None = None) -> tuple[str, ResultForm | None]:
    """Which of the TPS's current forms counts: the one a reviewer just accepted or corrected
    (`prefer`), else the one counted before while it stays accepted, else the latest accepted;
    FLAGGED when forms exist but none is accepted."""
    live = [f for f in forms if f.current and f.status != Status.REJECTED]
    accepted = [f for f in live if f.status == Status.ACCEPTED]
    chosen = None
    if prefer is not None and prefer in accepted:
        chosen = prefer
    if chosen is None:
        chosen = next((f for f in accepted if f.pk == kept_id), None)
    if chosen is None and accepted:
        chosen = max(accepted, key=lambda f: (f.reviewed_at or f.created_at, f.pk))
    if chosen is not None:
        return State.ACCEPTED, chosen
    return (State.FLAGGED if live else State.NONE), None


def _lock(tps: TPS, contest: Contest) -> TpsResult:
    """The TPS's counted state, locked for the transaction (created when first needed), its
    revision raised (a concurrent `_WRITE` that read the forms before then decides again)."""
    TpsResult.objects.bulk_create([TpsResult(tps=tps, contest=contest)], ignore_conflicts=True)
    TpsResult.objects.filter(tps=tps, contest=contest).update(revision=F("revision") + 1)
    return TpsResult.objects.get(tps=tps, contest=contest)


def _settle(row: TpsResult, tps: TPS, contest: Contest, prefer: ResultForm | None = None):
    forms = list(ResultForm.objects.filter(tps=tps, contest=contest, current=True))
    state, chosen = _choose(forms, row.form_id, prefer)
    old, new = Contribution.stored(row), Contribution.of(state, chosen)
    if old != new or row.form_id != (chosen.pk if chosen else None):
        move_totals(contest, tps.code, old, new)
        row.state, row.form = state, chosen
        row.votes, row.voted, row.valid, row.invalid = new.votes, new.voted, new.valid, new.invalid
        row.save()
    return row


# --- submitting ----------------------------------------------------------------------------

def _findings(tps: TPS, numbers: dict) -> list[ResultFinding]:
    """The checks of the form's own numbers, and whether its DPT is the register's (a hint:
    the register may be the one out of date)."""
    findings = [ResultFinding(f.code, f.params)
                for f in checks.check(as_check_form(numbers), rules_for(tps.election))]
    registered = tps.dpt_men + tps.dpt_women
    if registered and numbers["dpt"] != registered:
        findings.append(ResultFinding("dpt_not_register",
                                      {"form": numbers["dpt"], "register": registered}))
    return findings


def _assess(tps: TPS, contest: Contest, numbers: dict, counted: ResultForm | None,
            previous: ResultForm | None) -> tuple[str, list[ResultFinding]]:
    findings = _findings(tps, numbers)
    if counted is not None and counted != previous:
        other = differences(numbers, counted.numbers())
        if other:
            findings.append(ResultFinding("sources_disagree",
                                          {"source": counted.source, "fields": other}))
    return (Status.FLAGGED if checks.flags(findings) else Status.ACCEPTED), findings


def submit(*, tps: TPS, contest: Contest, numbers: dict, source: str, client_id: str,
           user=None, photo=None, note: str = "") -> tuple[ResultForm, bool]:
    """Store one form; (form, False) when this client id was stored before (a retry).

    `numbers` holds the ten counts of `NUMBER_FIELDS`, optionally the voters by list
    (`CATEGORY_FIELDS`), and `votes` {ballot number: votes}."""
    if connection.vendor == "postgresql" and not photo:
        return _submit_postgres(tps=tps, contest=contest, numbers=numbers, source=source,
                                client_id=client_id, user=user, note=note)
    found = ResultForm.objects.filter(client_id=client_id).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            row = _lock(tps, contest)
            found = ResultForm.objects.filter(client_id=client_id).first()
            if found is not None:  # the same form arrived twice at once
                return found, False
            previous = ResultForm.objects.filter(tps=tps, contest=contest, source=source,
                                                 current=True).first()
            status, findings = _assess(tps, contest, numbers, row.form, previous)
            if previous is not None:
                previous.current = False
                previous.save()
            form = ResultForm(
                election=tps.election, tps=tps, contest=contest, source=source,
                client_id=client_id, version=previous.version + 1 if previous else 1,
                supersedes=previous, status=status, note=note, created_by=user,
                findings=[f.as_json() for f in findings], **form_values(numbers))
            if photo:
                form.photo = photo
            form.save()
            _settle(row, tps, contest)
    except IntegrityError:
        return ResultForm.objects.get(client_id=client_id), False
    return form, True


# On PostgreSQL a form is stored in two statements, each its own transaction (the field's
# busiest write on counting night; round trips to the database, not SQL, were its cost under
# load: measured). `_READ` reads the TPS's counted state, its revision and its current forms
# (one snapshot), and whether the client id was stored before. Then come the same Python
# decisions as the portable path above (checks, which form counts, the differences), and
# `_WRITE` writes everything (the old version retired, the new one inserted, the state, the
# totals of the five regions upserted by their differences, the audit entries) only if the
# state's revision is still the one read: a writer that changed the TPS meanwhile (another
# source's form, a reviewer, a retry of the same form) raised it, and the form is decided
# again on what is there now. The state row's lock, held only while `_WRITE` runs,
# serialises writers of one TPS. Prepared once per connection. The PostgreSQL test run
# exercises this path with every submit test.
_ENSURE = """
INSERT INTO results_tpsresult (tps_id, contest_id, state, votes, voted, valid, invalid,
                               revision)
VALUES (%(tps)s, %(contest)s, 'none', '{}', 0, 0, 0, 0)
ON CONFLICT (tps_id, contest_id) DO NOTHING
"""
_FORM_COLUMNS = [f.attname for f in ResultForm._meta.concrete_fields]
_STATE_COLUMNS = ["id", "state", "form_id", "votes", "voted", "valid", "invalid", "revision"]
_READ = f"""
SELECT seen, {', '.join('s.' + c for c in _STATE_COLUMNS)},
       {', '.join('f.' + c for c in _FORM_COLUMNS)}
FROM (SELECT EXISTS (SELECT 1 FROM results_resultform WHERE client_id = %(client_id)s)
      AS seen) AS retry
LEFT JOIN results_tpsresult s ON s.tps_id = %(tps)s AND s.contest_id = %(contest)s
LEFT JOIN results_resultform f ON f.tps_id = s.tps_id AND f.contest_id = s.contest_id
                               AND f.current
"""
_JSON = [f.attname for f in ResultForm._meta.concrete_fields
         if f.get_internal_type() == "JSONField"]
_INSERT_COLUMNS = [c for c in _FORM_COLUMNS if c != "id"]
# The new form travels as one JSON parameter (its audit snapshot): few parameters keep the
# statement in psycopg's cache of parsed queries, which skips statements with more than 50.
# Its id is drawn first, for the state row that points to it.
_WRITE = f"""
WITH drawn AS (
    SELECT nextval(pg_get_serial_sequence('results_resultform', 'id')) AS id
), state AS (
    UPDATE results_tpsresult SET state = %(state)s,
        form_id = CASE WHEN %(counts_new)s THEN (SELECT id FROM drawn)
                       ELSE %(counted)s::bigint END,
        votes = %(state_votes)s, voted = %(state_voted)s, valid = %(state_valid)s,
        invalid = %(state_invalid)s, revision = revision + 1
    WHERE id = %(row)s AND revision = %(revision)s
    RETURNING id
), retired AS (
    UPDATE results_resultform SET current = false
    WHERE id = %(previous)s::bigint AND EXISTS (SELECT FROM state)
), new AS (
    INSERT INTO results_resultform (id, {', '.join(_INSERT_COLUMNS)})
    SELECT (SELECT id FROM drawn), {', '.join(_INSERT_COLUMNS)}
    FROM jsonb_populate_record(NULL::results_resultform, %(form)s::jsonb)
    WHERE EXISTS (SELECT FROM state)
    RETURNING id
), counts AS (
    INSERT INTO results_resultcount
        (contest_id, region_code, level, accepted, flagged, voted, valid, invalid)
    SELECT %(contest_id)s, code, level, %(d_accepted)s, %(d_flagged)s, %(d_voted)s,
           %(d_valid)s, %(d_invalid)s
    FROM unnest(%(count_codes)s::text[], %(count_levels)s::text[]) AS t(code, level)
    WHERE EXISTS (SELECT FROM state)
    ON CONFLICT (contest_id, region_code) DO UPDATE SET
        accepted = results_resultcount.accepted + excluded.accepted,
        flagged = results_resultcount.flagged + excluded.flagged,
        voted = results_resultcount.voted + excluded.voted,
        valid = results_resultcount.valid + excluded.valid,
        invalid = results_resultcount.invalid + excluded.invalid
), totals AS (
    INSERT INTO results_resulttotal (contest_id, region_code, level, candidate, votes)
    SELECT %(contest_id)s, code, level, candidate, votes
    FROM unnest(%(total_codes)s::text[], %(total_levels)s::text[], %(total_candidates)s::text[],
                %(total_votes)s::bigint[]) AS t(code, level, candidate, votes)
    WHERE EXISTS (SELECT FROM state)
    ON CONFLICT (contest_id, region_code, candidate) DO UPDATE SET
        votes = results_resulttotal.votes + excluded.votes
), audited AS (
    INSERT INTO accounts_auditentry
        (at, user_id, actor, action, model, object_key, region_code, before, after)
    SELECT %(created_at)s, %(user)s, %(actor)s, action, 'results.ResultForm', key,
           %(region)s, before, after
    FROM jsonb_to_recordset(%(audit)s::jsonb) AS t(action text, key text, before jsonb,
                                                    after jsonb)
    WHERE EXISTS (SELECT FROM state)
)
SELECT id FROM new
"""
_NEW = 2 ** 62  # the new form's stand-in primary key while choosing what counts
# Attempts before giving up on a TPS that others keep changing (each one lost means another
# writer's form of the same TPS and contest was stored meanwhile).
_ATTEMPTS = 50


class Contention(Exception):
    """The TPS's forms kept changing while this form was being decided."""


def _submit_postgres(*, tps: TPS, contest: Contest, numbers: dict, source: str,
                     client_id: str, user=None, note: str = "") -> tuple[ResultForm, bool]:
    connection.ensure_connection()
    # Inside a caller's transaction (an import, a test) the form is written in a savepoint;
    # otherwise each statement is its own transaction. Errors pass through Django's wrapper,
    # which marks a broken connection so that it is closed at the end of the request.
    args = {"tps": tps, "contest": contest, "numbers": numbers, "source": source,
            "client_id": client_id, "user": user, "note": note}
    try:
        with connection.wrap_database_errors:
            if not connection.in_atomic_block:
                form, counts = _write_postgres(connection.connection, **args)
            else:
                with transaction.atomic():
                    form, counts = _write_postgres(connection.connection, **args)
    except IntegrityError as exc:  # the same client id stored for another TPS
        if not isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
            raise
        return ResultForm.objects.get(client_id=client_id), False
    if form.pk is None:
        return ResultForm.objects.select_related("tps", "election", "contest").get(
            client_id=client_id), False
    form.counted = counts
    return form, True


def _write_postgres(raw, *, tps, contest, numbers, source, client_id, user, note):
    # psycopg's own cursors (server-side parameters, statements prepared once per connection),
    # not Django's, which format the parameters into the text and plan every statement anew.
    if raw.prepare_threshold is None:  # Django turns preparing off; our cursors want it
        raw.prepare_threshold = 5
    cursor = psycopg.Cursor(raw)
    key = {"tps": tps.pk, "contest": contest.pk, "client_id": client_id}
    width = len(_STATE_COLUMNS)
    for _attempt in range(_ATTEMPTS):
        found = cursor.execute(_READ, key, prepare=True).fetchall()
        if found[0][0]:  # a retry
            return ResultForm(), False
        row = found[0][1:1 + width]
        if row[0] is None:  # the TPS's first form of this contest
            cursor.execute(_ENSURE, key, prepare=True)
            continue
        # Django reads jsonb as text (its JSONField parses it): so do we here.
        forms = []
        for values in found:
            if values[1 + width] is None:
                continue
            fields = dict(zip(_FORM_COLUMNS, values[1 + width:]))
            forms.append(_Row(**fields | {k: json.loads(fields[k]) for k in _JSON},
                              pk=fields["id"]))
        new, chosen, values = _new_version(tps, contest, numbers, source, client_id, user,
                                           note, row, forms)
        written = cursor.execute(_WRITE, values | {"revision": row[7]},
                                 prepare=True).fetchone()
        if written is not None:
            break
    else:
        raise Contention(f"{tps.code} {contest.kind}: changed by others {_ATTEMPTS} times")
    new.id = new.pk = written[0]
    # The model instance only now, by position (Django's quick path, as when it reads a row).
    form = ResultForm(*(getattr(new, c) for c in _FORM_COLUMNS))
    form._state.adding, form._state.db = False, connection.alias
    form.tps, form.election, form.contest = tps, tps.election, contest
    return form, chosen is new


class _Row(SimpleNamespace):
    """A form's columns by attname, without a model instance (building those is most of the
    hot path's time); `numbers` as on the model."""

    numbers = ResultForm.numbers


def _new_version(tps, contest, numbers, source, client_id, user, note, row, forms):
    """The new form (a `_Row`), the form that counts after it, and `_WRITE`'s parameters."""
    previous = next((f for f in forms if f.source == source), None)
    counted = next((f for f in forms if f.pk == row[2]), None)
    status, findings = _assess(tps, contest, numbers, counted, previous)
    columns = {
        "election_id": tps.election_id, "tps_id": tps.pk, "contest_id": contest.pk,
        "source": source, "client_id": client_id,
        "version": previous.version + 1 if previous else 1,
        "supersedes_id": previous.pk if previous else None, "current": True, "status": status,
        **form_values(numbers), "findings": [f.as_json() for f in findings], "photo": "",
        "note": note, "created_by_id": getattr(user, "pk", None), "created_at": timezone.now(),
        "reviewed_by_id": None, "reviewed_at": None}
    form = _Row(**{c: columns[c] for c in _INSERT_COLUMNS}, id=_NEW, pk=_NEW)
    state, chosen = _choose([f for f in forms if f is not previous] + [form], row[2])
    old = Contribution(state=row[1], votes=json.loads(row[3]), voted=row[4], valid=row[5],
                       invalid=row[6])
    new = Contribution.of(state, chosen)
    path = region_path(tps.code)
    before, after = old.counts(), new.counts()
    moved = {k: after[k] - before[k] for k in after}
    count_path = path if any(moved.values()) else []
    dv = {c: new.votes.get(c, 0) - old.votes.get(c, 0) for c in set(old.votes) | set(new.votes)}
    dv = {c: d for c, d in sorted(dv.items()) if d}
    actor, label = audit.current_actor()
    entries = []
    if previous is not None:
        was = audit.snapshot_values({k: v for k, v in vars(previous).items() if k != "pk"})
        entries.append({"action": "update", "key": previous.client_id, "before": was,
                        "after": was | {"current": False}})
    created = audit.snapshot_values({c: columns[c] for c in _INSERT_COLUMNS})
    entries.append({"action": "create", "key": client_id, "before": None, "after": created})
    values = {
        "previous": previous.pk if previous else None, "form": json.dumps(created),
        "state": state, "counts_new": chosen is form,
        "counted": chosen.pk if chosen is not None and chosen is not form else None,
        "row": row[0], "state_votes": json.dumps(new.votes), "state_voted": new.voted,
        "state_valid": new.valid, "state_invalid": new.invalid, "contest_id": contest.pk,
        **{f"d_{k}": d for k, d in moved.items()},
        "count_codes": [c for c, _ in count_path], "count_levels": [lv for _, lv in count_path],
        "total_codes": [c for _ in dv for c, _ in path],
        "total_levels": [lv for _ in dv for _, lv in path],
        "total_candidates": [c for c in dv for _ in path],
        "total_votes": [d for d in dv.values() for _ in path],
        "user": getattr(actor, "pk", None), "actor": label, "created_at": columns["created_at"],
        "region": tps.code.split("-")[0], "audit": json.dumps(entries),
    }
    return form, chosen, values


# --- reviewing -----------------------------------------------------------------------------

def _review_start(form: ResultForm, user) -> tuple[TpsResult, ResultForm]:
    require(user, REVIEW_RIGHT, form.tps.code)
    row = _lock(form.tps, form.contest)
    form = ResultForm.objects.select_related("tps__election", "contest").get(pk=form.pk)
    if not form.current:
        raise ReviewError(gettext_noop("Only the current version of a form can be reviewed."))
    return row, form


@transaction.atomic
def accept(form: ResultForm, user, note: str = "") -> ResultForm:
    """The reviewer has checked the form against its photo: it counts for its TPS (in place of
    any other source's form), findings or not."""
    row, form = _review_start(form, user)
    form.status, form.reviewed_by, form.reviewed_at = Status.ACCEPTED, user, timezone.now()
    form.note = note or form.note
    form.save()
    _settle(row, form.tps, form.contest, prefer=form)
    return form


@transaction.atomic
def reject(form: ResultForm, user, note: str) -> ResultForm:
    """Not a reading of this TPS's C.Hasil (a wrong photo, a duplicate): kept, never counted."""
    row, form = _review_start(form, user)
    form.status, form.reviewed_by, form.reviewed_at = Status.REJECTED, user, timezone.now()
    form.note = note
    form.save()
    _settle(row, form.tps, form.contest)
    return form


@transaction.atomic
def correct(form: ResultForm, numbers: dict, user, note: str = "",
            client_id: str | None = None) -> ResultForm:
    """A new version with the numbers read again (only the given ones change; `votes` merges
    by ballot number). It is checked like any form: ACCEPTED and counted when its arithmetic
    holds, else FLAGGED. The old version is kept, no longer current."""
    row, old = _review_start(form, user)
    merged = old.numbers()
    merged.update({k: v for k, v in numbers.items() if k != "votes"})
    merged["votes"] = {**merged["votes"], **{str(k): int(v)
                                             for k, v in numbers.get("votes", {}).items()}}
    detail = party_detail(numbers)
    merged["party_votes"] = {**merged.get("party_votes", {}), **detail["party_votes"]}
    merged["candidate_votes"] = {p: {**merged.get("candidate_votes", {}).get(p, {}),
                                     **detail["candidate_votes"].get(p, {})}
                                 for p in {*merged.get("candidate_votes", {}),
                                           *detail["candidate_votes"]}}
    findings = _findings(old.tps, merged)
    status = Status.FLAGGED if checks.flags(findings) else Status.ACCEPTED
    old.current = False
    old.save()
    new = ResultForm(
        election=old.election, tps=old.tps, contest=old.contest, source=old.source,
        client_id=client_id or f"koreksi-{uuid.uuid4().hex}", version=old.version + 1,
        supersedes=old, status=status, findings=[f.as_json() for f in findings],
        note=note, photo=old.photo, created_by=user,
        reviewed_by=user if status == Status.ACCEPTED else None,
        reviewed_at=timezone.now() if status == Status.ACCEPTED else None,
        **form_values(merged))
    new.save()
    _settle(row, old.tps, old.contest, prefer=new)
    return new


# --- reconciliation ------------------------------------------------------------------------

@dataclass(frozen=True)
class Reconciliation:
    forms: list[ResultForm]  # the current form of each source, counted one first
    counted: ResultForm | None
    differences: dict[str, dict[str, int | None]]  # field key → {source: value}

    @property
    def agree(self) -> bool:
        return not self.differences


def reconcile(tps: TPS, contest: Contest) -> Reconciliation:
    """Every source's current form for the TPS and contest side by side, and where they
    differ (rejected forms left out)."""
    forms = list(ResultForm.objects.filter(tps=tps, contest=contest, current=True)
                 .exclude(status=Status.REJECTED).order_by("source"))
    row = TpsResult.objects.filter(tps=tps, contest=contest).first()
    counted = next((f for f in forms if row and f.pk == row.form_id), None)
    forms.sort(key=lambda f: f != counted)
    keys: list[str] = []
    for f in forms[1:]:
        keys += [k for k in differences(forms[0].numbers(), f.numbers()) if k not in keys]
    values = {f.source: field_values(f.numbers()) for f in forms}
    table = {key: {source: v.get(key) for source, v in values.items()} for key in keys}
    return Reconciliation(forms=forms, counted=counted, differences=table)


# --- rebuilding ----------------------------------------------------------------------------

@transaction.atomic
def rebuild(election: Election, contest: Contest) -> None:
    """Recompute every TPS's counted state and every region's totals of the contest from the
    forms, from scratch (the check on the incremental updates, and the repair after a bulk
    import)."""
    if contest.election_id != election.pk:
        raise ValueError("the contest belongs to another election")
    if connection.vendor == "postgresql":  # no form is stored meanwhile (reading goes on)
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE results_tpsresult IN EXCLUSIVE MODE")
    # Revisions raised (see `_lock`): a writer that read before decides again.
    TpsResult.objects.filter(contest=contest).update(revision=F("revision") + 1)
    forms = defaultdict(list)
    for form in ResultForm.objects.filter(contest=contest, current=True).select_related("tps"):
        forms[form.tps_id].append(form)
    rows = {r.tps_id: r for r in TpsResult.objects.filter(contest=contest)}
    codes = dict(TPS.objects.filter(pk__in=set(forms) | set(rows)).values_list("pk", "code"))
    votes, counts = defaultdict(int), defaultdict(lambda: defaultdict(int))
    changed, created = [], []
    for tps_id in set(forms) | set(rows):
        row = rows.get(tps_id)
        state, chosen = _choose(forms.get(tps_id, []), row.form_id if row else None)
        new = Contribution.of(state, chosen)
        for code, level in region_path(codes[tps_id]):
            for c, v in new.votes.items():
                votes[(code, level, c)] += v
            for k, v in new.counts().items():
                counts[(code, level)][k] += v
        values = {"state": state, "form": chosen, "votes": new.votes, "voted": new.voted,
                  "valid": new.valid, "invalid": new.invalid}
        if row is None:
            created.append(TpsResult(tps_id=tps_id, contest=contest, **values))
        elif Contribution.stored(row) != new or row.form_id != (chosen.pk if chosen else None):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    TpsResult.objects.bulk_create(created)
    TpsResult.objects.bulk_update(changed, ["state", "form", "votes", "voted", "valid",
                                            "invalid"])
    ResultTotal.objects.filter(contest=contest).delete()
    ResultCount.objects.filter(contest=contest).delete()
    ResultTotal.objects.bulk_create(
        [ResultTotal(contest=contest, region_code=code, level=level, candidate=c, votes=v)
         for (code, level, c), v in votes.items()], batch_size=5000)
    ResultCount.objects.bulk_create(
        [ResultCount(contest=contest, region_code=code, level=level, **values)
         for (code, level), values in counts.items()], batch_size=5000)


def totals_snapshot(contest: Contest) -> dict:
    """The totals table as plain data, zero rows left out (what `rebuild` would not write)."""
    votes = {(t.region_code, t.candidate): t.votes
             for t in ResultTotal.objects.filter(contest=contest) if t.votes}
    counts = {}
    for c in ResultCount.objects.filter(contest=contest):
        values = (c.accepted, c.flagged, c.voted, c.valid, c.invalid)
        if any(values):
            counts[c.region_code] = values
    return {"votes": votes, "counts": counts}


# --- totals as pages and the API show them ------------------------------------------------

def _region_rows(contest: Contest, codes: list[str]) -> tuple[dict, dict]:
    votes: dict[str, dict[str, int]] = {code: {} for code in codes}
    for t in ResultTotal.objects.filter(contest=contest, region_code__in=codes):
        votes[t.region_code][t.candidate] = t.votes
    counts = {c.region_code: c for c in ResultCount.objects.filter(contest=contest,
                                                                   region_code__in=codes)}
    return votes, counts


def _tps_per_region(election: Election, parent: str, width: int | None) -> dict[str, int]:
    """TPS per region one level below `parent` (by code prefix), or of `parent` itself."""
    tps = TPS.objects.filter(election=election, code__startswith=parent)
    if width is None:
        return {parent: tps.count()}
    return dict(tps.annotate(p=Substr("code", 1, width)).values("p").annotate(n=Count("id"))
                .values_list("p", "n"))


CHILD_WIDTH = {"": 2, 2: 5, 5: 8, 8: 13}


def region_totals(election: Election, contest: Contest, code: str, name: str, level: str,
                  children: list[tuple[str, str]]) -> dict:
    """The region's totals and each child's: votes per ballot number of the accepted forms,
    voters, valid and invalid votes, TPS registered / in (accepted) / flagged / missing."""
    codes = [code] + [c for c, _name in children]
    votes, counts = _region_rows(contest, codes)
    registered = _tps_per_region(election, code, None)
    width = CHILD_WIDTH.get(len(code) if code else "")
    if width and children:
        registered |= _tps_per_region(election, code, width)

    def one(region_code: str, region_name: str, region_level: str) -> dict:
        count = counts.get(region_code)
        accepted = count.accepted if count else 0
        flagged = count.flagged if count else 0
        expected = registered.get(region_code, 0)
        return {"code": region_code, "name": region_name, "level": region_level,
                "votes": dict(sorted(votes[region_code].items())),
                "voted": count.voted if count else 0, "valid": count.valid if count else 0,
                "invalid": count.invalid if count else 0, "tps": expected, "tps_in": accepted,
                "tps_flagged": flagged, "tps_missing": expected - accepted}

    child_level = {2: "kabkota", 5: "kecamatan", 8: "desa"}.get(len(code), "provinsi")
    return {"region": one(code, name, level),
            "children": [one(c, n, child_level) for c, n in children]}

