"""Personal data encrypted at rest (UU PDP 27/2022): officers' NIK and phone, ASN staff phones.

One master key: SIAGA_PII_KEY (base64 of 32 random bytes), or, on a laptop without it, a key
generated once into var/pii_key (never committed; back it up with the database: without it
the NIK and phone numbers cannot be read back). Two keys are derived from it once per process
(HKDF-SHA256): one for AES-GCM, one for the HMAC-SHA256 "blind index" that finds a NIK (and
its duplicates) without storing it. Each value gets a fresh 96-bit nonce; the column's name is
bound in as associated data, so a NIK ciphertext pasted into the phone column does not open.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_NAME = "SIAGA_PII_KEY"
KEY_FILE = "pii_key"
NONCE_BYTES = 12


def master_key() -> bytes:
    """The 32-byte key from SIAGA_PII_KEY, else from var/pii_key (created on first use)."""
    if raw := os.environ.get(ENV_NAME, "").strip():
        return _decode(raw, ENV_NAME)
    path = settings.VAR_DIR / KEY_FILE
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Written whole to a private file, then linked into place: two processes starting at
        # once (gunicorn workers, test workers) must not each keep their own key, nor read a
        # half-written one. link() fails if the key exists; the loser reads the winner's.
        draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(base64.b64encode(secrets.token_bytes(32)))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _decode(path.read_text().strip(), str(path))


def _decode(raw: str, where: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{where}: expected base64 of 32 bytes") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{where}: expected 32 bytes, got {len(key)}")
    return key


@functools.cache
def _keys() -> tuple[AESGCM, bytes]:
    master = master_key()

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"siaga officers aes-gcm")), derive(b"siaga officers blind index")


def forget_keys() -> None:
    """Drop the derived keys (tests that change the master key)."""
    _keys.cache_clear()


def encrypt(value: str, column: str) -> str:
    """base64(nonce + ciphertext + tag) of `value`; empty stays empty."""
    if not value:
        return ""
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _keys()[0].encrypt(nonce, value.encode(), column.encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, column: str) -> str:
    """The value sealed by `encrypt` for this column (raises InvalidTag if it was not)."""
    if not token:
        return ""
    raw = base64.b64decode(token)
    return _keys()[0].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], column.encode()).decode()


def blind_index(nik: str) -> str:
    """HMAC-SHA256 of the NIK (hex): equal NIKs give equal indexes; without the key the index
    cannot be turned back into the NIK by trying the (small) space of NIKs."""
    return hmac.new(_keys()[1], nik.encode(), hashlib.sha256).hexdigest()


def phone_index(phone: str) -> str:
    """The blind index of a phone number (its digits), apart from any NIK's."""
    return blind_index("phone:" + phone)
