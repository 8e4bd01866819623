"""The selection world on top of the small city: agencies with liaisons, a selection lead,
a selection of 甲镇 for 镇长 with 张伟 nominated (dossier verified), one of 乙镇 for 李强."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadres.choices import VerificationItem, VerificationStatus
from cadres.models import DossierVerification
from selection import services
from selection.choices import AgencyKind, Method, Stage
from selection.models import Agency
from tests.factories import PostFactory, make_user

RATINGS = {
    "family_virtue": "good",
    "social_morality": "good",
    "neighbourliness": "fair",
    "law_abiding": "good",
}
KINDS = ("community", "neighbour", "police", "grid", "property")


def verify_all(cadre, status=VerificationStatus.VERIFIED):
    for item in VerificationItem.values:
        DossierVerification.objects.update_or_create(
            cadre=cadre, item=item, defaults={"status": status, "value": "x", "document": "档案"}
        )


def agencies(ns):
    ns.ag_jw = Agency.objects.create(name="市纪委监委", kind=AgencyKind.DISCIPLINE, order=1)
    ns.ag_jcy = Agency.objects.create(name="市人民检察院", kind=AgencyKind.PROCURATORATE, order=2)
    ns.ag_gaj = Agency.objects.create(name="市公安局", kind=AgencyKind.POLICE, order=3)
    ns.ag_sjj = Agency.objects.create(name="市审计局", kind=AgencyKind.AUDIT, order=4)
    ns.jw_liaison = make_user("jw_liaison", "agency_liaison", first_name="纪委联络员")
    ns.gaj_liaison = make_user("gaj_liaison", "agency_liaison", first_name="公安联络员")
    ns.ag_jw.liaisons.add(ns.jw_liaison)
    ns.ag_gaj.liaisons.add(ns.gaj_liaison)
    return ns


def answer_all(ns, cand, reply="no_objection"):
    liaison = {ns.ag_jw.pk: ns.jw_liaison, ns.ag_gaj.pk: ns.gaj_liaison}
    for letter in cand.letters.select_related("agency"):
        user = liaison.get(letter.agency_id, ns.admin)
        services.letter_reply(
            user=user, letter=letter, reply=reply, reply_text="" if reply != "issue" else "有线索"
        )


def survey_all(ns, cand, **over):
    for kind in KINDS:
        services.survey_add(user=ns.staff_all, candidate=cand, respondent_kind=kind, **{**RATINGS, **over})


def to_stage(ns, selection, stage):
    from selection.models import Selection

    Selection.objects.filter(pk=selection.pk).update(stage=stage, stage_since=timezone.localdate())
    selection.refresh_from_db()
    return selection


def sel_world(ns):
    """Built on `city`: returns the namespace with the selection fixtures added."""
    agencies(ns)
    ns.lead = make_user("lead", "selection_lead", [ns.root], first_name="选任负责人")
    ns.dep_b = PostFactory(organization=ns.town_b, title="副镇长")
    verify_all(ns.cadre_a)
    verify_all(ns.cadre_a2)
    verify_all(ns.cadre_b)
    motion = timezone.localdate() - dt.timedelta(days=10)
    ns.sel_a = services.selection_create(
        user=ns.staff_all,
        organization=ns.town_a,
        title="甲镇镇长选拔",
        posts=[ns.head_a],
        reason="镇长空缺",
        method=Method.RECOMMEND_INSPECT,
        proposed_by="市委组织部部务会",
        motion_date=motion,
    )
    ns.sel_b = services.selection_create(
        user=ns.staff_all,
        organization=ns.town_b,
        title="乙镇副镇长选拔",
        posts=[ns.dep_b],
        reason="副镇长空缺",
        method=Method.COMPETITION,
        proposed_by="市委组织部部务会",
        motion_date=motion,
    )
    to_stage(ns, ns.sel_a, Stage.RECOMMENDATION)
    to_stage(ns, ns.sel_b, Stage.RECOMMENDATION)
    ns.cand_a = services.candidate_nominate(
        user=ns.staff_all, selection=ns.sel_a, cadre=ns.cadre_a, post=ns.head_a
    )
    ns.cand_b = services.candidate_nominate(
        user=ns.staff_all, selection=ns.sel_b, cadre=ns.cadre_b, post=ns.dep_b
    )
    ns.letter_a = ns.cand_a.letters.get(agency=ns.ag_jw)
    ns.letter_b = ns.cand_b.letters.get(agency=ns.ag_jw)
    ns.letter_a_police = ns.cand_a.letters.get(agency=ns.ag_gaj)
    return ns


@pytest.fixture
def sel(city):
    return sel_world(city)
