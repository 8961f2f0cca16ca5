"""Kerawanan (vulnerability) indicator catalogues as plain data (pure: no Django).

Bawaslu maps TPS vulnerability by indicators grouped in variables, and publishes counts of TPS
per indicator; it does not grade a TPS. The grade is ours (`siaga.risk.scoring`), so every
indicator carries a default weight that a regency may change.

Sources (docs/risk_and_security.md has the details): Pemilu 2024, 7 variables and 22
indicators, collected 3-8 Feb 2024 (republika s8owb3436; politik.eranasional.com 65049;
databoks); Pilkada 2024, 8 variables, adding disability voters, past re-votes, conflict areas
and refusal to vote (Bawaslu; 22-28 indicators by province, Kalteng 25).

The sources list the variables and describe the indicators in groups, not one by one with
official names. The Indonesian names below are our wording of those descriptions; indicators
whose *split* (how a described group becomes separate indicators) is our reading carry
`reading=OUR_READING` and a note. Codes are ours and stable: an indicator keeps its code in
every catalogue it appears in, so a TPS can be compared across elections.
"""

from dataclasses import dataclass, field, replace

LISTED = "listed"  # the source names this indicator; the Indonesian wording is ours
OUR_READING = "our_reading"  # the source describes a group; splitting or placing it is ours


@dataclass(frozen=True)
class Variable:
    code: str
    name: str


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    variable: str  # Variable.code
    weight: float = 1.0  # default weight for our grade; Bawaslu itself does not weigh
    reading: str = LISTED
    note: str = ""
    aliases: tuple[str, ...] = ()  # other headers field sheets use for this indicator


@dataclass(frozen=True)
class Catalogue:
    key: str
    name: str
    source: str
    variables: tuple[Variable, ...]
    indicators: tuple[Indicator, ...]
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        self._index.update({ind.code: i for i, ind in enumerate(self.indicators)})

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(ind.code for ind in self.indicators)

    def index(self, code: str) -> int:
        """Column of the indicator in every matrix built from this catalogue."""
        return self._index[code]

    def indicator(self, code: str) -> Indicator:
        return self.indicators[self._index[code]]

    def variable_name(self, code: str) -> str:
        return next(v.name for v in self.variables if v.code == code)

    def with_weights(self, weights: dict[str, float]) -> "Catalogue":
        """A copy with some default weights replaced (unknown codes raise KeyError)."""
        for code in weights:
            self.index(code)
        return replace(self, indicators=tuple(
            replace(ind, weight=float(weights.get(ind.code, ind.weight))) for ind in self.indicators
        ))

    def edited(self, *, add: tuple[Indicator, ...] = (), remove: tuple[str, ...] = (),
               key: str | None = None, name: str | None = None) -> "Catalogue":
        """A copy with indicators added or removed, as a province edits the national set
        (Kalteng used 25 indicators in Pilkada 2024)."""
        known = {v.code for v in self.variables}
        for ind in add:
            if ind.variable not in known:
                raise ValueError(f"indicator {ind.code}: unknown variable {ind.variable}")
            if ind.code in self._index and ind.code not in remove:
                raise ValueError(f"indicator {ind.code} is already in the catalogue")
        kept = tuple(ind for ind in self.indicators if ind.code not in set(remove)) + tuple(add)
        return Catalogue(key or self.key, name or self.name, self.source, self.variables, kept)


# --- variables -------------------------------------------------------------------------------

HAK_PILIH = Variable("hak_pilih", "Penggunaan hak pilih")
KEAMANAN = Variable("keamanan", "Keamanan")
KAMPANYE = Variable("kampanye", "Kampanye")
POLITIK_UANG = Variable("politik_uang", "Politik uang")
POLITISASI_SARA = Variable("politisasi_sara", "Politisasi SARA")
NETRALITAS = Variable("netralitas", "Netralitas")
LOGISTIK = Variable("logistik", "Logistik")
LOKASI = Variable("lokasi", "Lokasi TPS")
LISTRIK_INTERNET = Variable("listrik_internet", "Jaringan listrik dan internet")

