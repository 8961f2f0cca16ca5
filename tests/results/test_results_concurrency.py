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


def check_and_clean(election, contest, prefix="race-"):
    """(client ids stored, incremental totals, rebuilt totals, states, rebuilt states), then
    everything the test committed removed."""
    try:
        stored = list(ResultForm.objects.filter(client_id__startswith=prefix)
                      .values_list("client_id", flat=True))
        incremental = services.totals_snapshot(contest)
        states = {r.tps_id: (r.state, r.form_id)
                  for r in TpsResult.objects.filter(contest=contest)}
        services.rebuild(election, contest)
        return (stored, incremental, services.totals_snapshot(contest), states,
                {r.tps_id: (r.state, r.form_id)
                 for r in TpsResult.objects.filter(contest=contest)})
    finally:
        ResultForm.objects.filter(client_id__startswith=prefix).update(supersedes=None)
        TpsResult.objects.filter(contest=contest).delete()
        ResultForm.objects.filter(client_id__startswith=prefix).delete()
        ResultTotal.objects.filter(contest=contest).delete()
        ResultCount.objects.filter(contest=contest).delete()
        AuditEntry.objects.filter(object_key__startswith=prefix).delete()


def test_form_is_decided_again_when_its_tps_changed_between_read_and_write(pemilu,
                                                                           monkeypatch):
    """PTPS's form is stored while KPPS's (read before it) is being checked: KPPS's write is
    refused and its form decided again, now against PTPS's counted form (they disagree)."""
    contest = Contest.objects.get(election=pemilu, kind="PPWP")
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13.02").order_by("code")[0]
    decide = services._new_version
    decisions = []

    def racing(*args, **kwargs):
        decisions.append((args[3], len(args[8])))  # (source, how many forms it read)
        if len(decisions) == 1:
            in_own_connection(lambda: services.submit(
                tps=tps, contest=contest, numbers=form_numbers(101), source="ptps",
                client_id="race-ptps"))
        return decide(*args, **kwargs)

    monkeypatch.setattr(services, "_new_version", racing)
    form, stored = in_own_connection(lambda: services.submit(
        tps=tps, contest=contest, numbers=form_numbers(100), source="kpps",
        client_id="race-kpps"))
    monkeypatch.setattr(services, "_new_version", decide)
    stored_ids, incremental, rebuilt, states, rebuilt_states = in_own_connection(
        lambda: check_and_clean(pemilu, contest))

    assert stored and decisions == [("kpps", 0), ("ptps", 0), ("kpps", 1)]
    assert form.status == ResultForm.Status.FLAGGED
    assert [f["code"] for f in form.findings if f["kind"] != "hint"] == ["sources_disagree"]
    assert sorted(stored_ids) == ["race-kpps", "race-ptps"]
    assert incremental == rebuilt and states == rebuilt_states
    assert incremental["counts"][""][:2] == (1, 0)  # PTPS's form counts, nothing else


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

    stored, incremental, rebuilt, states, rebuilt_states = in_own_connection(
        lambda: check_and_clean(pemilu, contest))
    assert not errors, errors
    assert len(stored) == len(set(stored)) == 9 * 3  # each client id once, retries folded
    assert incremental == rebuilt
    assert states == rebuilt_states
    # Three TPS counted (one accepted form each); forms agreeing or not, none counted twice.
    assert incremental["counts"][""][0] + incremental["counts"][""][1] == len(targets)


def test_a_form_after_the_database_dropped_the_connection_is_served_by_a_new_one(pemilu):
    """PostgreSQL restarted under a persistent connection: the submission that finds it dead
    fails, the connection is marked and closed at the end of that request, the next one
    works (no run of errors until the connection's maximum age)."""
    contest = Contest.objects.get(election=pemilu, kind="PPWP")
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13.02").order_by("code")[1]

    def phone():
        services.submit(tps=tps, contest=contest, numbers=form_numbers(100), source="kpps",
                        client_id="race-before")
        backend = connection.connection.info.backend_pid
        in_own_connection(lambda: connection.cursor().execute(
            "SELECT pg_terminate_backend(%s)", [backend]))
        with pytest.raises(Exception) as failed:
            services.submit(tps=tps, contest=contest, numbers=form_numbers(101),
                            source="ptps", client_id="race-during")
        marked = connection.errors_occurred
        connection.close_if_unusable_or_obsolete()  # what Django does when a request ends
        form, stored = services.submit(tps=tps, contest=contest, numbers=form_numbers(101),
                                       source="ptps", client_id="race-after")
        return (failed.type.__module__, marked, stored,
                connection.connection.info.backend_pid != backend)

    module, marked, stored, reconnected = in_own_connection(phone)
    stored_ids = in_own_connection(lambda: check_and_clean(pemilu, contest))[0]
    assert module.startswith("django.db") and marked and stored and reconnected
    assert sorted(stored_ids) == ["race-after", "race-before"]
