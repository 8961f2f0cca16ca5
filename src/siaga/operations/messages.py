"""Field messages on polling day: parse what KPPS/PPS officers send by SMS or WhatsApp, and
build the reply (pure: no Django).

    TPS 62.13.01.2003-003 BUKA 07.05
    SUARA 003 SELESAI 23.40
    KEJADIAN 003 LOGISTIK KURANG surat suara DPRD

`parse(text, default_village=..., default_tps=...)` returns a `ParseResult`: the `Report`s it
understood and the `Problem`s that say which word of which report was not understood and what
was expected. It never raises on the text of a message. `reply(result, translate)` builds the
short confirmation sent back; `canonical(report)` writes a report the way the grammar spells it
(parsing it again gives the same report). The grammar, its keywords and the time rules are in
docs/field_messages.md.

Times are minutes after 00:00 of polling day, local time as written: `07.05` is 425. A report
of the day before (H-1) is negative, of the next day is 1440 or more. Counting times earlier
than the voting close (13.00 by default) are the next day: a count that finishes at `01.30`
finished at 1530. Logistics are received on H-1 unless the officer writes `H` or `HARI H`.
"""

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from siaga import problems
from siaga.problems import gettext_noop
from siaga.regions import codes

DAY = 24 * 60
VOTING_CLOSE = 13 * 60  # voting closes at 13.00 local time (DOMAIN.md); configurable
MAX_COUNT = 1000  # more voters than this at one TPS is a typo (300 per TPS in Pemilu 2024)
SMS_LENGTH = 160

MESSAGES = {
    "empty": gettext_noop("The message is empty; write e.g. TPS 003 BUKA 07.05"),
    "unknown_word": gettext_noop(
        "Report %(n)s, word %(at)s: '%(word)s' is not understood; expected %(expected)s."
    ),
    "ambiguous_word": gettext_noop(
        "Report %(n)s, word %(at)s: '%(word)s' could be %(candidates)s; write it in full."
    ),
    "missing_word": gettext_noop("Report %(n)s: %(after)s must be followed by %(expected)s."),
    "bad_tps_code": gettext_noop(
        "Report %(n)s, word %(at)s: '%(word)s' is not a TPS code (e.g. 62.13.01.2003-003)."
    ),
    "bad_tps_number": gettext_noop(
        "Report %(n)s, word %(at)s: '%(word)s' is not a TPS number (001 to 999)."
    ),
    "tps_without_village": gettext_noop(
        "Report %(n)s: TPS %(number)s of which desa? Write the full code "
        "(e.g. 62.13.01.2003-%(number)s)."
    ),
    "no_tps": gettext_noop(
        "Report %(n)s: %(keyword)s at which TPS? Write its code first "
        "(e.g. TPS 62.13.01.2003-003 %(keyword)s)."
    ),
    "bad_time": gettext_noop(
        "Report %(n)s, word %(at)s: '%(word)s' is not a time; write hours.minutes from 00.00 to "
        "24.00 (e.g. 07.05)."
    ),
    "missing_count": gettext_noop(
        "Report %(n)s: HADIR needs the number of voters who came so far (e.g. HADIR 10.00 150)."
    ),
    "negative_count": gettext_noop(
        "Report %(n)s, word %(at)s: a number of voters cannot be negative (%(word)s)."
    ),
    "count_too_large": gettext_noop(
        "Report %(n)s, word %(at)s: %(count)s voters is more than %(limit)s; check the number."
    ),
    "ignored_words": gettext_noop(
        "Report %(n)s, word %(at)s: '%(words)s' was not understood and was ignored."
    ),
}

REPLY = {
    "ok": gettext_noop("OK %(reports)s received."),
    "ok_many": gettext_noop("OK %(count)s reports received."),
    "not_received": gettext_noop("NOT RECEIVED."),
    "more_problems": gettext_noop("(+%(more)s more problems)"),
}


class Problem(problems.Problem):
    """An expected error, returned as a value: a message code and the numbers behind it."""

    messages = MESSAGES


class Kind(StrEnum):
    LOGISTIK_TERIMA = "LOGISTIK_TERIMA"  # logistics received (H-1)
    SIAP = "SIAP"  # TPS set up and ready
    BUKA = "BUKA"  # voting opened
    HADIR = "HADIR"  # voters who came so far (turnout at a set hour)
    TUTUP = "TUTUP"  # voting closed
    HITUNG_MULAI = "HITUNG_MULAI"  # counting of a contest (or of the first) started
    HITUNG_SELESAI = "HITUNG_SELESAI"  # counting of one contest finished
    SUARA_SELESAI = "SUARA_SELESAI"  # counting of all contests finished
    CHASIL_KIRIM = "CHASIL_KIRIM"  # C.Hasil sent (photo, Sirekap or hand delivery)
    KEJADIAN = "KEJADIAN"  # incident (C.Kejadian Khusus)


class Contest(StrEnum):
    PPWP = "PPWP"
    DPR = "DPR"
    DPD = "DPD"
    DPRD_PROV = "DPRD_PROV"
    DPRD_KAB = "DPRD_KAB"


class Category(StrEnum):
    KEKERASAN = "KEKERASAN"
    INTIMIDASI = "INTIMIDASI"
    POLITIK_UANG = "POLITIK_UANG"
    LOGISTIK_KURANG = "LOGISTIK_KURANG"
    LOGISTIK_TERTUKAR = "LOGISTIK_TERTUKAR"
    LOGISTIK_RUSAK = "LOGISTIK_RUSAK"
    PETUGAS_SAKIT = "PETUGAS_SAKIT"
    PETUGAS_LUKA = "PETUGAS_LUKA"
    PETUGAS_MENINGGAL = "PETUGAS_MENINGGAL"
    PSU = "PSU"
    LAIN = "LAIN"


