"""Pickers on forms and filters: only the selected option is rendered, an out-of-scope id is
"选择的对象不存在" and nothing is saved, list pages carry no option per organization, active
filters are removable chips and "any" reads 全部."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from cadres.models import Post
from tests.factories import CadreFactory, OrganizationFactory

NOT_FOUND = "选择的对象不存在。"


def options(html: str) -> int:
    return len(re.findall(r"<option\b", html))


# --- forms: one per app -------------------------------------------------------------------------


def test_cadres_post_form_refuses_an_out_of_scope_unit_and_saves_nothing(client, city):
    client.force_login(city.staff_a)
    page = client.get(reverse("cadres:post_create")).content.decode()
    assert 'data-lookup="/api/v1/lookup/organizations/"' in page and 'data-lookup-action="change"' in page
    assert "乙镇" not in page
    resp = client.post(
        reverse("cadres:post_create"),
        {"organization": city.town_b.pk, "title": "越权岗位", "is_leading": "on", "sort_order": 1},
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["organization"] == [NOT_FOUND]
    assert not Post.objects.filter(title="越权岗位").exists()


def test_interviews_special_talk_form_refuses_out_of_scope_cadre(city):
    from interviews.forms import SpecialTalkForm

    form = SpecialTalkForm(
        data={"cadre": city.cadre_b.pk, "trigger": SpecialTalkForm.base_fields["trigger"].choices[0][0]},
        user=city.staff_a,
    )
    assert not form.is_valid() and form.errors["cadre"] == [NOT_FOUND]
    ok = SpecialTalkForm(data={"cadre": city.cadre_a.pk}, user=city.staff_a)
    ok.is_valid()
    assert "cadre" not in ok.errors


def test_audits_create_form_refuses_out_of_scope_appointment(city):
    from audits.forms import AuditCreateForm

    form = AuditCreateForm(
        data={"appointment": city.appt_b.pk, "kind": "departure", "year": 2026}, user=city.staff_a
    )
    assert not form.is_valid() and form.errors["appointment"] == [NOT_FOUND]
    form = AuditCreateForm(data={"appointment": city.appt_a.pk, "year": 2026}, user=city.staff_a)
    form.is_valid()
    assert "appointment" not in form.errors


def test_rotations_exchange_form_renders_only_the_selected_options(city):
    from rotations.forms import ExchangeForm

    for i in range(30):
        CadreFactory(name=f"候选{i}", organization=city.town_a)
    form = ExchangeForm(data={"cadre": city.cadre_a.pk, "to_post": city.sec_b.pk}, user=city.staff_a)
    assert not form.is_valid()
    assert form.errors["to_post"] == [NOT_FOUND]
    html = str(form["cadre"])
    assert options(html) == 2 and "张伟（甲镇）" in html and "selected" in html and "候选" not in html
    assert 'data-lookup-set="active"' in html and 'data-lookup-action="manage_rotations"' in html
    form = ExchangeForm(data={"cadre": city.cadre_b.pk}, user=city.staff_a)
    assert not form.is_valid() and form.errors["cadre"] == [NOT_FOUND]


def test_selection_exception_form_refuses_out_of_scope_cadre(city):
    from selection.forms import ExceptionForm

    form = ExceptionForm(data={"cadre": city.cadre_b.pk, "reason": "x"}, user=city.staff_a)
    assert not form.is_valid() and form.errors["cadre"] == [NOT_FOUND]


def test_a_non_numeric_id_is_the_same_error(city):
    from rotations.forms import AvoidanceForm

    form = AvoidanceForm(
        data={"cadre": "1 OR 1=1", "reason": "x", "raised_on": "2026-01-05"}, user=city.staff_a
    )
    assert not form.is_valid() and form.errors["cadre"] == [NOT_FOUND]


def test_interviewers_are_a_multi_picker(city):
    from interviews.forms import RecordForm

    html = str(RecordForm(user=city.staff_all)["interviewers"])
    assert "multiple" in html and 'data-lookup="/api/v1/lookup/users/"' in html and options(html) == 0


# --- list pages -----------------------------------------------------------------------------------


def test_list_pages_carry_no_option_per_organization(client, city):
    for i in range(120):
        OrganizationFactory(name=f"新设单位{i}", kind="township", parent=city.root)
    client.force_login(city.staff_all)
    for name in ("cadres:cadre_list", "cadres:post_list", "rotations:exchange_list", "audits:audit_list"):
        body = client.get(reverse(name)).content.decode()
        assert "新设单位" not in body, name
        assert options(body) < 80, (name, options(body))
    # with a unit chosen, that one unit is the filter's only option
    body = client.get(reverse("cadres:cadre_list"), {"organization": city.town_a.pk}).content.decode()
    select = re.search(r'<select name="organization".*?</select>', body, re.S).group(0)
    assert options(select) == 2 and "甲镇" in select


def test_filter_by_out_of_scope_unit_is_a_form_error_not_a_leak(client, city):
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:cadre_list"), {"organization": city.town_b.pk})
    body = resp.content.decode()
    assert NOT_FOUND in body and "李强" not in body and "乙镇" not in body


def test_active_filters_are_removable_chips(client, city):
    client.force_login(city.staff_all)
    url = reverse("cadres:cadre_list")
    resp = client.get(url, {"organization": city.town_a.pk, "top_leader": "true"})
    body = resp.content.decode()
    chips = re.findall(r'<span class="filter-chip">(.*?)<a href="([^"]*)"', body)
    labels = {text: href for text, href in chips}
    assert "单位（含下级）：甲镇" in labels and "一把手：是" in labels
    removed = labels["单位（含下级）：甲镇"].replace("&amp;", "&")
    assert "organization=" not in removed and "top_leader=true" in removed
    assert client.get(url).content.decode().count('class="filter-chip"') == 0


def test_any_reads_all_in_choice_and_boolean_filters(client, city):
    client.force_login(city.staff_all)
    for name in ("cadres:cadre_list", "cadres:post_list", "audits:finding_list", "rotations:leave_list"):
        body = client.get(reverse(name)).content.decode()
        form = re.search(r'<form method="get" class="filters.*?</form>', body, re.S).group(0)
        assert "---------" not in form and "未知" not in form, name
        assert "全部" in form, name


def test_no_filter_asks_for_a_raw_id(client, city):
    client.force_login(city.staff_all)
    for name in (
        "interviews:required_list",
        "interviews:record_list",
        "audits:audit_list",
        "audits:finding_list",
        "reports:verification_list",
    ):
        resp = client.get(reverse(name))
        assert resp.status_code == 200, name
        form = re.search(r'<form method="get" class="filters.*?</form>', resp.content.decode(), re.S).group(0)
        assert "编号" not in form, name
        assert not re.search(r'type="number" name="(?!year)', form), name


def test_organization_tree_counts_scope_in_one_grouped_query(client, city, django_assert_max_num_queries):
    village = OrganizationFactory(name="甲村", kind="township", parent=city.town_a)
    CadreFactory(name="村干部", organization=village, birth_date=dt.date(1980, 1, 1))
    client.force_login(city.staff_all)
    resp = client.get(reverse("cadres:organization_tree"))
    body = resp.content.decode()
    assert "甲村" not in body  # third level: on demand
    (root,) = resp.context["tree"]
    assert root.cadres_in_subtree == 4
    part = client.get(reverse("cadres:organization_children", args=[city.town_a.pk]))
    (node,) = part.context["nodes"]
    assert node.org == village and node.cadres == 1 and not node.has_children


def test_year_filter_shows_the_year_the_page_shows(client, city):
    from django.utils import timezone

    client.force_login(city.staff_all)
    this = timezone.localdate().year
    body = client.get(reverse("rotations:plan_list")).content.decode()
    assert f"<h1>{this}年度" in body and f'name="year" value="{this}"' in body
    body = client.get(reverse("rotations:plan_list"), {"year": "20x6"}).content.decode()
    assert f"<h1>{this}年度" in body and f'name="year" value="{this}"' in body


def test_access_log_object_type_is_chosen_by_name(client, city):
    from cadre_supervision.accesslog import log_access
    from cadre_supervision.models import AccessLog

    log_access(user=city.admin, action=AccessLog.Action.VIEW_CITIZEN_ID, obj=city.cadre_a)
    client.force_login(city.admin)
    body = client.get(reverse("admin_access_log")).content.decode()
    form = re.search(r'<form method="get" class="filters.*?</form>', body, re.S).group(0)
    assert '<option value="cadres.cadre">干部</option>' in form
    assert "例如 cadres.cadre" not in form
