from hypothesis import given
from hypothesis import strategies as st

from siaga.regions import codes


def test_codes_without_dots_get_their_dots_back():
    assert codes.normalize_region_code("6213012003") == "62.13.01.2003"
    assert codes.normalize_region_code(6213012003) == "62.13.01.2003"
    assert codes.normalize_region_code(6213012003.0) == "62.13.01.2003"
    assert codes.normalize_region_code(" 62.13.01 ") == "62.13.01"


def test_things_that_are_not_codes_are_refused():
    for raw in ["", "abc", "62.1", "621", "62.13.01.20031", "62-13", None]:
        assert codes.normalize_region_code(raw) is None


def test_levels_follow_the_number_of_segments():
    assert [codes.level_of(c) for c in ["62", "62.13", "62.13.01", "62.13.01.2003"]] == [
        "provinsi", "kabkota", "kecamatan", "desa"]


def test_tps_numbers_are_read_with_or_without_leading_zeros_and_prefix():
    for raw in ["003", "3", 3, 3.0, "TPS 003", "tps-3", " TPS 3 "]:
        assert codes.parse_tps_number(raw) == 3
    for raw in ["0", "abc", 3.5, "1000", "", None]:
        assert codes.parse_tps_number(raw) is None


def test_tps_code_is_village_code_and_three_digit_number():
    assert codes.tps_code("62.13.01.2003", 3) == "62.13.01.2003-003"
    assert codes.split_tps_code("6213012003-3") == ("62.13.01.2003", 3)
    assert codes.split_tps_code("62.13.01-003") is None


@given(st.integers(10, 99), st.integers(1, 99), st.integers(1, 99), st.integers(1000, 2999),
       st.integers(1, 999))
def test_tps_codes_survive_a_round_trip_through_digits(p, k, c, d, n):
    village = f"{p:02d}.{k:02d}.{c:02d}.{d:04d}"
    digits = village.replace(".", "")
    assert codes.normalize_region_code(digits) == village
    assert codes.split_tps_code(codes.tps_code(village, n)) == (village, n)
    assert codes.ancestor_codes(village) == [village[:2], village[:5], village[:8]]