class Severity(StrEnum):
    RINGAN = "RINGAN"
    SEDANG = "SEDANG"
    BERAT = "BERAT"


# Labels for screens and exports (the keywords themselves are Indonesian and never translated).
KIND_LABELS = {
    Kind.LOGISTIK_TERIMA: gettext_noop("Logistics received"),
    Kind.SIAP: gettext_noop("TPS ready"),
    Kind.BUKA: gettext_noop("Voting opened"),
    Kind.HADIR: gettext_noop("Voters so far"),
    Kind.TUTUP: gettext_noop("Voting closed"),
    Kind.HITUNG_MULAI: gettext_noop("Counting started"),
    Kind.HITUNG_SELESAI: gettext_noop("Counting of a contest finished"),
    Kind.SUARA_SELESAI: gettext_noop("Counting finished"),
    Kind.CHASIL_KIRIM: gettext_noop("C.Hasil sent"),
    Kind.KEJADIAN: gettext_noop("Incident"),
}
CATEGORY_LABELS = {
    Category.KEKERASAN: gettext_noop("Violence"),
    Category.INTIMIDASI: gettext_noop("Intimidation"),
    Category.POLITIK_UANG: gettext_noop("Money politics"),
    Category.LOGISTIK_KURANG: gettext_noop("Logistics short"),
    Category.LOGISTIK_TERTUKAR: gettext_noop("Logistics swapped (wrong dapil)"),
    Category.LOGISTIK_RUSAK: gettext_noop("Logistics damaged"),
    Category.PETUGAS_SAKIT: gettext_noop("Officer sick"),
    Category.PETUGAS_LUKA: gettext_noop("Officer injured"),
    Category.PETUGAS_MENINGGAL: gettext_noop("Officer died"),
    Category.PSU: gettext_noop("Grounds for a re-vote (PSU)"),
    Category.LAIN: gettext_noop("Other"),
}
SEVERITY_LABELS = {
    Severity.RINGAN: gettext_noop("Minor"),
    Severity.SEDANG: gettext_noop("Moderate"),
    Severity.BERAT: gettext_noop("Serious"),
}

COUNTING_KINDS = frozenset(
    {Kind.HITUNG_MULAI, Kind.HITUNG_SELESAI, Kind.SUARA_SELESAI, Kind.CHASIL_KIRIM}
)


@dataclass(frozen=True)
class Report:
    """One thing an officer reported about one TPS.

    `minutes`: minutes after 00:00 of polling day (None: not written, i.e. when the message
    arrived; the gateway knows). `zone`: WIB/WITA/WIT when the officer wrote one, else None
    (the time is then the TPS's local time). `text`: the incident's free text as written.
    """

    kind: Kind
    tps: str
    contest: Contest | None = None
    minutes: int | None = None
    count: int | None = None
    category: Category | None = None
    severity: Severity | None = None
    text: str = ""
    zone: str | None = None


@dataclass
class ParseResult:
    reports: list[Report] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.reports) and not self.problems


# --- vocabulary --------------------------------------------------------------------------------
# Phrases are tuples of upper-case words (a digit string matches a number token: `C 1`, `DPRD 2`).

def _phrases(table):
    return tuple((tuple(words.split()), value) for value, spellings in table for words in spellings)


