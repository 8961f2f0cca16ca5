"""Forms arriving at the same moment: many phones post C.Hasil for the same TPS at once, from
three sources, with retries. On PostgreSQL each submission runs in its own connection and
commits, as in production; the totals kept one form at a time must still equal a rebuild and
no client id may be stored twice. (SQLite serialises all writers, so there is nothing to race.)
"""

import threading

import pytest
from django.db import connection, connections

from siaga.accounts.models import AuditEntry
from siaga.regions.models import TPS, Contest
from siaga.results import services
from siaga.results.models import ResultCount, ResultForm, ResultTotal, TpsResult

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite serialises writers; the race needs PostgreSQL"),
]

SOURCES = ("kpps", "ptps", "pemda")


def form_numbers(votes_01: int) -> dict:
    """A PPWP form whose arithmetic holds (DPT 236, 212 voted, 202 valid)."""
    return {"dpt": 236, "dptb": 0, "dpk": 0, "voted": 212, "ballots_received": 241,
            "ballots_used": 212, "ballots_unused": 27, "ballots_damaged": 2, "valid": 202,
            "invalid": 10, "votes": {"01": votes_01, "02": 177 - votes_01, "03": 25}}


def in_own_connection(work):
    """Run `work` in a thread with its own (autocommit) connection, as a server process
    would; re-raise what it raised."""
    out = {}

    def run():
        try:
            out["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


def test_simultaneous_forms_for_the_same_tps_keep_totals_equal_to_a_rebuild(pemilu):
    contest = Contest.objects.get(election=pemilu, kind="PPWP")
    targets = list(TPS.objects.filter(election=pemilu, code__startswith="62.13.02")
                   .order_by("code")[:3])
    barrier = threading.Barrier(9)
    errors = []

    def phone(i: int):
        try:
            barrier.wait(timeout=30)
            for n in range(6):
                tps = targets[(i + n) % len(targets)]
                source = SOURCES[i % 3]
                client_id = f"race-{i}-{n // 2}"  # every form is sent twice (a retry)
                services.submit(tps=tps, contest=contest, numbers=form_numbers(100 + i + n),
                                source=source, client_id=client_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def check_and_clean():
        try:
            stored = list(ResultForm.objects.filter(client_id__startswith="race-")
                          .values_list("client_id", flat=True))
            incremental = services.totals_snapshot(contest)
            states = {r.tps_id: (r.state, r.form_id)
                      for r in TpsResult.objects.filter(contest=contest)}
            services.rebuild(pemilu, contest)
            return (stored, incremental, services.totals_snapshot(contest), states,
                    {r.tps_id: (r.state, r.form_id)
                     for r in TpsResult.objects.filter(contest=contest)})
        finally:
            ResultForm.objects.filter(client_id__startswith="race-").update(supersedes=None)
            TpsResult.objects.filter(contest=contest).delete()
            ResultForm.objects.filter(client_id__startswith="race-").delete()
            ResultTotal.objects.filter(contest=contest).delete()
            ResultCount.objects.filter(contest=contest).delete()
            AuditEntry.objects.filter(object_key__startswith="race-").delete()

    stored, incremental, rebuilt, states, rebuilt_states = in_own_connection(check_and_clean)
    assert not errors, errors
    assert len(stored) == len(set(stored)) == 9 * 3  # each client id once, retries folded
    assert incremental == rebuilt
    assert states == rebuilt_states
    # Three TPS counted (one accepted form each); forms agreeing or not, none counted twice.
    assert incremental["counts"][""][0] + incremental["counts"][""][1] == len(targets)
