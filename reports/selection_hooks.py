"""The personal-matter side of a selection (凡提必核): a nominated candidate gets a targeted
verification (重点查核) of the latest report; its outcome is read back by the selection app
through registry.personal_matter_checks (selection never imports reports)."""

from __future__ import annotations

from django.utils import timezone

from cadre_supervision import events, registry
from cadres.models import Cadre

from .choices import Handling, Outcome, VerificationKind
from .models import Verification

SOURCE_TYPE = "selection.candidate"


def on_candidate_nominated(event: events.SelectionCandidateNominated) -> None:
    """Inside the nominating transaction: the candidate's targeted verification (凡提必核),
    referenced by the selection candidate's id (once per candidate)."""
    from .services import targeted_check_open

    targeted_check_open(
        cadre=Cadre.objects.get(pk=event.cadre_id),
        source_type=SOURCE_TYPE,
        source_id=event.candidate_id,
        proposed_post=event.proposed_post,
    )


def personal_matter_checks(user, cadre_ids) -> dict[int, registry.PersonalMatterCheck]:
    """The latest targeted verification of each cadre, as `user` may see it."""
    outcome_labels = dict(Outcome.choices)
    handling_labels = dict(Handling.choices)
    out: dict[int, registry.PersonalMatterCheck] = {}
    qs = (
        Verification.objects.restrict(user, "view")
        .filter(kind=VerificationKind.TARGETED, report__cadre_id__in=list(cadre_ids))
        .select_related("report")
        .order_by("report__cadre_id", "-created_at", "-id")
    )
    for v in qs:
        cid = v.report.cadre_id
        if cid in out:
            continue
        handling = ""
        if v.handling and v.handling != Handling.NONE:
            handling = str(handling_labels.get(v.handling, v.handling))
            if v.handling_note:
                handling += f"（{v.handling_note}）"
        out[cid] = registry.PersonalMatterCheck(
            cadre_id=cid,
            status=v.status,
            outcome=v.outcome,
            outcome_label=str(outcome_labels.get(v.outcome, "")),
            handling=handling,
            url=v.get_absolute_url(),
        )
    return out


def register() -> None:
    registry.on(events.SelectionCandidateNominated, on_candidate_nominated)
    registry.register_personal_matter_check("reports.targeted", personal_matter_checks)
    registry.register_demo_seeder(72, seed_selection_checks)  # between the selection seeders


def seed_selection_checks(*, today, rng, stdout):
    """Demo: the targeted checks of the selection demo's candidates are done (the reports side
    of 凡提必核): the first finds a concealment, the second an omission (handled), the last two
    stay in progress, the others are consistent."""
    pending = list(
        Verification.objects.filter(
            kind=VerificationKind.TARGETED, status="pending", source_type=SOURCE_TYPE
        ).order_by("id")
    )
    now = timezone.now()
    plan = {
        0: (Outcome.CONCEALMENT, Handling.DISQUALIFY, "瞒报配偶名下房产一套"),
        1: (Outcome.OMISSION, Handling.EDUCATION, "漏报因私出国一次，已补报"),
    }
    done = 0
    for i, v in enumerate(pending[:-2] if len(pending) > 4 else pending):
        outcome, handling, note = plan.get(i, (Outcome.CONSISTENT, Handling.NONE, ""))
        Verification.objects.filter(pk=v.pk).update(
            status="done", outcome=outcome, handling=handling, handling_note=note, completed_at=now
        )
        done += 1
    from django.contrib.auth import get_user_model

    from .demo import seed_report_publicity

    User = get_user_model()
    staff = (
        User.objects.filter(username="zuzhibu", is_active=True).first()
        or User.objects.filter(is_superuser=True).first()
    )
    posted = 0
    if staff is not None:
        consistent = (
            Verification.objects.filter(
                kind=VerificationKind.TARGETED, source_type=SOURCE_TYPE, outcome=Outcome.CONSISTENT
            )
            .select_related("report")
            .order_by("id")
        )
        posted = seed_report_publicity(staff=staff, verifications=list(consistent), today=today)
    stdout.write(
        f"  选拔任用人选的个人有关事项重点查核：完成 {done} 项，进行中 {len(pending) - done} 项；报告表公示 {posted} 项"
    )