COMMANDS = _phrases([
    ("LOGISTIK", ["LOGISTIK", "LOGISTIC"]),
    ("SIAP", ["SIAP", "READY"]),
    ("BUKA", ["BUKA", "DIBUKA", "OPEN"]),
    ("HADIR", ["HADIR", "KEHADIRAN", "PEMILIH", "TURNOUT"]),
    ("TUTUP", ["TUTUP", "DITUTUP", "CLOSE", "CLOSED"]),
    ("HITUNG", ["HITUNG", "HITUNG SUARA", "PENGHITUNGAN", "PENGHITUNGAN SUARA", "PERHITUNGAN",
                "PERHITUNGAN SUARA", "SUARA", "COUNT", "COUNTING"]),
    ("CHASIL", ["CHASIL", "C HASIL", "C 1", "FORM C HASIL", "FORMULIR C HASIL"]),
    ("KEJADIAN", ["KEJADIAN", "KEJADIAN KHUSUS", "INSIDEN", "INCIDENT"]),
])
RECEIVED = _phrases([
    ("TERIMA", ["TERIMA", "DITERIMA", "TIBA", "SAMPAI", "DATANG", "MASUK", "LENGKAP",
                "RECEIVED"]),
])
SENT = _phrases([
    ("KIRIM", ["KIRIM", "TERKIRIM", "DIKIRIM", "UPLOAD", "DIUPLOAD", "UNGGAH", "DIUNGGAH",
               "SENT", "SEND"]),
])
COUNT_VERBS = _phrases([
    ("MULAI", ["MULAI", "DIMULAI", "START", "STARTED"]),
    ("SELESAI", ["SELESAI", "SLS", "BERES", "RAMPUNG", "TUNTAS", "KELAR", "FINISH", "FINISHED",
                 "DONE"]),
])
_DPRD_EITHER = "DPRD?"  # `DPRD` alone: provinsi or kab/kota? Asked back, never guessed.
CONTESTS = _phrases([
    (Contest.PPWP, ["PPWP", "PRESIDEN", "PILPRES", "CAPRES", "PRESIDEN WAKIL PRESIDEN"]),
    (Contest.DPR, ["DPR", "DPR RI", "DPRRI"]),
    (Contest.DPD, ["DPD", "DPD RI", "DPDRI"]),
    (Contest.DPRD_PROV, ["DPRD PROV", "DPRD PROVINSI", "DPRDPROV", "DPRDPROVINSI", "PROV",
                         "PROVINSI", "DPRD I", "DPRD 1"]),
    (Contest.DPRD_KAB, ["DPRD KAB", "DPRD KABUPATEN", "DPRD KOTA", "DPRD KAB KOTA",
                        "DPRD KABKOTA", "DPRD KABUPATEN KOTA", "DPRDKAB", "DPRDKOTA",
                        "DPRDKABKOTA", "KAB", "KOTA", "KABUPATEN", "KAB KOTA", "KABKOTA",
                        "DPRD II", "DPRD 2"]),
    (_DPRD_EITHER, ["DPRD"]),
])
_OFFICERS = ("PETUGAS", "KPPS", "PPS", "PTPS", "LINMAS", "ANGGOTA KPPS", "KETUA KPPS")
CATEGORIES = _phrases([
    (Category.KEKERASAN, ["KEKERASAN", "VIOLENCE", "BENTROK", "BENTROKAN", "PERKELAHIAN",
                          "PENGANIAYAAN"]),
    (Category.INTIMIDASI, ["INTIMIDASI", "INTIMIDATION", "ANCAMAN", "TEROR"]),
    (Category.POLITIK_UANG, ["POLITIK UANG", "POLITIKUANG", "MONEY POLITIK", "MONEY POLITIC",
                             "MONEY POLITICS", "SERANGAN FAJAR", "BAGI UANG"]),
    (Category.LOGISTIK_KURANG, ["LOGISTIK KURANG", "LOGISTIK KEKURANGAN"]),
    (Category.LOGISTIK_TERTUKAR, ["LOGISTIK TERTUKAR", "LOGISTIK TUKAR", "LOGISTIK SALAH DAPIL"]),
    (Category.LOGISTIK_RUSAK, ["LOGISTIK RUSAK", "LOGISTIK CACAT"]),
    (Category.PETUGAS_SAKIT, [f"{who} SAKIT" for who in _OFFICERS]
     + [f"{who} PINGSAN" for who in _OFFICERS]),
    (Category.PETUGAS_LUKA, [f"{who} {how}" for who in _OFFICERS
                             for how in ("LUKA", "TERLUKA", "CEDERA")]),
    (Category.PETUGAS_MENINGGAL, [f"{who} {how}" for who in _OFFICERS
                                  for how in ("MENINGGAL", "MENINGGAL DUNIA", "WAFAT", "TEWAS")]),
    (Category.PSU, ["PSU", "PEMUNGUTAN SUARA ULANG", "COBLOS ULANG", "REVOTE"]),
    (Category.LAIN, ["LAIN", "LAINNYA", "LAIN LAIN", "LAINLAIN", "OTHER"]),
])
SEVERITIES = _phrases([
    (Severity.RINGAN, ["RINGAN", "KECIL", "MINOR"]),
    (Severity.SEDANG, ["SEDANG", "MENENGAH"]),
    (Severity.BERAT, ["BERAT", "PARAH", "SERIUS", "GAWAT"]),
])
ZONES = ("WIB", "WITA", "WIT")
_TPS_WORD = "TPS"
_NUMBER_WORDS = {"NO", "NOMOR", "NOMER", "NMR"}  # TPS NO. 3
_DONE_WORDS = {"SUDAH", "TELAH", "SDH", "TLH", "UDAH"}  # TPS SUDAH SIAP
_AT_WORDS = {"JAM", "PUKUL", "PKL", "PK", "JM"}  # BUKA JAM 7
_DAY_WORDS = {"HARI"}  # HARI H
_PEOPLE_WORDS = {"ORANG", "ORG", "PEMILIH", "JIWA"}  # HADIR 10.00 150 ORANG

CONTEST_WORDS = {
    Contest.PPWP: "PPWP", Contest.DPR: "DPR", Contest.DPD: "DPD",
    Contest.DPRD_PROV: "DPRD PROV", Contest.DPRD_KAB: "DPRD KAB",
}
EXPECT_COMMAND = "LOGISTIK, SIAP, BUKA, HADIR, TUTUP, HITUNG, SUARA, CHASIL, KEJADIAN"
EXPECT_CONTEST = "PPWP, DPR, DPD, DPRD PROV, DPRD KAB"
EXPECT_CATEGORY = "KEKERASAN, INTIMIDASI, POLITIK UANG, LOGISTIK KURANG/TERTUKAR/RUSAK, " \
    "PETUGAS SAKIT/LUKA/MENINGGAL, PSU, LAIN"


# --- fuzzy words -------------------------------------------------------------------------------

def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours costs 1), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def typo_distance(word: str, keyword: str) -> int | None:
    """How far `word` (upper case) is from `keyword`, or None when it must not be read as it.

    The guard against misreading: keywords of 3 letters or fewer (TPS, DPR, PSU, SLS) and words
    of fewer than 4 letters must be exact; the first letter must be right; then 1 typo is
    allowed in keywords up to 7 letters and 2 in longer ones.
    """
    if word == keyword:
        return 0
    if len(keyword) <= 3 or len(word) < 4 or word[0] != keyword[0] or not keyword.isalpha():
        return None
    limit = 1 if len(keyword) <= 7 else 2
    found = _distance(word, keyword, limit)
    return found if found <= limit else None


