"""Services: the cycle, entry and versions, sampling, verification, targeted checks, publicity,
major matters. Bad input is rejected with a Chinese message and nothing is saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pghistory.models import Events

from cadres import publicity
from cadres import rules as cadre_rules
from cadres.choices import ManagementLevel
from reports import selectors, services
from reports.models import (
    ItemAnswer,
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportEntry,
    ReportVersion,
    SampleDraw,
    Verification,
)
from tests.factories import CadreFactory

from .conftest import AFTER_DEADLINE, DEADLINE, LATE, NOTHING, ON_TIME, YEAR, full_answers, open_check, submit

pytestmark = pytest.mark.django_db


def test_cycle_open_lists_city_managed_cadres(rc):
    assert rc.cycle.deadline == DEADLINE
    assert set(rc.cycle.reports.values_list("cadre_id", flat=True)) == {
        rc.cadre_a.pk,
        rc.cadre_a2.pk,
        rc.cadre_b.pk,
    }
    assert rc.cycle.reports.filter(status="not_started").count() == 3


def test_cycle_open_skips_department_managed_and_retired(city):
    CadreFactory(organization=city.town_a, management_level=ManagementLevel.DEPARTMENT)
    CadreFactory(organization=city.town_a, status="retired")
    cycle = services.cycle_open(user=city.staff_all, year=YEAR)
    assert cycle.reports.count() == 3
    assert cycle.deadline == dt.date(YEAR + 1, 1, 31)  # policy default


def test_cycle_twice_and_by_partial_staff_refused(rc):
    with pytest.raises(ValidationError) as e:
        services.cycle_open(user=rc.staff_all, year=YEAR)
    assert "已启动" in str(e.value)
    with pytest.raises(PermissionDenied):
        services.cycle_open(user=rc.staff_a, year=YEAR - 1)
    with pytest.raises(ValidationError):
        services.cycle_open(user=rc.staff_all, year=timezone.localdate().year + 1)
    assert ReportCycle.objects.count() == 1


def test_save_submit_lock_and_correct(rc):
    v1 = services.report_save_draft(user=rc.staff_all, report=rc.report_a, answers=full_answers())
    rc.report_a.refresh_from_db()
    assert rc.report_a.status == "draft" and v1.on_behalf
    services.report_submit(user=rc.staff_all, report=rc.report_a, now=ON_TIME)
    rc.report_a.refresh_from_db()
    assert rc.report_a.status == "submitted" and rc.report_a.current_version == v1
    # locked: editing in place is refused, nothing changes
    with pytest.raises(ValidationError) as e:
        services.report_save_draft(user=rc.staff_all, report=rc.report_a, answers={"P6": NOTHING})
    assert "锁定" in str(e.value)
    with pytest.raises(ValidationError):
        services.report_start_correction(user=rc.staff_all, report=rc.report_a, reason="")
    v2 = services.report_start_correction(user=rc.staff_all, report=rc.report_a, reason="补报配偶名下基金")
    assert v2.number == 2 and v2.correction_reason == "补报配偶名下基金"
    fund = {"holder": "配偶", "product_kind": "基金", "product_name": "沪深300", "amount": "4"}
    services.report_save_draft(user=rc.staff_all, report=rc.report_a, answers={"P4": {"entries": [fund]}})
    services.report_submit(user=rc.staff_all, report=rc.report_a, now=LATE)
    rc.report_a.refresh_from_db()
    assert rc.report_a.current_version.number == 2
    assert rc.report_a.first_submitted_at == ON_TIME  # lateness counts from the first submission
    # every version kept, each with its own contents
    assert list(rc.report_a.versions.values_list("number", "status")) == [(1, "submitted"), (2, "submitted")]
    assert selectors.version_content(v1)["P4"] == (True, [])
    assert selectors.version_content(rc.report_a.current_version)["P4"][1][0]["product_name"] == "沪深300"
    # comparison of the two versions
    items = selectors.catalogue_items(rc.report_a.catalogue_id)
    views = {
        v.item.code: v
        for v in selectors.report_view(items, selectors.version_content(v2), selectors.version_content(v1))
    }
    assert views["P4"].comparison.added and views["P4"].comparison.answer_changed
    assert not views["P3"].comparison.has_changes


@pytest.mark.parametrize(
    "answers,fragment",
    [
        ({"P1": {"entries": [{"income_kind": "工资", "amount": "-3"}]}}, "不能为负数"),
        ({"P1": {"entries": [{"income_kind": "工资", "amount": "99999999"}]}}, "超出合理范围"),
        (
            {
                "P3": {
                    "entries": [
                        {"owner": "本人", "address": "x", "area": "80", "use": "住宅", "share": "150"}
                    ]
                }
            },
            "不能超过 100%",
        ),
        (
            {"F2": {"entries": [{"record_type": "出行", "trip_start": f"{YEAR - 1}-06-01"}]}},
            f"须在报告年度（{YEAR}年）内",
        ),
        (
            {
                "P6": {
                    "nothing_to_report": True,
                    "entries": [
                        {
                            "holder": "本人",
                            "asset_kind": "存款",
                            "region": "香港",
                            "institution": "汇丰",
                            "amount": "1",
                        }
                    ],
                }
            },
            "不能同时",
        ),
        ({"X9": NOTHING}, "未知的报告事项"),
    ],
)
def test_bad_entries_rejected_nothing_saved(rc, answers, fragment):
    with pytest.raises(ValidationError) as e:
        services.report_save_draft(user=rc.staff_all, report=rc.report_a, answers=full_answers(**answers))
    assert fragment in " ".join(str(m) for m in e.value.messages)
    assert not ReportVersion.objects.filter(report=rc.report_a).exists()
    assert not ItemAnswer.objects.exists() and not ReportEntry.objects.exists()
    rc.report_a.refresh_from_db()
    assert rc.report_a.status == "not_started"


def test_submit_requires_every_item_answered(rc):
    answers = full_answers()
    del answers["P6"]
    services.report_save_draft(user=rc.staff_all, report=rc.report_a, answers=answers)
    with pytest.raises(ValidationError) as e:
        services.report_submit(user=rc.staff_all, report=rc.report_a)
    assert "未填报" in str(e.value)
    rc.report_a.refresh_from_db()
    assert rc.report_a.status == "draft"


def test_entry_permissions(rc):
    # the cadre through the linked account; not other staff, not the liaison
    services.report_save_draft(user=rc.cadre_user, report=rc.report_a, answers=full_answers())
    assert not rc.report_a.versions.get().on_behalf
    for user in (rc.staff_b, rc.liaison_a, rc.interviewer, rc.verifier, rc.discipline):
        with pytest.raises(PermissionDenied):
            services.report_save_draft(user=user, report=rc.report_a, answers=full_answers())
    with pytest.raises(PermissionDenied):
        services.report_save_draft(user=rc.cadre_user, report=rc.report_a2, answers=full_answers())


def test_lateness_and_dashboard_counts(rc):
    submit(rc.staff_all, rc.report_a, now=ON_TIME)
    submit(rc.staff_all, rc.report_b, now=LATE)
    qs = PersonalReport.objects.filter(cycle=rc.cycle)
    s = selectors.cycle_summary(qs, today=AFTER_DEADLINE)
    assert (s["total"], s["submitted"], s["submitted_late"], s["overdue"]) == (3, 2, 1, 1)
    assert s["submission_rate"] == 66.7
    assert {r.display_status(AFTER_DEADLINE) for r in qs} == {"submitted", "submitted_late", "overdue"}
    by_org = {r["organization"]: r for r in selectors.cycle_by_organization(qs, today=AFTER_DEADLINE)}
    assert by_org["甲镇"]["total"] == 2 and by_org["乙镇"]["submitted_late"] == 1


# --- sampling ----------------------------------------------------------------------------------


def _many(rc, n, org=None):
    cadres = [CadreFactory(organization=org or rc.town_a) for _ in range(n)]
    for c in cadres:
        services.cycle_add_cadre(user=rc.staff_all, cycle=rc.cycle, cadre=c)
    return cadres


def test_sample_draw_once_reproducible_and_verifications_created(rc):
    _many(rc, 17)
    for r in PersonalReport.objects.filter(cycle=rc.cycle)[:20]:
        submit(rc.staff_all, r)
    with pytest.raises(ValidationError) as e:  # before the deadline
        services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, today=DEADLINE)
    assert "截止日期" in str(e.value)
    with pytest.raises(PermissionDenied):
        services.sample_draw_create(user=rc.staff_a, cycle=rc.cycle, today=AFTER_DEADLINE)
    draw = services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="abc", today=AFTER_DEADLINE)
    assert draw.seed == "abc" and len(draw.pool) == 20 and len(draw.selected) == 2
    assert services.sample_reproduce(draw) == draw.selected
    assert set(Verification.objects.filter(draw=draw).values_list("report__cadre_id", flat=True)) == set(
        draw.selected
    )
    with pytest.raises(ValidationError) as e:
        services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, today=AFTER_DEADLINE)
    assert "不能重复抽取" in str(e.value)
    assert SampleDraw.objects.count() == 1 and Verification.objects.count() == 2


def test_sample_excludes_last_years_sample(rc):
    _many(rc, 27)
    prev_cycle = services.cycle_open(user=rc.staff_all, year=YEAR - 1, deadline=dt.date(YEAR, 1, 31))
    for r in PersonalReport.objects.filter(cycle__in=[rc.cycle, prev_cycle]):
        services.report_save_draft(user=rc.staff_all, report=r, answers=full_answers())
        services.report_submit(
            user=rc.staff_all, report=r, now=timezone.make_aware(dt.datetime(r.year + 1, 1, 5))
        )
    first = services.sample_draw_create(user=rc.staff_all, cycle=prev_cycle, seed="s1", today=AFTER_DEADLINE)
    second = services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="s1", today=AFTER_DEADLINE)
    assert len(first.selected) == 3 and len(second.selected) == 3
    assert not set(first.selected) & set(second.selected)
    assert second.excluded == sorted(first.selected) and not second.repeat_allowed


def test_sample_with_empty_pool_refused(rc):
    with pytest.raises(ValidationError) as e:
        services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, today=AFTER_DEADLINE)
    assert "尚无已提交" in str(e.value)
    assert not SampleDraw.objects.exists()


# --- verification ------------------------------------------------------------------------------


def _drawn(rc):
    submit(rc.staff_all, rc.report_a)
    draw = services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="x", today=AFTER_DEADLINE)
    return draw.verifications.get()


def test_verification_record_outcomes(rc):
    v = _drawn(rc)
    with pytest.raises(ValidationError) as e:
        services.verification_record(
            user=rc.staff_all,
            verification=v,
            item_outcomes={"P3": {"outcome": "omission", "evidence_source": "real_estate"}},
            evidence_sources=["real_estate"],
            handling="",
        )
    assert "处理方式" in str(e.value)
    v.refresh_from_db()
    assert v.status == "pending" and not v.item_outcomes.exists()
    services.verification_record(
        user=rc.staff_all,
        verification=v,
        item_outcomes={"P3": {"outcome": "omission", "evidence_source": "real_estate", "note": "漏报车位"}},
        evidence_sources=["real_estate"],
        handling="education",
        handling_note="批评教育，责令补报",
    )
    v.refresh_from_db()
    assert (v.status, v.outcome, v.handling) == ("done", "omission", "education")
    rc.report_a.refresh_from_db()
    assert v.version_id == rc.report_a.current_version_id
    assert v.item_outcomes.get().item.code == "P3"


def test_verifier_assignment_grants_recording(rc):
    v = _drawn(rc)
    with pytest.raises(PermissionDenied):
        services.verification_record(
            user=rc.verifier, verification=v, item_outcomes={}, evidence_sources=["banking"]
        )
    services.verification_assign(user=rc.staff_all, verification=v, verifier=rc.verifier)
    with pytest.raises(ValidationError):
        services.verification_assign(user=rc.staff_all, verification=v, verifier=rc.verifier)
    with pytest.raises(ValidationError):
        services.verification_assign(user=rc.staff_all, verification=v, verifier=rc.cadre_user)
    services.verification_record(
        user=rc.verifier, verification=v, item_outcomes={}, evidence_sources=["banking"]
    )
    assert Verification.objects.get(pk=v.pk).outcome == "consistent"


# --- targeted checks and publicity -------------------------------------------------------------


def test_targeted_check_opened_for_a_source_once(rc):
    submit(rc.staff_all, rc.report_a)
    v = open_check(rc.cadre_a, source_id=7)
    assert v.report == rc.report_a and v.kind == "targeted" and v.status == "pending"
    assert (v.source_type, v.source_id, v.proposed_post) == ("selection.candidate", 7, "副局长")
    assert v.source_label == "选拔任用人选 7，拟任副局长"
    assert open_check(rc.cadre_a, source_id=7) == v  # idempotent per source
    assert Verification.objects.filter(kind="targeted").count() == 1
    with pytest.raises(ValidationError):
        services.targeted_check_open(cadre=rc.cadre_a, source_type="", source_id=8)
    assert Verification.objects.filter(kind="targeted").count() == 1


def test_report_publicity_on_the_targeted_check(rc):
    submit(rc.staff_all, rc.report_a)
    today = timezone.localdate()
    v = open_check(rc.cadre_a)
    services.verification_record(
        user=rc.staff_all, verification=v, item_outcomes={}, evidence_sources=["real_estate"]
    )
    notice = services.notice_create(
        user=rc.staff_all, verification=v, start_date=today - dt.timedelta(days=1), location="镇政府公示栏"
    )
    # three working days, the national calendar (policy cadres.publicity_days.report)
    start = today - dt.timedelta(days=1)
    assert notice.end_date == cadre_rules.publicity_end(start, 3, cadre_rules.china_is_workday)
    assert notice.working_days == 3 and notice.kind == "report"
    assert (notice.source_type, notice.source_id) == ("reports.verification", v.pk)
    assert list(services.notices_of(v)) == [notice] and "张伟" in str(notice)
    assert "张伟" in notice.notice_text and "镇政府公示栏" in notice.notice_text
    fb = publicity.publicity_feedback_add(
        user=rc.staff_all, publicity=notice, received_on=today, channel="letter", content="反映有未报房产"
    )
    with pytest.raises(ValidationError):
        publicity.publicity_feedback_handle(user=rc.staff_all, feedback=fb, handling=" ")
    with pytest.raises(PermissionDenied):
        publicity.publicity_feedback_handle(user=rc.staff_b, feedback=fb, handling="x")
    publicity.publicity_feedback_handle(
        user=rc.staff_all, feedback=fb, handling="经核实为其父母房产，不属报告范围"
    )
    assert notice.feedback.get().handled


def test_out_of_scope_staff_cannot_post_publicity(rc):
    submit(rc.staff_all, rc.report_a)
    with pytest.raises(PermissionDenied):
        services.notice_create(
            user=rc.staff_b,
            verification=open_check(rc.cadre_a),
            start_date=timezone.localdate(),
            location="x",
        )


def test_candidate_without_report_gets_a_candidate_form(rc):
    v = open_check(rc.cadre_b, proposed_post="局长")
    assert v.report.kind == "candidate" and v.report.status == "not_started"
    with pytest.raises(ValidationError) as e:
        services.notice_create(
            user=rc.staff_all, verification=v, start_date=timezone.localdate(), location="公示栏"
        )
    assert "尚未提交" in str(e.value)
    with pytest.raises(ValidationError):
        services.verification_record(
            user=rc.staff_all, verification=v, item_outcomes={}, evidence_sources=["banking"]
        )


def test_notice_and_feedback_bad_input(rc):
    submit(rc.staff_all, rc.report_a)
    v = open_check(rc.cadre_a)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.notice_create(user=rc.staff_all, verification=v, start_date=today, location=" ")
    n = services.notice_create(user=rc.staff_all, verification=v, start_date=today, location="公示栏")
    with pytest.raises(ValidationError) as e:
        services.notice_create(
            user=rc.staff_all, verification=v, start_date=today + dt.timedelta(days=1), location="公示栏"
        )
    assert "重叠" in str(e.value)
    with pytest.raises(ValidationError) as e:
        publicity.publicity_feedback_add(
            user=rc.staff_all,
            publicity=n,
            received_on=today - dt.timedelta(days=1),
            channel="phone",
            content="x",
        )
    assert "公示期内" in str(e.value)
    assert not n.feedback.exists()


# --- major matters -----------------------------------------------------------------------------


def test_major_matter_only_by_top_leader(rc):
    today = timezone.localdate()
    ties = [{"circle": "social", "person": "赵某", "relation": "同学", "occupation": "某公司总经理"}]
    m = services.major_matter_create(
        user=rc.staff_all,
        cadre=rc.cadre_a,
        kind="social_ties",
        title="三圈情况",
        occurred_on=today,
        reported_on=today,
        description="同学聚会",
        ties=ties,
    )
    assert m.ties.count() == 1
    with pytest.raises(ValidationError) as e:  # 王芳 is a deputy
        services.major_matter_create(
            user=rc.staff_all,
            cadre=rc.cadre_a2,
            kind="other",
            title="x",
            occurred_on=today,
            reported_on=today,
            description="y",
        )
    assert "党政正职" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.major_matter_create(
            user=rc.staff_all,
            cadre=rc.cadre_a,
            kind="social_ties",
            title="x",
            occurred_on=today,
            reported_on=today,
            description="y",
        )
    assert "至少填写一名" in str(e.value)
    # the top leader through the linked account
    services.major_matter_create(
        user=rc.cadre_user,
        cadre=rc.cadre_a,
        kind="celebration",
        title="操办婚礼",
        occurred_on=today,
        reported_on=today,
        description="z",
    )
    with pytest.raises(PermissionDenied):
        services.major_matter_create(
            user=rc.staff_a,
            cadre=rc.cadre_b,
            kind="other",
            title="x",
            occurred_on=today,
            reported_on=today,
            description="y",
        )
    assert MajorMatterReport.objects.count() == 2


def test_history_rows_written(rc):
    submit(rc.staff_all, rc.report_a)
    v = open_check(rc.cadre_a)
    assert Events.objects.tracks(rc.report_a).filter(pgh_label="update").exists()
    assert Events.objects.tracks(rc.report_a.versions.get()).filter(pgh_label="update").exists()
    assert Events.objects.tracks(v).filter(pgh_label="insert").exists()
