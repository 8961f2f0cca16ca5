"""Importing C.Hasil forms from CSV, XLSX or JSON (a KPU export, a PTPS spreadsheet): every
row checked first (TPS, contest, source, numbers); a problem anywhere and nothing is stored.
Rows that pass are submitted like forms typed in: their arithmetic is checked and a form that
does not add up is stored flagged, not counted. Re-importing the same file stores nothing new
(each row's client id is the file's hash and the row number)."""

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.regions.models import TPS, Contest, Election
from siaga.results import services
from siaga.results.models import CATEGORY_FIELDS, NUMBER_FIELDS, ResultForm
from siaga.tables import read_table

ALIASES = {
    "tps": "tps", "kode tps": "tps", "kontes": "contest", "jenis": "contest",
    "contest": "contest", "sumber": "source", "source": "source",
    "dpt": "dpt", "dptb": "dptb", "dpk": "dpk",
    "pengguna hak pilih": "voted", "pengguna": "voted", "voted": "voted",
    "surat suara diterima": "ballots_received", "diterima": "ballots_received",
    "surat suara digunakan": "ballots_used", "digunakan": "ballots_used",
    "surat suara tidak digunakan": "ballots_unused", "tidak digunakan": "ballots_unused",
    "surat suara rusak": "ballots_damaged", "rusak": "ballots_damaged",
    "suara sah": "valid", "sah": "valid", "suara tidak sah": "invalid", "tidak sah": "invalid",
    "pengguna dpt": "voted_dpt", "pengguna dptb": "voted_dptb", "pengguna dpk": "voted_dpk",
    **{name: name for name in (*NUMBER_FIELDS, *CATEGORY_FIELDS)},
}
REQUIRED = ("tps", *NUMBER_FIELDS)
SOURCES = tuple(ResultForm.Source.values)


def _rows(filename: str, content: bytes, aliases: dict) -> tuple[list, list]:
    if filename.lower().endswith(".json"):
        try:
            items = json.loads(content)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise ValueError
        except ValueError:
            return [], [{"row": 0, "column": "", "reason": _(
                "The JSON file must be a list of objects, one per form.")}]
        nested = ("votes", "party_votes", "candidate_votes")  # objects, flattened later
        return [(n, {aliases.get(k.strip().lower(), k): v for k, v in item.items()
                     if k.strip().lower() in aliases or (k in nested and isinstance(v, dict))})
                for n, item in enumerate(items, start=1)], []
    return read_table(content, aliases, REQUIRED)


def _flat(value: dict) -> dict:
    """A JSON form's nested `party_votes` / `candidate_votes` as the flat keys of a table."""
    out = {k: v for k, v in value.items() if not isinstance(v, dict)}
    for name in ("party_votes", "candidate_votes", "votes"):
        nested = value.get(name)
        if isinstance(nested, dict):
            for key, v in nested.items():
                if isinstance(v, dict):
                    out.update({f"{name}:{key}:{k}": x for k, x in v.items()})
                else:
                    out[f"{name}:{key}"] = v
    return out


