"""The data migrations that fold the two publicity mechanisms into cadres.Publicity: every
report notice (ids kept) with its feedback, every selection's publicity period (one row per
cleared or appointed candidate); the old models and fields are gone afterwards."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0003_targeted_check_source"), ("selection", "0001_initial")]
MOVED = {"reports", "selection"}


def _state(executor, nodes):
    """The project state with every app but reports and selection at its leaf."""
    leaves = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in MOVED]
    return executor.loader.project_state(leaves + list(nodes)).apps


@pytest.mark.django_db(transaction=True)
def test_both_publicities_become_cadres_publicity(city):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        _check_forward(city, executor)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_forward(city, executor):
    old = _state(executor, BEFORE)
    Catalogue = old.get_model("reports", "CatalogueVersion")
    Report = old.get_model("reports", "PersonalReport")
    V = old.get_model("reports", "Verification")
    Notice = old.get_model("reports", "PublicityNotice")
    Feedback = old.get_model("reports", "PublicityFeedback")
    Selection = old.get_model("selection", "Selection")
    Candidate = old.get_model("selection", "Candidate")
    report = Report.objects.create(
        cadre_id=city.cadre_a.pk, kind="candidate", year=2025, catalogue=Catalogue.objects.first()
    )
    v = V.objects.create(
        report=report, kind="targeted", source_type="selection.candidate", source_id=7, proposed_post="副镇长"
    )
    notice = Notice.objects.create(
        id=41,
        verification=v,
        start_date=dt.date(2025, 9, 29),
        end_date=dt.date(2025, 10, 9),
        location="公示栏",
    )
    Feedback.objects.create(
        notice=notice, received_on=dt.date(2025, 9, 30), channel="phone", content="反映一"
    )
    Feedback.objects.create(
        notice=notice,
        received_on=dt.date(2025, 10, 9),
        channel="letter",
        content="反映二",
        handled=True,
        handling="已核实",
    )
    s = Selection.objects.create(
        organization_id=city.town_a.pk,
        title="甲镇镇长选拔",
        reason="空缺",
        method="recommend",
        proposed_by="部务会",
        motion_date=dt.date(2025, 6, 1),
        stage="appointment",
        stage_since=dt.date(2025, 10, 20),
        publicity_start=dt.date(2025, 10, 13),
        publicity_end=dt.date(2025, 10, 17),
        publicity_location="市委组织部网站",
    )
    Selection.objects.create(  # never publicised: nothing to move
        organization_id=city.town_a.pk,
        title="乙",
        reason="空缺",
        method="recommend",
        proposed_by="部务会",
        motion_date=dt.date(2025, 6, 1),
        stage_since=dt.date(2025, 6, 1),
    )
    common = {"selection": s, "post_id": city.head_a.pk, "nominated_on": dt.date(2025, 7, 1)}
    Candidate.objects.create(cadre_id=city.cadre_a.pk, status="appointed", **common)
    Candidate.objects.create(cadre_id=city.cadre_a2.pk, status="withdrawn", **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = MigrationExecutor(connection).loader.project_state().apps
    Publicity = new.get_model("cadres", "Publicity")
    PublicityFeedback = new.get_model("cadres", "PublicityFeedback")
    report_p = Publicity.objects.get(kind="report")
    assert report_p.id == 41  # the old /reports/notices/41/ still finds it
    assert (report_p.source_type, report_p.source_id, report_p.cadre_id) == (
        "reports.verification",
        v.pk,
        city.cadre_a.pk,
    )
    assert (report_p.start_date, report_p.end_date, report_p.location) == (
        dt.date(2025, 9, 29),
        dt.date(2025, 10, 9),
        "公示栏",
    )
    assert report_p.working_days == 3  # 29, 30 Sep and 9 Oct (the National Day between)
    fbs = list(PublicityFeedback.objects.filter(publicity_id=41).order_by("received_on"))
    assert [(f.content, f.status, f.handling) for f in fbs] == [
        ("反映一", "open", ""),
        ("反映二", "handled", "已核实"),
    ]
    (sel_p,) = Publicity.objects.filter(kind="appointment")
    assert (sel_p.source_type, sel_p.source_id, sel_p.cadre_id) == (
        "selection.selection",
        s.pk,
        city.cadre_a.pk,
    )
    assert (sel_p.start_date, sel_p.end_date, sel_p.working_days) == (
        dt.date(2025, 10, 13),
        dt.date(2025, 10, 17),
        5,
    )
    assert "张伟" in sel_p.notice_text and "市委组织部网站" in sel_p.notice_text
    # a new publicity does not collide with the kept ids
    assert (
        Publicity.objects.create(
            kind="report",
            cadre_id=city.cadre_a.pk,
            start_date=dt.date(2025, 1, 2),
            end_date=dt.date(2025, 1, 3),
            location="x",
        ).id
        > 41
    )
    with pytest.raises(LookupError):
        new.get_model("reports", "PublicityNotice")
    assert "publicity_start" not in {
        f.name for f in new.get_model("selection", "Selection")._meta.get_fields()
    }