@dataclass(frozen=True)
class _Token:
    kind: str  # code, region, number, time, badtime, day, word
    text: str
    start: int
    end: int
    colon_before: bool = False  # `KEKERASAN: berat sebelah`: a colon ends the keywords

    @property
    def up(self) -> str:
        return self.text.upper()

    @property
    def plain_digits(self) -> int:
        """Number of digits of an unsigned number without separators (0 for anything else)."""
        return len(self.text) if self.kind == "number" and self.text.isdigit() else 0


def _after_non_alnum(text, match):
    return match.start() == 0 or not text[match.start() - 1].isalnum()


def _code_head_is_long(text, match):
    head = re.split(r"[-/]", match.group())[0]
    return sum(ch.isdigit() for ch in head) >= 6


_TOKEN_RULES = (
    ("code", re.compile(r"[0-9][0-9.]*[0-9] ?[-/] ?[0-9]+"), _code_head_is_long),
    ("number", re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?![0-9]|[.,:][0-9])"), None),  # 1.000
    ("region", re.compile(r"[0-9]+(?:\.[0-9]+){2,}"), None),
    ("time", re.compile(r"[0-9]{1,2}[.:,][0-9]{2}(?![0-9]|[.:,][0-9])"), None),
    ("badtime", re.compile(r"[0-9]+(?:[.:,][0-9]+)+"), None),
    ("number", re.compile(r"-?[0-9]+"), _after_non_alnum),
    ("number", re.compile(r"[0-9]+"), None),
    ("day", re.compile(r"[Hh] ?[-+] ?1(?![0-9])"), _after_non_alnum),
    ("word", re.compile(r"[^\W\d_]+"), None),
)


def _tokenize(text: str) -> list[_Token]:
    tokens, pos = [], 0
    while pos < len(text):
        for kind, pattern, accept in _TOKEN_RULES:
            match = pattern.match(text, pos)
            if match and (accept is None or accept(text, match)):
                gap = text[tokens[-1].end if tokens else 0:match.start()]
                tokens.append(_Token(kind, match.group(), match.start(), match.end(),
                                     ":" in gap))
                pos = match.end()
                break
        else:
            pos += 1  # spaces and punctuation between tokens
    return tokens


def _kind_at(tokens, i) -> str | None:
    return tokens[i].kind if i < len(tokens) else None


def _number(token: _Token) -> int:
    return int(token.text.replace(".", ""))


def _match(phrases, tokens, i, *, fuzzy=True):
    """The phrase at tokens[i:]: (value, length), ("?", values) when two readings tie, or None.

    The longest phrase wins, then the one with fewer typos; a phrase never runs over a colon."""
    found = {}
    for words, value in phrases:
        if i + len(words) > len(tokens):
            continue
        total = 0
        for k, word in enumerate(words):
            token = tokens[i + k]
            if k and token.colon_before:
                break
            if token.kind == "word":
                typos = typo_distance(token.up, word) if fuzzy else (0 if token.up == word else None)
            else:
                typos = 0 if token.kind == "number" and token.text == word else None
            if typos is None:
                break
            total += typos
        else:
            key = (len(words), -total)
            found.setdefault(key, []).append(value)
    if not found:
        return None
    best = max(found)
    values = list(dict.fromkeys(found[best]))
    if len(values) > 1:
        return ("?", values)
    return (values[0], best[0])


def clean_text(text: str) -> str:
    """Free text as stored: leading punctuation dropped, runs of spaces made one."""
    return " ".join(re.sub(r"^[\s:;,.\-]+", "", text).split())


# --- times -------------------------------------------------------------------------------------

def default_day(kind: Kind, clock: int, voting_close: int) -> int:
    """The day a clock time falls on when none is written: logistics arrive on H-1, a
    counting time earlier than the voting close is after midnight, the rest is polling day."""
    if kind == Kind.LOGISTIK_TERIMA:
        return -1
    if kind in COUNTING_KINDS and clock < voting_close:
        return 1
    return 0


def format_clock(minutes: int) -> str:
    """425 → `07.05`; 1530 → `01.30` (the day is not shown)."""
    return f"{minutes % DAY // 60:02d}.{minutes % 60:02d}"


def day_of(minutes: int) -> int:
    """-1 for H-1, 0 for polling day, 1 for the day after."""
    return minutes // DAY


# --- the parser --------------------------------------------------------------------------------

@dataclass
class _Draft:
    n: int
    command: str
    tps: str | None = None
    named_tps: bool = False  # the report itself wrote a TPS (even a wrong one)
    kind: Kind | None = None
    contest: Contest | None = None
    minutes: int | None = None
    count: int | None = None
    category: Category | None = None
    severity: Severity | None = None
    text: str = ""
    zone: str | None = None
    issues: list = field(default_factory=list)