# Weights: a history of violence, intimidation or refusal, or a conflict area, make a TPS
# rawan on their own (3 = the default rawan threshold); access and signal problems make it rawan
# together (hard to reach 2 + no signal 1), as Polres Barito Timur graded its 20 rawan TPS in
# 2024 (blank spots, damaged roads, river routes). Voter-list indicators are common (125,224 TPS
# nationally had ineligible DPT entries) and are a KPU matter, not a security one: weight 0.5.
_PEMILU_2024 = (
    Indicator("HP1", "Pemilih DPT yang tidak memenuhi syarat (meninggal, TNI/Polri, pindah)",
              HAK_PILIH.code, 0.5, aliases=("dpt tms", "pemilih tms", "dpt tidak memenuhi syarat")),
    Indicator("HP2", "Pemilih pindahan (DPTb)", HAK_PILIH.code, 0.5,
              aliases=("dptb", "pemilih dptb")),
    Indicator("HP3", "Potensi pemilih tambahan (DPK)", HAK_PILIH.code, 0.5,
              aliases=("dpk", "pemilih dpk", "potensi dpk")),
    Indicator("HP4", "KPPS berasal dari luar domisili TPS", HAK_PILIH.code, 1.0,
              aliases=("kpps luar domisili", "penyelenggara dari luar domisili")),
    Indicator("KA1", "Riwayat kekerasan di TPS", KEAMANAN.code, 3.0,
              aliases=("kekerasan", "riwayat kekerasan")),
    Indicator("KA2", "Riwayat intimidasi terhadap penyelenggara", KEAMANAN.code, 3.0,
              aliases=("intimidasi", "riwayat intimidasi")),
    Indicator("KP1", "Politik uang di sekitar TPS", KAMPANYE.code, 2.0,
              aliases=("politik uang", "pemberian uang atau barang")),
    Indicator("KP2", "Ujaran atau hasutan SARA di sekitar TPS", KAMPANYE.code, 2.0,
              aliases=("sara", "politisasi sara", "hasutan sara")),
    Indicator("NT1", "Penyelenggara pemilu tidak netral", NETRALITAS.code, 1.0,
              aliases=("netralitas penyelenggara",)),
    Indicator("NT2", "ASN tidak netral", NETRALITAS.code, 1.0, aliases=("netralitas asn",)),
    Indicator("NT3", "TNI/Polri tidak netral", NETRALITAS.code, 1.0,
              aliases=("netralitas tni polri",)),
    Indicator("NT4", "Perangkat desa tidak netral", NETRALITAS.code, 1.0,
              aliases=("netralitas perangkat desa", "kepala desa tidak netral")),
    Indicator("LG1", "Riwayat kerusakan logistik", LOGISTIK.code, 1.0,
              aliases=("logistik rusak", "kerusakan logistik")),
    Indicator("LG2", "Riwayat kekurangan atau kelebihan logistik", LOGISTIK.code, 1.0,
              reading=OUR_READING, note="shortage and surplus as one indicator",
              aliases=("kekurangan logistik", "kelebihan logistik", "logistik kurang lebih")),
    Indicator("LG3", "Riwayat logistik tertukar", LOGISTIK.code, 1.0,
              aliases=("logistik tertukar", "surat suara tertukar")),
    Indicator("LG4", "Riwayat keterlambatan logistik", LOGISTIK.code, 1.0,
              aliases=("logistik terlambat", "keterlambatan logistik")),
    Indicator("LK1", "TPS sulit dijangkau", LOKASI.code, 2.0,
              aliases=("sulit dijangkau", "akses sulit")),
    Indicator("LK2", "TPS di wilayah rawan bencana", LOKASI.code, 2.0,
              aliases=("rawan bencana", "bencana")),
    Indicator("LK3", "TPS dekat lembaga pendidikan, pabrik/perusahaan atau posko tim kampanye",
              LOKASI.code, 1.0, reading=OUR_READING,
              note="school, factory and campaign post near the TPS as one indicator",
              aliases=("dekat posko kampanye", "dekat pabrik", "dekat sekolah")),
    Indicator("LK4", "TPS di lokasi khusus (lapas/rutan, rumah sakit, asrama, dll.)",
              LOKASI.code, 1.0, aliases=("lokasi khusus", "tps lokasi khusus", "tps khusus")),
    Indicator("LI1", "Kendala aliran listrik", LISTRIK_INTERNET.code, 1.0,
              aliases=("listrik", "kendala listrik")),
    Indicator("LI2", "Kendala jaringan internet", LISTRIK_INTERNET.code, 1.0,
              aliases=("internet", "kendala internet", "blank spot", "tidak ada sinyal", "sinyal")),
)

