"""Storing field reports and incidents, once per client id, whatever the channel (web form,
API, SMS gateway): the parser's `Report` values become rows, with their audit entries."""

import datetime
import json
import zoneinfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from siaga.accounts import audit
from siaga.operations import messages
from siaga.operations.models import FieldReport, Incident
from siaga.regions.models import TPS, Election

TIME_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def polling_moment(election: Election, tz: str, minutes: int) -> datetime.datetime:
    """Minutes after 00:00 of polling day (local time `tz`) as an aware datetime."""
    midnight = datetime.datetime.combine(election.polling_date, datetime.time(),
                                         tzinfo=zoneinfo.ZoneInfo(tz))
    return midnight + datetime.timedelta(minutes=minutes)


def minutes_of(election: Election, tz: str, moment: datetime.datetime) -> int:
    return int((moment - polling_moment(election, tz, 0)).total_seconds() // 60)


def zone_of(tps: TPS) -> str:
    return tps.village.zoneinfo if hasattr(tps, "village") else "Asia/Jakarta"


def store(election: Election, tps: TPS, report: messages.Report, *, client_id: str, source: str,
          user=None, at: datetime.datetime | None = None, photo=None, lat=None, lon=None
          ) -> tuple[FieldReport | Incident, bool]:
    """Store one report (a checkpoint or an incident); (row, False) when this client id was
    stored before, so a retry never makes a second row. `at`: when the message arrived, used
    when the report names no time."""
    tz = TIME_ZONES.get(report.zone or "", None) or zone_of(tps)
    moment = (polling_moment(election, tz, report.minutes) if report.minutes is not None
              else at or timezone.now())
    model = Incident if report.kind == messages.Kind.KEJADIAN else FieldReport
    if model is Incident:
        row = Incident(election=election, tps=tps, category=str(report.category or "LAIN"),
                       severity=str(report.severity or "SEDANG"), text=report.text, at=moment,
                       client_id=client_id, source=source, reporter=user, latitude=lat,
                       longitude=lon)
        if photo:
            row.photo = photo
    else:
        row = FieldReport(election=election, tps=tps, kind=str(report.kind),
                          contest=str(report.contest or ""), at=moment, count=report.count,
                          client_id=client_id, source=source, sender=user)
        if connection.vendor == "postgresql":
            return _insert_once(row)
    try:
        with transaction.atomic():
            row.save()  # audited by signal (operations/apps.py)
    except IntegrityError:
        return model.objects.get(client_id=client_id), False
    return row, True


# The report and its audit entry in one statement (atomic by itself, one round trip): the
# endpoint that phones hit hardest on polling day. ON CONFLICT makes a retry a no-op.
_INSERT = """
WITH ins AS (
    INSERT INTO operations_fieldreport
        (election_id, tps_id, kind, contest, at, count, client_id, source, sender_id, received_at)
    VALUES (%(election)s, %(tps)s, %(kind)s, %(contest)s, %(at)s, %(count)s, %(client_id)s,
            %(source)s, %(sender)s, %(received_at)s)
    ON CONFLICT (client_id) DO NOTHING
    RETURNING id
), audit AS (
    INSERT INTO accounts_auditentry
        (at, user_id, actor, action, model, object_key, region_code, before, after)
    SELECT %(received_at)s, %(user)s, %(actor)s, 'create', 'operations.FieldReport',
           %(client_id)s, %(region)s, NULL, %(after)s::jsonb
    FROM ins
)
SELECT id FROM ins
"""


def _insert_once(row: FieldReport) -> tuple[FieldReport, bool]:
    user, label = audit.current_actor()
    row.received_at = timezone.now()
    after = audit.snapshot(row)
    # psycopg's own cursor (server-side parameters), not Django's client-side formatting:
    # a tenth of a millisecond less on the busiest statement of polling day.
    connection.ensure_connection()
    found = connection.connection.execute(_INSERT, {
        "election": row.election_id, "tps": row.tps_id, "kind": row.kind,
        "contest": row.contest, "at": row.at, "count": row.count,
        "client_id": row.client_id, "source": row.source, "sender": row.sender_id,
        "user": getattr(user, "pk", None), "actor": label,
        "region": row.tps.code.split("-")[0], "after": json.dumps(after),
        "received_at": row.received_at}).fetchone()
    if found is None:
        return FieldReport.objects.select_related("tps__village").get(
            client_id=row.client_id), False
    row.pk = found[0]
    return row, True