class _Parser:
    def __init__(self, default_village, default_tps, voting_close, max_count):
        self.default_tps = default_tps
        self.default_village = default_village
        self.voting_close = voting_close
        self.max_count = max_count
        self.context_tps = None  # the last TPS named in this message
        self.context_village = None  # the desa of the last full code in this message
        self.pending = None  # (n, tps text) of a TPS-only part not followed by a report
        self.open_incident = None  # index in reports of an incident whose text may go on
        self.reports: list[Report] = []
        self.problems: list[Problem] = []

    # -- message and parts --

    def message(self, text: str):
        n = 0
        for line in re.split(r"\r\n|\r|\n", text):
            parts = line.split(";")
            if self.open_incident is not None and parts and self._continues(parts[0]):
                index = self.open_incident
                incident = self.reports[index]
                self.reports[index] = replace(
                    incident, text=clean_text(incident.text + " " + parts[0]))
                parts = parts[1:]
            for part in parts:
                tokens = _tokenize(part)
                if not tokens:
                    continue
                n += 1
                self.open_incident = None
                self.part(part, tokens, n)
            if not _tokenize(line):
                self.open_incident = None  # a blank line ends an incident's text
        if self.pending:
            n, words = self.pending
            self.problems.append(Problem("missing_word", {
                "n": n, "after": words, "expected": EXPECT_COMMAND}))
        if n == 0:
            self.problems.append(Problem("empty", {}))

    def _continues(self, part: str) -> bool:
        """A line after an incident goes on with its text unless it starts a report."""
        tokens = _tokenize(part)
        if not tokens:
            return False
        first = tokens[0]
        if first.kind in ("code", "region") or first.up == _TPS_WORD:
            return False
        i = 1 if first.plain_digits else 0
        while i < len(tokens) and tokens[i].up in _DONE_WORDS:
            i += 1
        return _match(COMMANDS, tokens, i) is None

    def part(self, text, tokens, n):
        i = 0
        while i < len(tokens):
            i = self.report(text, tokens, i, n)

    def _starts_report(self, tokens, i, *, fuzzy=True) -> bool:
        if i >= len(tokens):
            return False
        token = tokens[i]
        if token.kind in ("code", "region") or token.up == _TPS_WORD:
            return True
        if token.plain_digits and token.plain_digits <= 3:
            i += 1
        while i < len(tokens) and tokens[i].up in _DONE_WORDS:
            i += 1
        found = _match(COMMANDS, tokens, i, fuzzy=fuzzy)
        return found is not None and found[0] != "?"

    def _resync(self, tokens, i) -> int:
        """The next word that surely starts a report (exact keyword or TPS), or the end."""
        while i < len(tokens) and not self._starts_report(tokens, i, fuzzy=False):
            i += 1
        return i

    # -- one report --

    def report(self, text, tokens, i, n) -> int:
        draft = _Draft(n, "")
        i = self.take_tps(draft, tokens, i, bare=3)
        i = self.skip(tokens, i, _DONE_WORDS)
        if i >= len(tokens):
            if draft.tps is not None:
                self.pending = (n, f"TPS {draft.tps}")
            elif not draft.issues:  # `TPS` and nothing else
                draft.issues.append(Problem("missing_word", {
                    "n": n, "after": text[tokens[0].start:tokens[-1].end],
                    "expected": "003"}))
            self.problems.extend(draft.issues)
            return i
        self.pending = None  # a TPS alone on a line names the TPS of what follows
        found = _match(COMMANDS, tokens, i)
        if found is None or found[0] == "?":
            self.word_problem(draft, tokens, i, found, EXPECT_COMMAND)
            self.problems.extend(draft.issues)
            return self._resync(tokens, i + 1)
        draft.command, length = found
        i += length
        handler = getattr(self, "command_" + draft.command.lower())
        i = handler(draft, text, tokens, i)
        if draft.tps is None and not draft.named_tps:
            draft.tps = self.context_tps or self.default_tps
            if draft.tps is None:
                keyword = draft.command if draft.issues or draft.kind is None else summary(
                    Report(draft.kind, "", draft.contest, draft.minutes, draft.count,
                           draft.category, draft.severity, "", draft.zone),
                    voting_close=self.voting_close)
                draft.issues.append(Problem("no_tps", {"n": n, "keyword": keyword}))
        if draft.issues:
            self.problems.extend(draft.issues)
            return self._resync(tokens, i)
        report = Report(draft.kind, draft.tps, draft.contest, draft.minutes, draft.count,
                        draft.category, draft.severity, draft.text, draft.zone)
        self.reports.append(report)
        self.context_tps = report.tps
        self.pending = None
        if report.kind == Kind.KEJADIAN:
            self.open_incident = len(self.reports) - 1
        if i < len(tokens) and not self._starts_report(tokens, i):
            end = self._resync(tokens, i + 1)
            self.problems.append(Problem("ignored_words", {
                "n": n, "at": i + 1, "words": text[tokens[i].start:tokens[end - 1].end]}))
            return end
        return i

    def word_problem(self, draft, tokens, i, found, expected):
        """The word at i is not what was expected (or the report ended before it)."""
        if i >= len(tokens):
            draft.issues.append(Problem("missing_word", {
                "n": draft.n, "after": draft.command, "expected": expected}))
        elif found is not None and found[0] == "?":
            draft.issues.append(Problem("ambiguous_word", {
                "n": draft.n, "at": i + 1, "word": tokens[i].text,
                "candidates": ", ".join(str(value) for value in found[1])}))
        else:
            draft.issues.append(Problem("unknown_word", {
                "n": draft.n, "at": i + 1, "word": tokens[i].text, "expected": expected}))

    @staticmethod
    def skip(tokens, i, words) -> int:
        while i < len(tokens) and tokens[i].up in words:
            i += 1
        return i

    # -- TPS --

    def take_tps(self, draft, tokens, i, *, bare) -> int:
        """A TPS written at tokens[i] (`TPS 003`, `TPS:3`, a full code, or a bare number of up
        to `bare` digits); sets draft.tps or records why it cannot. Returns the next index."""
        if i >= len(tokens) or draft.named_tps:
            return i
        token = tokens[i]
        if token.up == _TPS_WORD:
            j = self.skip(tokens, i + 1, _NUMBER_WORDS)
            if j < len(tokens) and tokens[j].kind in ("code", "region", "number", "badtime"):
                return self.take_tps(draft, tokens, j, bare=99)
            return j  # `TPS SIAP`: the word alone, the sender's TPS
        if token.kind == "code":
            self.named(draft, self.full_code(draft, token.text.replace("/", "-"), i))
            return i + 1
        if token.kind == "region":
            j = i + 1
            if j < len(tokens) and tokens[j].up == _TPS_WORD:
                j += 1
            if j < len(tokens) and tokens[j].plain_digits:
                self.named(draft, self.full_code(draft, f"{token.text}-{tokens[j].text}", i))
                return j + 1
            self.named(draft, None)
            draft.issues.append(Problem("bad_tps_code", {
                "n": draft.n, "at": i + 1, "word": token.text}))
            return i + 1
        if token.kind in ("number", "badtime") and (bare == 99 or 0 < token.plain_digits <= bare):
            number = codes.parse_tps_number(token.text) if token.kind == "number" else None
            if number is None:
                self.named(draft, None)
                draft.issues.append(Problem("bad_tps_number", {
                    "n": draft.n, "at": i + 1, "word": token.text}))
                return i + 1
            village = self.context_village or self.default_village or (
                self.default_tps and self.default_tps.rpartition("-")[0])
            if not village:
                self.named(draft, None)
                draft.issues.append(Problem("tps_without_village", {
                    "n": draft.n, "number": f"{number:03d}"}))
            else:
                self.named(draft, codes.tps_code(village, number))
            return i + 1
        return i

    def full_code(self, draft, text, i):
        parts = codes.split_tps_code(text)
        if parts is None:
            draft.issues.append(Problem("bad_tps_code", {"n": draft.n, "at": i + 1, "word": text}))
            return None
        self.context_village = parts[0]
        return codes.tps_code(*parts)

    def named(self, draft, tps):
        draft.named_tps = True
        draft.tps = tps
        if tps is not None:
            self.context_tps = tps

    def between(self, draft, tokens, i) -> int:
        """Between two keywords: a TPS (any number of up to 3 digits) and `SUDAH`."""
        i = self.skip(tokens, i, _DONE_WORDS)
        i = self.take_tps(draft, tokens, i, bare=3)
        return self.skip(tokens, i, _DONE_WORDS)

    # -- commands --

    def command_logistik(self, draft, text, tokens, i):
        return self.with_verb(draft, tokens, i, RECEIVED, "TERIMA", Kind.LOGISTIK_TERIMA)

    def with_verb(self, draft, tokens, i, verbs, expected, kind):
        """A command that needs its verb (LOGISTIK TERIMA, CHASIL KIRIM) before its arguments."""
        i = self.between(draft, tokens, i)
        found = _match(verbs, tokens, i)
        if found is None or found[0] == "?":
            self.word_problem(draft, tokens, i, found, expected)
            return i
        draft.kind = kind
        return self.arguments(draft, tokens, i + found[1])

    def command_siap(self, draft, text, tokens, i):
        draft.kind = Kind.SIAP
        return self.arguments(draft, tokens, i)

    def command_buka(self, draft, text, tokens, i):
        draft.kind = Kind.BUKA
        return self.arguments(draft, tokens, i)

    def command_tutup(self, draft, text, tokens, i):
        draft.kind = Kind.TUTUP
        return self.arguments(draft, tokens, i)

    def command_hadir(self, draft, text, tokens, i):
        draft.kind = Kind.HADIR
        return self.arguments(draft, tokens, i, with_count=True)

    def command_chasil(self, draft, text, tokens, i):
        return self.with_verb(draft, tokens, i, SENT, "KIRIM", Kind.CHASIL_KIRIM)

    def command_hitung(self, draft, text, tokens, i):
        i = self.between(draft, tokens, i)
        i = self.contest(draft, tokens, i)
        if draft.issues:
            return i
        i = self.between(draft, tokens, i)
        found = _match(COUNT_VERBS, tokens, i)
        if found is None or found[0] == "?":
            expected = "MULAI, SELESAI" if draft.contest else f"{EXPECT_CONTEST}, MULAI, SELESAI"
            self.word_problem(draft, tokens, i, found, expected)
            return i
        verb, length = found
        i += length
        if draft.contest is None:
            i = self.contest(draft, tokens, i)  # HITUNG SELESAI PPWP
            if draft.issues:
                return i
        if verb == "MULAI":
            draft.kind = Kind.HITUNG_MULAI
        else:
            draft.kind = Kind.HITUNG_SELESAI if draft.contest else Kind.SUARA_SELESAI
        return self.arguments(draft, tokens, i)

    def contest(self, draft, tokens, i):
        found = _match(CONTESTS, tokens, i)
        if found is None:
            return i
        if found[0] == "?" or found[0] == _DPRD_EITHER:
            draft.issues.append(Problem("ambiguous_word", {
                "n": draft.n, "at": i + 1, "word": tokens[i].text,
                "candidates": ", ".join(dict.fromkeys(
                    CONTEST_WORDS.get(value, "DPRD PROV, DPRD KAB")
                    for value in (found[1] if found[0] == "?" else [found[0]])))}))
            return i + 1
        draft.contest = found[0]
        return i + found[1]

    def command_kejadian(self, draft, text, tokens, i):
        draft.kind = Kind.KEJADIAN
        i = self.between(draft, tokens, i)
        found = _match(CATEGORIES, tokens, i)
        if found is None or found[0] == "?":
            self.word_problem(draft, tokens, i, found, EXPECT_CATEGORY)
            return len(tokens)
        draft.category, length = found
        i += length
        end = tokens[i - 1].end
        if i < len(tokens) and not tokens[i].colon_before:  # a colon starts the text
            found = _match(SEVERITIES, tokens, i)
            if found is not None and found[0] != "?":
                draft.severity = found[0]
                end = tokens[i + found[1] - 1].end
        draft.text = clean_text(text[end:])
        return len(tokens)

    # -- time and count --

    def arguments(self, draft, tokens, i, *, with_count=False) -> int:
        """[TPS] [H-1|H|H+1] [JAM] [time [WIB|WITA|WIT]], for HADIR the count, [TPS]."""
        if not draft.named_tps:
            if self._explicit_tps(tokens, i):  # BUKA TPS 003 07.05
                i = self.take_tps(draft, tokens, i, bare=0)
            elif i < len(tokens) and tokens[i].plain_digits == 3 and (
                    not with_count or _kind_at(tokens, i + 1) in ("number", "time", "badtime",
                                                                   "day")):
                i = self.take_tps(draft, tokens, i, bare=3)  # HADIR 003 10.00 150
        i = self.time(draft, tokens, i, with_count)
        if with_count:
            i = self.count(draft, tokens, i)
        if not draft.named_tps and self._explicit_tps(tokens, i):  # BUKA 07.05 TPS 003
            after = self.skip(tokens, self._tps_end(tokens, i), _DONE_WORDS)
            if _match(COMMANDS, tokens, after) is None:  # else it starts the next report
                i = self.take_tps(draft, tokens, i, bare=0)
        return i

    def time(self, draft, tokens, i, with_count) -> int:
        day = None
        if _kind_at(tokens, i) == "word" and tokens[i].up in _DAY_WORDS \
                and _kind_at(tokens, i + 1) == "word" and tokens[i + 1].up == "H":
            i += 1  # HARI H
        if _kind_at(tokens, i) == "day" or (_kind_at(tokens, i) == "word" and tokens[i].up == "H"):
            day = tokens[i]
            i += 1
        start = i
        i = self.skip(tokens, i, _AT_WORDS)
        form = self.time_form(tokens, i, after_at_word=i > start, with_count=with_count)
        if form is None:
            if day is not None or i > start:  # `H-1` or `JAM` and then no time
                draft.issues.append(Problem("missing_word", {
                    "n": draft.n, "after": " ".join(t.text for t in tokens[start - bool(day):i]),
                    "expected": "07.05"}))
            return i
        clock = self.clock(draft, tokens[i], i, day, form)
        i += 1
        if clock is None:
            return i
        if _kind_at(tokens, i) == "word" and tokens[i].up in ZONES:
            draft.zone = tokens[i].up
            i += 1
        if day is None:
            offset = default_day(draft.kind, clock, self.voting_close)
        else:
            offset = {"H-1": -1, "H": 0, "H+1": 1}[day.up.replace(" ", "")]
        draft.minutes = offset * DAY + clock
        return i

    def time_form(self, tokens, i, *, after_at_word, with_count) -> str | None:
        """How the token at i is a time: `clock` (07.05, 0705), `hour` (JAM 7; HADIR 10 150),
        `bad` (a number where a time must be), or None (no time written)."""
        if i >= len(tokens):
            return None
        token, digits = tokens[i], tokens[i].plain_digits
        next_is_number = _kind_at(tokens, i + 1) == "number"
        if token.kind in ("time", "badtime") or (
                digits == 4 and (not with_count or next_is_number)):
            return "clock"
        if digits in (1, 2) and (after_at_word or (with_count and next_is_number)):
            return "hour"
        if token.kind == "number" and not with_count and not self._starts_report(tokens, i):
            return "bad"
        return None

    @staticmethod
    def _explicit_tps(tokens, i) -> bool:
        return i < len(tokens) and (tokens[i].kind in ("code", "region")
                                    or tokens[i].up == _TPS_WORD)

    def _tps_end(self, tokens, i) -> int:
        """Where the TPS written at tokens[i] ends (as `take_tps` reads it)."""
        token = tokens[i]
        if token.up == _TPS_WORD:
            j = self.skip(tokens, i + 1, _NUMBER_WORDS)
            if j < len(tokens) and tokens[j].kind in ("code", "region", "number", "badtime"):
                return self._tps_end(tokens, j)
            return j
        if token.kind == "region":
            j = i + 1
            if j < len(tokens) and tokens[j].up == _TPS_WORD:
                j += 1
            return j + 1 if j < len(tokens) and tokens[j].plain_digits else i + 1
        return i + 1

    def clock(self, draft, token, i, day, form):
        """Minutes after midnight of the token's day, or None (and a problem) if not a time."""
        text = token.text
        hours = minutes = -1
        if form == "hour":
            hours, minutes = int(text), 0
        elif form == "clock" and token.kind == "time":
            hours, minutes = int(text[:-3]), int(text[-2:])
        elif form == "clock" and token.kind == "number":
            hours, minutes = int(text[:2]), int(text[2:])
        if 0 <= hours <= 23 and 0 <= minutes <= 59 or (hours, minutes) == (24, 0) and day is None:
            return hours * 60 + minutes
        draft.issues.append(Problem("bad_time", {"n": draft.n, "at": i + 1, "word": text}))
        return None

    def count(self, draft, tokens, i):
        if i >= len(tokens) or tokens[i].kind != "number":
            if not draft.issues:
                draft.issues.append(Problem("missing_count", {"n": draft.n}))
            return i
        token = tokens[i]
        value = _number(token)
        if value < 0:
            draft.issues.append(Problem("negative_count", {
                "n": draft.n, "at": i + 1, "word": token.text}))
        elif value > self.max_count:
            draft.issues.append(Problem("count_too_large", {
                "n": draft.n, "at": i + 1, "count": value, "limit": self.max_count}))
        else:
            draft.count = value
        return self.skip(tokens, i + 1, _PEOPLE_WORDS)


