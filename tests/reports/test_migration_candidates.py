"""The data migration that folds the old 拟提拔人选 (PromotionCandidate) into the targeted
verifications: every old record's information is kept, its notices follow."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0002_load_catalogue_2017")]
AFTER = [("reports", "0003_targeted_check_source")]


def _state(executor, reports_node):
    """The project state with every other app at its leaf and reports at `reports_node`."""
    nodes = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "reports"] + [reports_node]
    return executor.loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_promotion_candidates_become_targeted_checks(city):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        _check_forward(city, executor)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_forward(city, executor):
    old = _state(executor, BEFORE[0])
    Cadre = old.get_model("cadres", "Cadre")
    Catalogue = old.get_model("reports", "CatalogueVersion")
    Report = old.get_model("reports", "PersonalReport")
    PC = old.get_model("reports", "PromotionCandidate")
    V = old.get_model("reports", "Verification")
    Notice = old.get_model("reports", "PublicityNotice")
    cadre_a, cadre_b = Cadre.objects.get(pk=city.cadre_a.pk), Cadre.objects.get(pk=city.cadre_b.pk)
    cat = Catalogue.objects.first()
    ra = Report.objects.create(cadre=cadre_a, kind="candidate", year=2025, catalogue=cat)
    rb = Report.objects.create(cadre=cadre_b, kind="candidate", year=2025, catalogue=cat)
    nominated = PC.objects.create(
        cadre=cadre_a, proposed_post="副局长", report=ra, notes="选拔任用人选（编号 3-41）"
    )
    marked = PC.objects.create(
        cadre=cadre_b,
        proposed_post="局长",
        report=rb,
        status="cleared",
        cleared_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
        notes="换届考察",
    )
    va = V.objects.create(report=ra, kind="targeted", candidate=nominated)
    vb = V.objects.create(report=rb, kind="targeted", candidate=marked, status="done", outcome="consistent")
    Notice.objects.create(
        candidate=marked, start_date=dt.date(2025, 4, 1), end_date=dt.date(2025, 4, 3), location="公示栏"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = _state(MigrationExecutor(connection), AFTER[0])
    V2 = new.get_model("reports", "Verification")
    a, b = V2.objects.get(pk=va.pk), V2.objects.get(pk=vb.pk)
    assert (a.source_type, a.source_id, a.proposed_post) == ("selection.candidate", 41, "副局长")
    assert (b.source_type, b.source_id, b.proposed_post) == ("reports.promotion_candidate", marked.pk, "局长")
    assert b.legacy["status"] == "cleared" and b.legacy["status_label"] == "准予任用"
    assert b.legacy["cleared_at"].startswith("2025-05-01") and b.legacy["notes"] == "换届考察"
    assert b.legacy["promotion_candidate_id"] == marked.pk and b.legacy["report_id"] == rb.pk
    assert b.status == "done" and b.outcome == "consistent"  # the check itself untouched
    notice = new.get_model("reports", "PublicityNotice").objects.get()
    assert notice.verification_id == vb.pk
    with pytest.raises(LookupError):
        new.get_model("reports", "PromotionCandidate")