def import_forms(election: Election, filename: str, content: bytes, *, scope: str, user,
                 default_source: str = "kpu_import") -> tuple[dict, list[dict]]:
    """({stored, already, accepted, flagged}, problems); nothing is stored when there is any
    problem. Vote columns are `suara 01`, `suara 02`, ... (or `01`, `02`)."""
    contests = {c.kind: c for c in Contest.objects.filter(election=election)}
    aliases = dict(ALIASES)
    numbers_of = {}
    members_of = {}
    for contest in contests.values():
        numbers_of[contest.kind], members = services.ballot_layout(
            services.candidates_of(contest))
        members_of[contest.kind] = members
        for number in numbers_of[contest.kind]:
            for key in (f"suara {number}", f"suara_{number}", number):
                aliases[key] = f"votes:{number}"
        # DPR/DPRD: `partai 01` (the party's own votes), `caleg 01.3` (its third candidate's).
        for party, orders in members.items():
            aliases[f"partai {party}"] = aliases[f"partai_{party}"] = f"party_votes:{party}"
            for order in orders:
                for key in (f"caleg {party}.{order}", f"caleg_{party}.{order}"):
                    aliases[key] = f"candidate_votes:{party}:{order}"
    table, problems = _rows(filename, content, aliases)
    if problems:
        return {}, problems
    tps_by_code = {t.code: t for t in TPS.objects.select_related("village", "election").filter(
        election=election, code__startswith=scope)}
    ready = []
    for number, value in table:
        code = str(value.get("tps") or "").strip()
        tps = tps_by_code.get(code)
        if tps is None:
            problems.append({"row": number, "column": "tps", "reason": _(
                "There is no TPS %(code)s in your region.") % {"code": code}})
        kind = str(value.get("contest") or "PPWP").strip().upper()
        contest = contests.get(kind)
        if contest is None:
            problems.append({"row": number, "column": "contest", "reason": _(
                "%(election)s has no contest '%(v)s'.") % {"election": election.name, "v": kind}})
        source = str(value.get("source") or default_source).strip().lower()
        if source not in SOURCES:
            problems.append({"row": number, "column": "source", "reason": _(
                "'%(v)s' is not one of %(ok)s.") % {"v": source, "ok": ", ".join(SOURCES)}})
        numbers = {"votes": {}, "party_votes": {}, "candidate_votes": {}}
        for key, raw in _flat(value).items():
            if (key in NUMBER_FIELDS or key in CATEGORY_FIELDS
                    or key.partition(":")[0] in ("votes", "party_votes", "candidate_votes")):
                if raw in (None, "") and key in CATEGORY_FIELDS:
                    continue
                try:
                    count = int(str(raw).strip())
                    if count < 0 or str(raw).strip().startswith("+"):
                        raise ValueError
                except ValueError:
                    problems.append({"row": number, "column": key, "reason": _(
                        "'%(v)s' is not a whole number of zero or more.") % {"v": raw}})
                    continue
                group, _sep, rest = key.partition(":")
                if group == "candidate_votes":
                    party, _sep, order = rest.partition(":")
                    numbers[group].setdefault(party, {})[order] = count
                elif rest:
                    numbers[group][rest] = count
                else:
                    numbers[key] = count
        if contest is not None and set(numbers["votes"]) != set(numbers_of[kind]):
            problems.append({"row": number, "column": "suara", "reason": _(
                "Votes are needed for exactly %(n)s.") % {"n": ", ".join(numbers_of[kind]) or "-"}})
        if contest is not None and members_of[kind]:
            wanted = {f"{p}.{o}" for p, orders in members_of[kind].items() for o in orders}
            wanted |= set(members_of[kind])
            given = {f"{p}.{o}" for p, c in numbers["candidate_votes"].items() for o in c}
            given |= set(numbers["party_votes"])
            if given != wanted:
                problems.append({"row": number, "column": "caleg", "reason": _(
                    "Party and candidate votes are needed for exactly %(n)s.") % {
                    "n": ", ".join(sorted(wanted))}})
        if tps is not None and contest is not None:
            ready.append((number, tps, contest, source, numbers))
    if problems:
        return {}, problems
    digest = hashlib.sha256(content).hexdigest()[:16]
    summary = {"stored": 0, "already": 0, "accepted": 0, "flagged": 0}
    with transaction.atomic():
        for number, tps, contest, source, numbers in ready:
            form, stored = services.submit(tps=tps, contest=contest, numbers=numbers,
                                           source=source, client_id=f"impor-{digest}-{number}",
                                           user=user)
            summary["stored" if stored else "already"] += 1
            if stored:
                summary["accepted" if form.status == ResultForm.Status.ACCEPTED
                        else "flagged"] += 1
    return summary, []