def parse(text: str | None, *, default_village: str | None = None,
          default_tps: str | None = None, voting_close: int = VOTING_CLOSE,
          max_count: int = MAX_COUNT) -> ParseResult:
    """Read one SMS/WhatsApp message: one or more reports, separated by new lines or `;`.

    `default_village`: the desa the sender's phone is registered to (a bare `003` is its TPS).
    `default_tps`: the TPS the sender is bound to (reports that name no TPS are about it).
    These two come from the system, not the message: a malformed one raises ValueError.
    """
    village = None
    if default_village is not None:
        village = codes.normalize_region_code(default_village)
        if village is None or codes.level_of(village) != "desa":
            raise ValueError(f"default_village {default_village!r} is not a desa code")
    tps = None
    if default_tps is not None:
        parts = codes.split_tps_code(default_tps)
        if parts is None:
            raise ValueError(f"default_tps {default_tps!r} is not a TPS code")
        tps = codes.tps_code(*parts)
    parser = _Parser(village, tps, voting_close, max_count)
    parser.message(text or "")
    return ParseResult(parser.reports, parser.problems)


# --- writing reports ---------------------------------------------------------------------------

def _time_words(report: Report, voting_close: int) -> str:
    if report.minutes is None:
        return ""
    offset, clock = divmod(report.minutes, DAY)
    words = []
    if offset not in (-1, 0, 1):
        raise ValueError(f"{report.minutes} minutes is not between H-1 00.00 and H+1 23.59")
    if offset != default_day(report.kind, clock, voting_close):
        words.append({-1: "H-1", 0: "H", 1: "H+1"}[offset])
    words.append(format_clock(report.minutes))
    if report.zone:
        words.append(report.zone)
    return " " + " ".join(words)


