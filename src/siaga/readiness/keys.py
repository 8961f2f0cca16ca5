"""The key that signs report bundles. A province and its regencies set the same
SIAGA_BUNDLE_KEY (any long random text, e.g. `python -c "import secrets;
print(secrets.token_urlsafe(48))"`), shared as they share any credential. Without it the key
is derived from this instance's SECRET_KEY: bundles then verify only on the instance that
made them (enough for one province instance holding its regencies, and for tests)."""

import hashlib
import hmac

from django.conf import settings


def bundle_key() -> bytes:
    if settings.SIAGA_BUNDLE_KEY:
        return settings.SIAGA_BUNDLE_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"siaga-readiness-bundle",
                    hashlib.sha256).digest()
