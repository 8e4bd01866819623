"""How the evaluations app meets the others: its warning source, timeline entries, cadre-page
panel, integrity-file section, sweep source and statistics section (registered in ready())."""

from __future__ import annotations

from cadre_supervision import policy, registry
from cadre_supervision.notifications import ReminderSpec, register_kind_label
from cadre_supervision.permissions import SYSTEM, has_org_perm

from . import selectors
from .choices import LetterStatus


def timeline_many(cadre_ids, user):
    """Evaluation grades, care letters and their 提醒谈话 on the integrity file's timeline, for
    many cadres at once (the integrity-scope selectors, one query each)."""
    ids = list(cadre_ids)
    subjects = selectors.results_of_cadres(user=user, cadre_ids=ids, action="integrity").filter(grade__gt="")
    for s in subjects:
        yield (
            s.cadre_id,
            registry.TimelineEntry(
                date=s.graded_on,
                kind="evaluations.grade",
                label="阳光评议",
                title=f"{s.year}年度阳光评议：{s.get_grade_display()}",
                detail=f"{s.organization.name}{s.post_title}，综合得分 {s.score}",
                url=s.get_absolute_url(),
            ),
        )
    for d in selectors.democratic_of_cadres(user=user, cadre_ids=ids, action="integrity"):
        yield (
            d.cadre_id,
            registry.TimelineEntry(
                date=d.held_on,
                kind="evaluations.democratic",
                label="民主测评",
                title=f"{d.year}年度民主测评（{d.participants}人参评）",
                url=d.get_absolute_url(),
            ),
        )
    letters = selectors.letters_of_cadres(user=user, cadre_ids=ids, action="integrity").exclude(
        status__in=[LetterStatus.PROPOSED, LetterStatus.DISMISSED]
    )
    for letter in letters:
        yield (
            letter.cadre_id,
            registry.TimelineEntry(
                date=letter.sent_on,
                kind="evaluations.care_letter",
                label="关爱提醒函",
                title=f"发送关爱提醒函（{letter.get_status_display()}）",
                detail="；".join(letter.reasons),
                url=letter.get_absolute_url(),
            ),
        )
        yield (
            letter.cadre_id,
            registry.TimelineEntry(
                date=letter.sent_on,
                kind="evaluations.reminder_talk",
                label="提醒谈话",
                title="因关爱提醒函安排提醒谈话",
                url=selectors.reminder_talks_url(letter.cadre_id, letter.sent_on.year),
            ),
        )


timeline = registry.timeline_of_one(timeline_many)


def _section_rows_many(cadres, user) -> dict[int, dict]:
    """The section's rows of each of `cadres` (results, letters, democratic evaluations: the
    integrity-scope selectors, one query each and one for the ratings)."""
    out = {
        c.pk: {
            "results": [],
            "letters": [],
            "democratic": [],
            "talks_url": selectors.reminder_talks_url(c.pk),
        }
        for c in cadres
    }
    ids = list(out)
    for s in selectors.results_of_cadres(user=user, cadre_ids=ids, action="integrity"):
        out[s.cadre_id]["results"].append(s)
    for letter in selectors.letters_of_cadres(user=user, cadre_ids=ids, action="integrity"):
        out[letter.cadre_id]["letters"].append(letter)
    for d in selectors.democratic_of_cadres(user=user, cadre_ids=ids, action="integrity").prefetch_related(
        "ratings"
    ):
        out[d.cadre_id]["democratic"].append(d)
    return out


def integrity_build_many(cadres, user) -> dict[int, dict]:
    cadres = list(cadres)
    by_pk = {c.pk: c for c in cadres}
    return {pk: {"cadre": by_pk[pk], **rows} for pk, rows in _section_rows_many(cadres, user).items()}


EXPORT_HEADER = ["日期", "类别", "内容", "结果"]


def integrity_export_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    out = {}
    for pk, rows in _section_rows_many(cadres, user).items():
        lines = [
            [
                s.graded_on,
                "阳光评议",
                f"{s.year}年度 {s.organization.name}{s.post_title}",
                s.get_grade_display() or "未定等",
            ]
            for s in rows["results"]
        ]
        lines += [
            [
                letter.sent_on or letter.proposed_on,
                "关爱提醒函",
                "；".join(letter.reasons),
                letter.get_status_display(),
            ]
            for letter in rows["letters"]
        ]
        lines += [
            [d.held_on, "民主测评", f"{d.year}年度", f"{d.participants}人参评"] for d in rows["democratic"]
        ]
        out[pk] = (list(EXPORT_HEADER), lines)
    return out


integrity_build = registry.section_of_one(integrity_build_many)
integrity_export = registry.section_of_one(integrity_export_many)


def cadre_panel(cadre, user):
    results = list(selectors.results_of_cadre(user=user, cadre=cadre, action="integrity"))
    letters = list(selectors.letters_of_cadre(user=user, cadre=cadre, action="integrity"))
    if not results and not letters:
        return None
    return {
        "title": "阳光评议与关爱提醒",
        "template": "evaluations/panels/cadre_panel.html",
        "context": {
            "results": results,
            "letters": letters,
            "can_manage": has_org_perm(user, "manage_evaluations", cadre.organization_id),
        },
    }


def sweep_letters_unacknowledged(today):
    """Letters sent and not acknowledged past the policy's days: remind who created them."""
    days = policy.get("evaluations.letter_ack_days")
    for letter in selectors.letters_awaiting(user=SYSTEM).filter(status=LetterStatus.SENT):
        due = selectors.letter_due(letter, days)
        if due is None or due >= today or letter.created_by_id is None:
            continue
        yield ReminderSpec(
            recipient_id=letter.created_by_id,
            kind="evaluations.letter_unacknowledged",
            period=str(today.year),
            title=f"关爱提醒函逾期未签收：{letter.cadre.name}",
            body=f"{letter.sent_on:%Y-%m-%d} 发送的关爱提醒函应于 {due:%Y-%m-%d} 前签收说明。",
            url=letter.get_absolute_url(),
            object_type="evaluations.careletter",
            object_id=str(letter.pk),
        )


def register() -> None:
    registry.register_warning_source(
        registry.WarningSource(
            selectors.WEAK_SOURCE,
            "阳光评议等次较差",
            selectors.collect_weak_grades,
            level="orange",
            weight=2,
            channel="evaluations",
            blocks_promotion=True,
            raises=("red",),  # 不称职
        )
    )
    registry.register_timeline_source("evaluations", timeline, many=timeline_many)
    registry.register_integrity_section(
        registry.IntegritySection(
            key="evaluations",
            title="阳光评议、民主测评与关爱提醒函",
            order=45,
            build=integrity_build,
            template="evaluations/integrity_section.html",
            export=integrity_export,
            build_many=integrity_build_many,
            export_many=integrity_export_many,
        )
    )
    if cadre_panel not in registry.cadre_page_panels:
        registry.cadre_page_panels.append(cadre_panel)
    registry.register_sweep_source("evaluations.letter_unacknowledged", sweep_letters_unacknowledged)
    register_kind_label("evaluations", "阳光评议与关爱提醒")
    registry.stats_sections["evaluations"] = "/api/v1/stats/evaluations/"