def summary(report: Report, *, voting_close: int = VOTING_CLOSE, with_text=False) -> str:
    """The report without its TPS: `BUKA 07.05`, `HITUNG PPWP SELESAI 16.20`,
    `KEJADIAN LOGISTIK KURANG BERAT` (with_text adds `: <free text>`)."""
    kind, when = report.kind, _time_words(report, voting_close)
    if kind == Kind.LOGISTIK_TERIMA:
        return "LOGISTIK TERIMA" + when
    if kind == Kind.HADIR:
        return f"HADIR{when} {report.count}"
    if kind in (Kind.HITUNG_MULAI, Kind.HITUNG_SELESAI):
        contest = f" {CONTEST_WORDS[report.contest]}" if report.contest else ""
        verb = "MULAI" if kind == Kind.HITUNG_MULAI else "SELESAI"
        return f"HITUNG{contest} {verb}{when}"
    if kind == Kind.SUARA_SELESAI:
        return "SUARA SELESAI" + when
    if kind == Kind.CHASIL_KIRIM:
        return "CHASIL KIRIM" + when
    if kind == Kind.KEJADIAN:
        words = "KEJADIAN " + report.category.replace("_", " ")
        if report.severity:
            words += f" {report.severity}"
        if with_text and report.text:
            words += f": {report.text}"
        return words
    return f"{kind}{when}"


