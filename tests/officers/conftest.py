"""The demo regency's synthetic officers, loaded once per test database (idempotent: a no-op
once tests/conftest.py loads them with the rest of the demo)."""

import io

import openpyxl
import pytest

from siaga.accounts.audit import acting_as
from siaga.officers.demo import load_demo_officers
from siaga.officers.imports import TEMPLATE_HEADER
from siaga.officers.models import Officer


@pytest.fixture(scope="session")
def _demo_officers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), acting_as(label="test setup"):
        load_demo_officers()


def officer_file(rows, header=TEMPLATE_HEADER, name="petugas.xlsx") -> io.BytesIO:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


@pytest.fixture
def empty_tps(pemilu):
    """A demo TPS whose officers are removed for the test (rolled back afterwards)."""
    code = "62.13.01.2003-001"
    Officer.objects.filter(election=pemilu, tps__code=code).delete()
    return code
