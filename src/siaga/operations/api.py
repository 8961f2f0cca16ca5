"""Field reports over the API: from the offline phone form (session), devices (token) and
SMS/WhatsApp gateways (a shared-secret signature). Every answer says what was stored."""

import hashlib
import hmac
import json
import re
import zoneinfo

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from siaga.accounts import audit
from siaga.accounts.scope import require, scope_code
from siaga.officers import crypto
from siaga.operations import messages, reports
from siaga.operations.models import BenchRow, Staff
from siaga.regions.lookup import TpsLookup
from siaga.regions.models import TPS, Election

router = Router(tags=["operations"])


class ReportIn(Schema):
    """The report's JSON (documentation; `read_report` reads it, see there)."""

    client_id: str
    tps: str
    kind: str
    contest: str = ""
    time: str | None = None  # "07.05" (polling day, local time) or empty: now
    count: int | None = None
    category: str = ""
    severity: str = ""
    text: str = ""
    election: str | None = None
    photo: str = ""  # incidents: a JPEG or PNG as a data URL (the phone shrinks it first)
    latitude: float | None = None
    longitude: float | None = None


MAX_PHOTO_BYTES = 3_000_000
_TYPES = {"count": int, "latitude": float, "longitude": float}


def read_report(body: bytes) -> ReportIn:
    """The report as sent, read without pydantic: this endpoint is polling day's busiest, and
    its fields are few and flat. A field of the wrong type is a 422 naming it."""
    try:
        raw = json.loads(body)
    except ValueError:
        raise HttpError(422, _("The body is not JSON.")) from None
    if not isinstance(raw, dict):
        raise HttpError(422, _("The body is not JSON."))
    values = {}
    for name, spec in ReportIn.model_fields.items():
        if name not in raw and spec.is_required():
            raise HttpError(422, _("%(field)s: required.") % {"field": name})
        value = raw.get(name, spec.default)
        want = _TYPES.get(name, str)
        if value is None and (spec.default is None or name == "time"):
            values[name] = None
        elif want is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[name] = float(value)
        elif isinstance(value, want) and not isinstance(value, bool):
            values[name] = value
        else:
            raise HttpError(422, _("%(field)s: '%(value)s' is not a valid value.") % {
                "field": name, "value": value})
    return ReportIn.model_construct(**values)


def photo_file(data_url: str):
    """The photo as a file to store, or a 422 saying why not (only real JPEG/PNG images)."""
    import base64
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, UnidentifiedImageError

    header, _sep, payload = data_url.partition(",")
    if header not in ("data:image/jpeg;base64", "data:image/png;base64"):
        raise HttpError(422, _("photo: a JPEG or PNG image is expected."))
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError:
        raise HttpError(422, _("photo: the image data is damaged.")) from None
    if len(raw) > MAX_PHOTO_BYTES:
        raise HttpError(422, _("photo: larger than 3 MB."))
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
            kind = image.format.lower()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise HttpError(422, _("photo: the image data is damaged.")) from None
    return ContentFile(raw, name=f"kejadian.{'jpg' if kind == 'jpeg' else kind}")


def _election(slug: str | None) -> Election:
    election = Election.objects.filter(slug=slug).first() if slug else Election.objects.first()
    if election is None:
        raise HttpError(422, _("Unknown election '%(e)s'.") % {"e": slug})
    return election


def as_report(data: ReportIn) -> messages.Report:
    """The JSON report as the parser's `Report`; 422 naming the field that is wrong."""
    try:
        kind = messages.Kind(data.kind.upper())
    except ValueError:
        raise HttpError(422, _("kind: '%(v)s' is not a checkpoint (%(ok)s).") % {
            "v": data.kind, "ok": ", ".join(messages.Kind)}) from None
    contest = category = severity = None
    if data.contest:
        try:
            contest = messages.Contest(data.contest.upper())
        except ValueError:
            raise HttpError(422, _("contest: '%(v)s' is not a contest.") % {"v": data.contest}) \
                from None
    if kind == messages.Kind.KEJADIAN:
        try:
            category = messages.Category((data.category or "LAIN").upper())
            severity = messages.Severity((data.severity or "SEDANG").upper())
        except ValueError:
            raise HttpError(422, _("category or severity not understood.")) from None
    minutes = None
    if data.time:
        minutes = clock_minutes(kind, data.time)
        if minutes is None:
            raise HttpError(422, _("time: '%(v)s' is not a time of day (07.05).") % {"v": data.time})
    if data.count is not None and not 0 <= data.count <= messages.MAX_COUNT:
        raise HttpError(422, _("count: %(v)s is not between 0 and %(max)s.") % {
            "v": data.count, "max": messages.MAX_COUNT})
    if kind == messages.Kind.HADIR and data.count is None:
        raise HttpError(422, _("count: a turnout report needs the number of voters so far."))
    return messages.Report(kind=kind, tps=data.tps, contest=contest, minutes=minutes,
                           count=data.count, category=category, severity=severity,
                           text=data.text[:2000])


TPS_LOOKUP = TpsLookup()


CLOCK = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")


def clock_minutes(kind: messages.Kind, text: str) -> int | None:
    """'07.05' → minutes after 00:00 of polling day, with the parser's day rule (logistics
    the day before, a counting time before voting closes the day after)."""
    match = CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    clock = int(match[1]) * 60 + int(match[2])
    return clock + messages.DAY * messages.default_day(kind, clock, messages.VOTING_CLOSE)


