"""Bahasa Indonesia first: every message of the UI has its Indonesian translation."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[1] / "src/siaga/locale/id/LC_MESSAGES/django.po"


def entries():
    for block in PO.read_text().split("\n\n")[1:]:
        head, _, tail = block.partition("\nmsgstr")
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', head, re.M))
        msgstr = "".join(re.findall(r'^(?:msgstr(?:\[0\])? )?"(.*)"$', "msgstr" + tail, re.M))
        yield msgid, msgstr, block


def test_every_message_has_an_indonesian_translation():
    found = list(entries())
    assert len(found) > 200
    missing = [msgid for msgid, msgstr, _ in found if msgid and not msgstr]
    assert missing == []


def test_no_translation_is_a_fuzzy_guess():
    assert [msgid for msgid, _, block in entries() if "fuzzy" in block] == []


def test_the_compiled_catalogue_is_in_use():
    with translation.override("id"):
        assert translation.gettext("Log in") == "Masuk"
        assert translation.gettext("Run simulation") == "Jalankan simulasi"