PEMILU_2024 = Catalogue(
    key="pemilu-2024",
    name="Pemetaan kerawanan TPS Pemilu 2024 (Bawaslu)",
    source="Bawaslu, 3-8 Feb 2024, 7 variables, 22 indicators (republika s8owb3436; "
           "politik.eranasional.com 65049; databoks)",
    variables=(HAK_PILIH, KEAMANAN, KAMPANYE, NETRALITAS, LOGISTIK, LOKASI, LISTRIK_INTERNET),
    indicators=_PEMILU_2024,
)


def _in_variable(code: str, variable: Variable) -> Indicator:
    return replace(next(i for i in _PEMILU_2024 if i.code == code), variable=variable.code,
                   reading=OUR_READING, note=f"placed in variable '{variable.name}' by us")


# Pilkada: the eighth variable is our reading. The sources say 8 variables and name the four
# added indicators, not the new variable; we take the one Bawaslu's own IKP uses, splitting
# "kampanye" into money politics and SARA. Where the four additions sit is also ours.
_PILKADA_2024 = (
    *_PEMILU_2024[:4],
    Indicator("HP5", "Pemilih disabilitas terdaftar di DPT", HAK_PILIH.code, 0.25,
              reading=OUR_READING, note="placed in 'Penggunaan hak pilih' by us",
              aliases=("disabilitas", "pemilih disabilitas")),
    Indicator("HP6", "Riwayat pemungutan suara ulang (PSU/PSSU)", HAK_PILIH.code, 2.0,
              reading=OUR_READING, note="placed in 'Penggunaan hak pilih' by us",
              aliases=("psu", "riwayat psu", "pemungutan suara ulang")),
    *_PEMILU_2024[4:6],
    Indicator("KA3", "TPS di wilayah konflik", KEAMANAN.code, 3.0,
              reading=OUR_READING, note="placed in 'Keamanan' by us",
              aliases=("wilayah konflik", "konflik", "rawan konflik")),
    Indicator("KA4", "Riwayat penolakan pemungutan suara", KEAMANAN.code, 3.0,
              reading=OUR_READING, note="placed in 'Keamanan' by us",
              aliases=("penolakan", "penolakan pemungutan suara", "menolak memilih")),
    _in_variable("KP1", POLITIK_UANG),
    _in_variable("KP2", POLITISASI_SARA),
    *_PEMILU_2024[8:],
)

PILKADA_2024 = Catalogue(
    key="pilkada-2024",
    name="Pemetaan kerawanan TPS Pilkada 2024 (Bawaslu)",
    source="Bawaslu, Nov 2024, 8 variables, 22-28 indicators by province (Kalteng 25); "
           "Bawaslu Barito Timur 22 Nov 2024",
    variables=(HAK_PILIH, KEAMANAN, POLITIK_UANG, POLITISASI_SARA, NETRALITAS, LOGISTIK, LOKASI,
               LISTRIK_INTERNET),
    indicators=_PILKADA_2024,
)

CATALOGUES = {c.key: c for c in (PEMILU_2024, PILKADA_2024)}
