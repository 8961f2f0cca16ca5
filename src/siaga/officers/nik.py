"""The NIK (Nomor Induk Kependudukan) read as Dukcapil writes it (pure: no Django).

Sixteen digits: PP KK CC (province, regency, kecamatan: the Kemendagri code of where the
KTP was issued), DD MM YY (birth date; women add 40 to the day), then a 4-digit serial.
`6213015807900001` is a woman born 18 July 1990 registered in kecamatan 62.13.01.

Whether the kecamatan code is a real region is asked of the Region table by the Django layer;
this module only reads the code out of the number.
"""

import datetime
import re
from dataclasses import dataclass
from typing import ClassVar

from siaga.problems import Problem, gettext_noop

NIK_DIGITS = 16
WOMEN_DAY_OFFSET = 40


class NikProblem(Problem):
    messages: ClassVar[dict[str, str]] = {
        "empty": gettext_noop("The NIK is empty."),
        "not_digits": gettext_noop("The NIK may only contain digits ('%(v)s')."),
        "length": gettext_noop("A NIK has 16 digits; this one has %(n)s."),
        "birth_date": gettext_noop("Digits 7 to 12 of the NIK (%(v)s) are not a date of birth."),
        "future": gettext_noop("The date of birth in the NIK (%(date)s) lies in the future."),
        "mismatch": gettext_noop("The NIK says born %(nik)s, the row says %(stated)s."),
        "sex_mismatch": gettext_noop(
            "The NIK is that of a %(nik)s (day of birth %(day)s), the row says %(stated)s."),
        "unknown_region": gettext_noop(
            "The region code in the NIK (%(code)s) is not a known kecamatan."),
    }


@dataclass(frozen=True)
class NikInfo:
    """What a NIK says about its holder."""

    nik: str
    region_code: str  # kecamatan, Kemendagri style: "62.13.01"
    birth_date: datetime.date
    sex: str  # "L" (laki-laki) or "P" (perempuan)
    serial: str


def normalize_nik(raw: object) -> str:
    """The digits of a NIK as typed: spaces, dots and dashes dropped; a number typed into a
    spreadsheet cell (int, or a float without fraction) read back as its digits."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return re.sub(r"[\s.\-]", "", str(raw))


def resolve_year(two_digits: int, month: int, day: int, reference: datetime.date) -> int:
    """The century of a 2-digit birth year: the latest year that puts the birthday on or
    before `reference` (nobody registers a NIK before being born)."""
    year = reference.year // 100 * 100 + two_digits
    for candidate in (year, year - 100):
        try:
            if datetime.date(candidate, month, day) <= reference:
                return candidate
        except ValueError:  # 29 February in a year without it: try the earlier century
            continue
    return year - 100


def parse_nik(raw: object, *, reference: datetime.date) -> NikInfo | NikProblem:
    """Read a NIK; a NikProblem if it is not 16 digits or carries no valid birth date.
    `reference` (usually polling day or today) resolves the 2-digit year."""
    nik = normalize_nik(raw)
    if not nik:
        return NikProblem("empty")
    if not nik.isdigit():
        return NikProblem("not_digits", {"v": nik})
    if len(nik) != NIK_DIGITS:
        return NikProblem("length", {"n": len(nik)})
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > WOMEN_DAY_OFFSET else "L"
    if sex == "P":
        day -= WOMEN_DAY_OFFSET
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return NikProblem("birth_date", {"v": nik[6:12]})
    year = resolve_year(yy, month, day, reference)
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return NikProblem("birth_date", {"v": nik[6:12]})
    return NikInfo(nik=nik, region_code=f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}", birth_date=born,
                   sex=sex, serial=nik[12:])


def check_stated(info: NikInfo, *, birth_date: datetime.date | None = None,
                 sex: str | None = None) -> list[NikProblem]:
    """Disagreements between the NIK and the birth date and sex written beside it."""
    problems = []
    if birth_date is not None and birth_date != info.birth_date:
        problems.append(NikProblem("mismatch", {"nik": info.birth_date.isoformat(),
                                                "stated": birth_date.isoformat()}))
    if sex and sex != info.sex:
        day = info.birth_date.day + (WOMEN_DAY_OFFSET if info.sex == "P" else 0)
        problems.append(NikProblem("sex_mismatch", {"nik": info.sex, "day": day,
                                                    "stated": sex}))
    return problems


def make_nik(region_code: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """The NIK for these facts (the demo's synthetic officers and the tests)."""
    day = birth_date.day + (WOMEN_DAY_OFFSET if sex == "P" else 0)
    return (region_code.replace(".", "")[:6] + f"{day:02d}{birth_date.month:02d}"
            f"{birth_date.year % 100:02d}{serial % 10_000:04d}")


def mask(value: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """'6213015807900001' → '6213****0001': enough to tell two people apart on a list, not
    enough to use the number. Short values are hidden whole."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "****"
    return value[:keep_start] + "****" + value[-keep_end:]


def mask_phone(value: str) -> str:
    """'081234567890' → '0812****890'."""
    return mask(value, 4, 3)
