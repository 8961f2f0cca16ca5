"""The demo regency with everything a readiness report reads: kerawanan, personnel, ASN
staff and their assignment, a synthetic agenda and a document (all synthetic)."""

import datetime

import pytest

from siaga.accounts.audit import acting_as
from siaga.operations.models import Document
from siaga.operations.staff import load_demo_staff, propose_and_save
from siaga.readiness.demo import load_demo_agenda
from siaga.regions.models import Region
from siaga.risk.demo import load_demo_assessments
from siaga.security.demo import load_demo_personnel


@pytest.fixture
def demo_readiness(pemilu):
    regency = Region.objects.get(code="62.13")
    with acting_as(label="test setup"):
        load_demo_assessments(pemilu)
        load_demo_personnel(pemilu)
        load_demo_staff()
        propose_and_save(pemilu, regency)
        load_demo_agenda(pemilu)
        Document.objects.create(region=regency, election=pemilu, kind="instruksi",
                                number="100.3.4/12/Kesbangpol/2024", date=datetime.date(2024, 1, 8),
                                subject="Instruksi Bupati tentang kesiapan Pemilu (sintetis)",
                                signatory="Bupati Barito Timur")
    return regency
