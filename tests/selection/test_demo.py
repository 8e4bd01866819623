"""The selection demo over the small demo city: a year of selections, flagged candidates of
several kinds, one logged override, letters answered late, uneven 差额; the logins work."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cadre_supervision import policy, registry
from cadre_supervision.permissions import SYSTEM
from cadres.models import Publicity
from selection import rules
from selection.choices import CandidateStatus
from selection.demo import DEMO_NOTE
from selection.models import Candidate, GateException, OpinionLetter, RatioRecord, Selection
from selection.stats import selection_stats

pytestmark = pytest.mark.django_db


def test_demo_selections(selection_gate):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "0.05", stdout=out)
    text = out.getvalue()
    assert "选拔任用：" in text
    assert Selection.objects.count() >= 6
    assert Candidate.objects.count() >= 6
    late = [x for x in OpinionLetter.objects.exclude(replied_on=None) if x.replied_on > x.due_on]
    assert late
    assert RatioRecord.objects.filter(point="nomination", nominees__lte=1).exists()  # 等额
    assert RatioRecord.objects.filter(point="nomination", nominees__gte=2).exists()  # 差额
    assert Candidate.objects.filter(status=CandidateStatus.APPOINTED).exists()
    # 酝酿 is recorded wherever a decision was taken; one is 等额, below the policy minimum
    decided = Selection.objects.exclude(decision_date=None)
    assert decided and all(s.ratios.filter(point="deliberation").exists() for s in decided)
    minimum = policy.get("selection.min_ratio.deliberation")
    below = [
        r
        for r in RatioRecord.objects.filter(point="deliberation")
        if not rules.ratio_ok(r.nominees, r.posts, minimum)
    ]
    assert len(below) == 1
    # the appointed went through the shared 任前公示 (cadres.Publicity), one row per candidate
    for c in Candidate.objects.filter(status=CandidateStatus.APPOINTED):
        assert Publicity.objects.filter(
            kind="appointment", cadre=c.cadre, source_type="selection.selection", source_id=c.selection_id
        ).exists()
    kinds = {
        w.kind.split(".")[0] + "." + w.kind.split(".")[1]
        for w in registry.warnings_for(
            SYSTEM,
            list(Candidate.objects.values_list("cadre_id", flat=True)),
            blocks_promotion=True,
        )
    }
    # every candidate the demo gave a signal shows it as a 带病提拔 flag (how many kinds are
    # reached depends on the city's size: all five at scale 1)
    expected = {
        "sanction": "cadres.sanction_bar",
        "weak_grade": "cadres.weak_assessment",
        "unverified": "cadres.dossier_unverified",
        "finding": "audits.open_finding",
        "adverse": "selection.adverse_reply",
    }
    # the kind is the note's first line (a withdrawn candidate's reason follows it)
    given = {
        c.notes.removeprefix(DEMO_NOTE).split("\n")[0]
        for c in Candidate.objects.filter(notes__startswith=DEMO_NOTE)
    }
    assert given and {expected[k] for k in given} <= kinds
    # the weak-grade candidate is cleared over its flag: the one logged override
    overrides = GateException.objects.filter(kind="clearance").count()
    assert overrides == (1 if "weak_grade" in given else 0)
    stats = selection_stats(SYSTEM, year=None)
    assert stats["selections"] == Selection.objects.count()
