"""Reading a NIK: 16 digits, the kecamatan code, the birth date (women +40), masking."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from siaga.officers.nik import NikInfo, NikProblem, check_stated, make_nik, mask, parse_nik

POLLING = datetime.date(2024, 2, 14)


def test_a_womans_nik_gives_kecamatan_birth_date_and_sex():
    info = parse_nik("6213015807900001", reference=POLLING)
    assert info == NikInfo("6213015807900001", "62.13.01", datetime.date(1990, 7, 18), "P",
                           "0001")


def test_a_mans_nik_written_with_spaces_or_as_a_spreadsheet_number_reads_the_same():
    assert parse_nik("6213 0118 0790 0001", reference=POLLING).sex == "L"
    assert parse_nik(6213011807900001, reference=POLLING).birth_date == datetime.date(1990, 7, 18)
    assert parse_nik(6213011807900001.0, reference=POLLING).nik == "6213011807900001"


def test_a_nik_with_15_digits_is_refused_with_its_length():
    problem = parse_nik("621301180790001", reference=POLLING)
    assert problem == NikProblem("length", {"n": 15})
    assert "15" in problem.render()


def test_a_nik_without_a_valid_birth_date_is_refused():
    assert parse_nik("6213013213900001", reference=POLLING).code == "birth_date"  # day 32
    assert parse_nik("6213011813900001", reference=POLLING).code == "birth_date"  # month 13
    assert parse_nik("6213017202900001", reference=POLLING).code == "birth_date"  # 32 Feb (P)


def test_letters_in_a_nik_are_refused():
    assert parse_nik("62130118079O0001", reference=POLLING).code == "not_digits"


def test_the_two_digit_year_is_the_latest_not_after_the_reference_date():
    assert parse_nik("6213011402060001", reference=POLLING).birth_date.year == 2006
    assert parse_nik("6213011502060001", reference=POLLING).birth_date.year == 2006
    assert parse_nik("6213011502240001", reference=POLLING).birth_date.year == 1924
    assert parse_nik("6213011402240001", reference=POLLING).birth_date.year == 2024


def test_a_stated_birth_date_or_sex_that_disagrees_with_the_nik_is_reported():
    info = parse_nik("6213015807900001", reference=POLLING)
    assert check_stated(info, birth_date=datetime.date(1990, 7, 18), sex="P") == []
    codes = [p.code for p in check_stated(info, birth_date=datetime.date(1990, 7, 19), sex="L")]
    assert codes == ["mismatch", "sex_mismatch"]


def test_masking_keeps_four_digits_at_each_end():
    assert mask("6212010101900001") == "6212****0001"
    assert mask("") == "" and mask("1234") == "****"


@given(st.dates(datetime.date(1925, 1, 1), POLLING), st.sampled_from("LP"),
       st.integers(0, 9999), st.sampled_from(["62.13.01", "11.01.02", "94.71.10"]))
def test_every_nik_made_from_facts_reads_back_to_them(born, sex, serial, region):
    info = parse_nik(make_nik(region, born, sex, serial), reference=POLLING)
    assert (info.region_code, info.birth_date, info.sex, int(info.serial)) == (region, born,
                                                                              sex, serial)


@given(st.text(alphabet="0123456789", min_size=0, max_size=20))
def test_any_digit_string_is_read_or_refused_never_raises(text):
    result = parse_nik(text, reference=POLLING)
    assert isinstance(result, NikInfo | NikProblem)
    if isinstance(result, NikInfo):
        assert len(text) == 16 and result.birth_date <= POLLING
        assert mask(result.nik) == text[:4] + "****" + text[-4:]
