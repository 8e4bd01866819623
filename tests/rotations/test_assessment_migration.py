"""The data migration that folds second-line assessments into cadres.AnnualAssessment."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps

from cadres.models import AnnualAssessment

pytestmark = pytest.mark.django_db

migration = importlib.import_module("rotations.migrations.0002_secondline_assessments_into_annual")


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def select_related(self, *_a):
        return self

    def order_by(self, *_a):
        return self.rows


class _Apps:
    """The migration's view of the apps: the old model is gone from the code, so its rows are
    given here; AnnualAssessment is the real table."""

    def __init__(self, old_rows):
        self.old = SimpleNamespace(objects=_Rows(old_rows))

    def get_model(self, app, name):
        if (app, name) == ("rotations", "SecondLineAssessment"):
            return self.old
        return django_apps.get_model(app, name)


def _old(record, year, grade, notes="", by=None, created=None):
    return SimpleNamespace(
        record=record,
        year=year,
        grade=grade,
        notes=notes,
        assessed_by_id=getattr(by, "pk", None),
        created_at=created or dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC),
    )


def test_second_line_assessments_become_annual_assessments(secondline):
    c = secondline
    cadre_a, cadre_b = c.rec_a.cadre, c.rec_b.cadre
    # cadre_b's 2025 grade was also entered on the dossier: the general row stays.
    general = AnnualAssessment.objects.create(cadre=cadre_b, year=2025, grade="excellent")
    rows = [
        _old(c.rec_a, 2025, "competent", "  按时到岗  ", by=c.staff_all),
        _old(c.rec_a, 2026, "basic", "长" * 400),
        _old(c.rec_b, 2025, "competent", "评语"),
    ]
    migration.forwards(_Apps(rows), None)

    got = {(a.cadre_id, a.year): a for a in AnnualAssessment.objects.filter(cadre__in=[cadre_a, cadre_b])}
    assert set(got) == {(cadre_a.pk, 2025), (cadre_a.pk, 2026), (cadre_b.pk, 2025)}
    a25 = got[(cadre_a.pk, 2025)]
    assert (a25.grade, a25.notes, a25.recorded_by_id) == ("competent", "按时到岗", c.staff_all.pk)
    assert a25.created_at == dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
    assert len(got[(cadre_a.pk, 2026)].notes) == migration.NOTES_MAX
    b25 = got[(cadre_b.pk, 2025)]
    assert (b25.pk, b25.grade, b25.notes) == (general.pk, "excellent", "评语")
    # Run twice (e.g. a re-applied migration on a copied database): nothing is duplicated.
    migration.forwards(_Apps(rows), None)
    assert AnnualAssessment.objects.filter(cadre__in=[cadre_a, cadre_b]).count() == 3