def canonical(report: Report, *, voting_close: int = VOTING_CLOSE) -> str:
    """The report as the grammar spells it: `TPS 62.13.01.2003-003 BUKA 07.05`;
    `parse(canonical(report)).reports == [report]`."""
    return f"TPS {report.tps} {summary(report, voting_close=voting_close, with_text=True)}"


def reply(result: ParseResult, translate=gettext_noop, *, voting_close: int = VOTING_CLOSE,
          limit: int = SMS_LENGTH) -> str:
    """The answer sent back: `OK TPS 62.13.01.2003-003 BUKA 07.05 received.` and the problems.

    Kept within `limit` characters when it can be: several reports are then only counted, and
    only the first problem is shown with the number of the others."""
    groups: list[tuple[str, list[str]]] = []
    for report in result.reports:
        words = summary(report, voting_close=voting_close)
        if groups and groups[-1][0] == report.tps:
            groups[-1][1].append(words)
        else:
            groups.append((report.tps, [words]))
    listing = "; ".join(f"TPS {tps} " + ", ".join(words) for tps, words in groups)
    head = (translate(REPLY["ok"]) % {"reports": listing} if result.reports
            else translate(REPLY["not_received"]))
    shown = [problem.render(translate) for problem in result.problems]

    def text():
        return " ".join([head, *shown])

    if len(text()) > limit and len(result.reports) > 1:
        head = translate(REPLY["ok_many"]) % {"count": len(result.reports)}
    if len(text()) > limit and len(result.problems) > 1:
        shown = [shown[0], translate(REPLY["more_problems"]) % {"more": len(result.problems) - 1}]
    return text()
