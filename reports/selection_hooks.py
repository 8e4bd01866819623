"""The personal-matter side of a selection (凡提必核): a nominated candidate gets a targeted
verification (重点查核) of the latest report; its outcome is read back by the selection app
through registry.personal_matter_checks (selection never imports reports)."""

from __future__ import annotations

from django.utils import timezone

from cadre_supervision import events, registry
from cadres.models import Cadre

from .choices import CandidateStatus, Handling, Outcome, ReportKind, VerificationKind
from .models import PersonalReport, PromotionCandidate, Verification


def on_candidate_nominated(event: events.SelectionCandidateNominated) -> None:
    """Inside the nominating transaction: one open 拟提拔人选 record (the 凡提必核 part) per
    cadre, with its targeted verification."""
    from .services import catalogue_for_year, latest_submitted_report

    if PromotionCandidate.objects.filter(
        cadre_id=event.cadre_id, status=CandidateStatus.UNDER_REVIEW
    ).exists():
        return
    cadre = Cadre.objects.get(pk=event.cadre_id)
    today = timezone.localdate()
    report = latest_submitted_report(cadre)
    if report is None or report.year < today.year - 1:
        report = PersonalReport.objects.create(
            cadre=cadre, kind=ReportKind.CANDIDATE, year=today.year, catalogue=catalogue_for_year(today.year)
        )
    candidate = PromotionCandidate.objects.create(
        cadre=cadre,
        proposed_post=event.proposed_post[:200],
        report=report,
        marked_by_id=event.user_id,
        notes=f"选拔任用人选（编号 {event.selection_id}-{event.candidate_id}）",
    )
    Verification.objects.create(report=report, kind=VerificationKind.TARGETED, candidate=candidate)


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
            kind=VerificationKind.TARGETED, status="pending", candidate__notes__startswith="选拔任用人选"
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
    stdout.write(f"  选拔任用人选的个人有关事项重点查核：完成 {done} 项，进行中 {len(pending) - done} 项")
