"""Kemendagri region codes and TPS codes (pure: no Django).

Province `62`, regency `62.13`, kecamatan `62.13.01`, desa/kelurahan `62.13.01.2003`,
TPS `62.13.01.2003-003`. Spreadsheets write them without dots (`6213012003`), with
spaces, or lose the leading zeros of the TPS number (`3`); we accept all of those.
"""

import re

SEGMENTS = (2, 2, 2, 4)
LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_TPS_NUMBER = re.compile(r"^\s*(?:tps)?\s*[-.:]?\s*0*(\d{1,3})\s*$", re.IGNORECASE)


def normalize_region_code(raw: object) -> str | None:
    """`6213012003`, `62.13.01.2003`, ` 62 13 01 2003 ` → `62.13.01.2003`; None if not a code."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if _CODE.match(text):
        return text
    digits = re.sub(r"[\s.]", "", text)
    if not digits.isdigit():
        return None
    parts, pos = [], 0
    for width in SEGMENTS:
        if pos >= len(digits):
            break
        parts.append(digits[pos : pos + width])
        pos += width
    if pos != len(digits) or len(parts[-1]) != SEGMENTS[len(parts) - 1]:
        return None
    return ".".join(parts)


def level_of(code: str) -> str | None:
    if not _CODE.match(code or ""):
        return None
    return LEVELS[code.count(".")]


def ancestor_codes(code: str) -> list[str]:
    """`62.13.01.2003` → [`62`, `62.13`, `62.13.01`]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def parse_tps_number(raw: object) -> int | None:
    """`003`, `3`, `TPS 003`, `TPS-3`, 3.0 → 3; None if it is not a TPS number (1..999)."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if not raw.is_integer():
            return None
        raw = int(raw)
    match = _TPS_NUMBER.match(str(raw))
    if not match:
        return None
    number = int(match.group(1))
    return number if number > 0 else None


def tps_code(village_code: str, number: int) -> str:
    return f"{village_code}-{number:03d}"


def split_tps_code(code: str) -> tuple[str, int] | None:
    """`62.13.01.2003-003` (or `6213012003-3`) → (`62.13.01.2003`, 3)."""
    village, sep, number = str(code).strip().rpartition("-")
    if not sep:
        return None
    village_code = normalize_region_code(village)
    tps_number = parse_tps_number(number)
    if village_code is None or level_of(village_code) != "desa" or tps_number is None:
        return None
    return village_code, tps_number
