"""Encryption at rest: AES-GCM with a key from the environment or var/pii_key, and the blind
index that finds a NIK without storing it."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from siaga.officers import crypto


@pytest.fixture
def fresh_keys(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(crypto.ENV_NAME, raising=False)
    crypto.forget_keys()
    yield tmp_path
    crypto.forget_keys()


def test_without_the_variable_a_key_is_made_once_in_var_and_kept(fresh_keys):
    sealed = crypto.encrypt("6213015807900001", "nik")
    key_file = fresh_keys / "pii_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32
    crypto.forget_keys()  # a new process reads the same key
    assert crypto.decrypt(sealed, "nik") == "6213015807900001"
    assert [p.name for p in fresh_keys.iterdir()] == ["pii_key"]


def test_the_key_from_the_environment_wins_and_a_bad_one_fails_loudly(fresh_keys, monkeypatch):
    monkeypatch.setenv(crypto.ENV_NAME, base64.b64encode(b"k" * 32).decode())
    crypto.forget_keys()
    sealed = crypto.encrypt("081234567890", "phone")
    assert not (fresh_keys / "pii_key").exists()
    monkeypatch.setenv(crypto.ENV_NAME, base64.b64encode(b"short").decode())
    crypto.forget_keys()
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        crypto.decrypt(sealed, "phone")


def test_equal_values_encrypt_differently_but_index_equally(fresh_keys):
    a, b = crypto.encrypt("6213015807900001", "nik"), crypto.encrypt("6213015807900001", "nik")
    assert a != b and "6213015807900001" not in a
    assert crypto.blind_index("6213015807900001") == crypto.blind_index("6213015807900001")
    assert crypto.blind_index("6213015807900001") != crypto.blind_index("6213015807900002")


def test_a_nik_ciphertext_does_not_open_as_a_phone(fresh_keys):
    with pytest.raises(InvalidTag):
        crypto.decrypt(crypto.encrypt("6213015807900001", "nik"), "phone")