def out(row, stored: bool) -> dict:
    local = row.at.astimezone(zoneinfo.ZoneInfo(row.tps.village.zoneinfo))
    base = {"stored": stored, "id": row.pk, "client_id": row.client_id, "tps": row.tps.code,
            "at": local.isoformat()}
    if hasattr(row, "category"):
        return base | {"kind": "KEJADIAN", "category": row.category, "severity": row.severity}
    return base | {"kind": row.kind, "contest": row.contest, "count": row.count}


@router.post("/laporan", openapi_extra={"requestBody": {"required": True, "content": {
    "application/json": {"schema": ReportIn.model_json_schema()}}}})
def submit_report(request):
    """A checkpoint or incident from the field; idempotent by `client_id`. Answers 201 with
    what was stored, or 200 with the row stored earlier under that client id: `stored`, `id`,
    `client_id`, `tps`, `kind`, `at` (local time), and `contest`, `count` or `category`,
    `severity`."""
    data = read_report(request.body)
    if not 8 <= len(data.client_id or "") <= 64:
        raise HttpError(422, _("client_id: 8 to 64 characters."))
    tps = None
    if data.tps.startswith(scope_code(request.user)):
        tps = TPS_LOOKUP.get(data.tps, data.election)
    if tps is None:
        raise HttpError(404, _("There is no TPS %(code)s in your region.") % {"code": data.tps})
    require(request.user, "write_field", tps.code)
    report = as_report(data)
    photo = photo_file(data.photo) if data.photo and report.kind == "KEJADIAN" else None
    row, stored = reports.store(tps.election, tps, report, client_id=data.client_id,
                                source="api" if request.headers.get("Authorization") else "web",
                                user=request.user, photo=photo, lat=data.latitude,
                                lon=data.longitude)
    return JsonResponse(out(row, stored), status=201 if stored else 200)


@router.post("/bench/bare", auth=None, include_in_schema=False)
def bare_insert(request):
    """One row, no checks: the floor the report endpoint is measured against (benchmarks
    only; 404 unless SIAGA_BENCH_ENDPOINTS=1)."""
    if not settings.SIAGA_BENCH_ENDPOINTS:
        raise HttpError(404, "Not Found")
    row = BenchRow.objects.create(value=request.body[:64].decode(errors="replace"))
    return {"id": row.pk}


# --- SMS / WhatsApp gateway -------------------------------------------------------------

class SmsIn(Schema):
    id: str  # the gateway's message id: a resent message is stored once
    sender: str  # the phone number
    text: str
    election: str | None = None


class SmsOut(Schema):
    reply: str
    stored: int
    duplicates: int
    problems: int


def signature_ok(body: bytes, header: str) -> bool:
    secret = settings.SIAGA_SMS_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def sender_defaults(election: Election, phone: str) -> tuple[Staff | None, str | None, str | None]:
    """A registered staff member's phone: their TPS (when they watch one) or their desa."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    staff = (Staff.objects.filter(phone_index=crypto.phone_index(digits)).first() if digits
             else None)
    if staff is None:
        return None, None, None
    tps = [code for a in staff.assignments.filter(election=election) for code in a.tps]
    if len(tps) == 1:
        return staff, None, tps[0]
    desa = {code.split("-")[0] for code in tps}
    return staff, (desa.pop() if len(desa) == 1 else None), None


@router.post("/sms", auth=None, response=SmsOut)
def sms_webhook(request, data: SmsIn):
    """Any gateway can call this: JSON {id, sender, text}, signed with the shared secret
    (header `X-Siaga-Signature: sha256=<hex HMAC-SHA256 of the body>`). The answer's `reply`
    is the text to send back to the officer."""
    if not signature_ok(request.body, request.headers.get("X-Siaga-Signature", "")):
        raise HttpError(401, "bad signature")
    election = _election(data.election)
    staff, village, default_tps = sender_defaults(election, data.sender)
    if staff is None:  # only registered phones report; the gateway forwards anyone's text
        return {"reply": _("This number is not registered for polling-day reports; call the "
                           "Desk Pemilu."), "stored": 0, "duplicates": 0, "problems": 1}
    result = messages.parse(data.text, default_village=village, default_tps=default_tps)
    stored = duplicates = 0
    unknown = []
    with audit.acting_as(None, label=f"SMS {staff.phone_masked} ({staff.name})"):
        for number, report in enumerate(result.reports):
            tps = TPS.objects.select_related("village").filter(election=election,
                                                                 code=report.tps).first()
            if tps is None or not tps.code.startswith(staff.region.code):
                unknown.append(report.tps)
                continue
            _row, new = reports.store(election, tps, report, client_id=f"sms:{data.id}:{number}",
                                      source="sms", at=timezone.now())
            stored += new
            duplicates += not new
    text = messages.reply(result, _)
    if unknown:
        text = _("TPS %(codes)s not found; nothing stored for it.") % {
            "codes": ", ".join(unknown)} + " " + text
    return {"reply": text, "stored": stored, "duplicates": duplicates,
            "problems": len(result.problems) + len(unknown)}


def sign(body: dict | str, secret: str) -> tuple[bytes, str]:
    """For gateways and tests: the body and its signature header value."""
    raw = (body if isinstance(body, str) else json.dumps(body)).encode()
    return raw, "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
