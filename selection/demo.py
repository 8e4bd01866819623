"""Demo data of the selection process: a year of selections across the city's units, with
candidates flagged for each kind of 带病提拔 signal, one clearance over a flag (logged), letters
answered late, uneven 差额, and demo logins for a selection lead and two agency liaisons.

Two seeders around the reports app's (72: it completes the targeted checks of the
candidates): `seed` (70) opens the selections and nominates; `seed_progress` (74) answers
letters, records surveys, clears candidates and walks the selections to their stage."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cadre_supervision import registry
from cadre_supervision.permissions import SYSTEM
from cadres.choices import AssessmentGrade, CadreStatus, OrgKind, VerificationItem, VerificationStatus
from cadres.demo import DEMO_PASSWORD, _group
from cadres.models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    DossierVerification,
    Organization,
    Post,
    Sanction,
)

from . import rules, selectors, services
from .choices import AgencyKind, CandidateStatus, Method, RatioPoint, Stage
from .models import Agency, Candidate, OpinionLetter, Selection

AGENCIES = [
    ("市纪委监委", AgencyKind.DISCIPLINE),
    ("市人民检察院", AgencyKind.PROCURATORATE),
    ("市公安局", AgencyKind.POLICE),
    ("市审计局", AgencyKind.AUDIT),
]
# The designated signals (one candidate each); "concealment" comes from the reports seeder.
SIGNALS = ["sanction", "weak_grade", "unverified", "finding", "adverse"]
N_SELECTIONS = 12
# demo logins of the agencies' liaisons (password DEMO_PASSWORD), one per agency
LIAISONS = [
    ("jiwei_lianluo", "赵海燕", "市纪委监委"),
    ("jiancha_lianluo", "韩冬", "市人民检察院"),
    ("gongan_lianluo", "冯志强", "市公安局"),
    ("shenji_lianluo", "彭丽", "市审计局"),
]
KINDS = ("community", "neighbour", "police", "grid", "property")


def _users(root):
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)

    def user(username, name):
        u, _ = User.objects.get_or_create(username=username)
        u.first_name, u.password, u.email = name, password, f"{username}@example.gov.cn"
        u.save()
        return u

    staff = User.objects.filter(username="zuzhibu").first() or user("zuzhibu", "周敏")
    lead = user("xuanren", "钱立新")
    lead.groups.set([_group("selection_lead", "全市", [root])])
    liaisons = []
    for username, name, agency in LIAISONS:
        u = user(username, name)
        u.groups.set([_group("agency_liaison", agency, [])])
        liaisons.append(u)
    return staff, lead, liaisons


def _verify(cadre_ids):
    have = set(DossierVerification.objects.filter(cadre_id__in=cadre_ids).values_list("cadre_id", "item"))
    DossierVerification.objects.filter(cadre_id__in=cadre_ids).exclude(
        status=VerificationStatus.VERIFIED
    ).update(status=VerificationStatus.VERIFIED)
    DossierVerification.objects.bulk_create(
        [
            DossierVerification(
                cadre_id=c, item=i, status=VerificationStatus.VERIFIED, value="见档案", document="干部档案"
            )
            for c in cadre_ids
            for i in VerificationItem.values
            if (c, i) not in have
        ]
    )


def seed(*, today, rng, stdout):
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        return
    staff, lead, liaisons = _users(root)
    for order, ((name, kind), liaison) in enumerate(zip(AGENCIES, liaisons, strict=True), 1):
        a, _ = Agency.objects.get_or_create(name=name, defaults={"kind": kind, "order": order})
        a.liaisons.add(liaison)

    units = list(
        Organization.objects.filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.CITY_ORGAN], is_active=True).order_by(
            "path"
        )
    )
    rng.shuffle(units)
    active = list(Cadre.objects.filter(status=CadreStatus.ACTIVE).values_list("pk", flat=True))
    flagged = {w.cadre_id for w in registry.warnings_for(SYSTEM, active, blocks_promotion=True)}
    clean = [c for c in active if c not in flagged]
    rng.shuffle(clean)
    finding_cadres = [
        w.cadre_id for w in registry.warnings_for(SYSTEM, active, sources=["audits.open_finding"])
    ]
    used: set[int] = set()
    signals = list(SIGNALS)
    if not finding_cadres:
        signals.remove("finding")
    designated: dict[int, str] = {}
    made = 0
    for i in range(N_SELECTIONS):
        unit = units[i % len(units)]
        posts = list(
            Post.objects.filter(
                organization=unit, is_leading=True, top_leader_kind="", is_active=True
            ).order_by("id")[: 1 + (i % 3 == 0)]
        )
        if not posts:
            continue
        motion = today - dt.timedelta(days=360 - i * 31 - rng.randint(0, 4))
        selection = services.selection_create(
            user=staff,
            organization=unit,
            title=f"{unit.name}{'、'.join(p.title for p in posts)}选拔任用",
            posts=posts,
            reason=rng.choice(
                ["原任职干部交流任职，岗位空缺", "机构职能调整后新设岗位", "原任职干部退出领导岗位"]
            ),
            method=Method.COMPETITION if i % 5 == 4 else Method.RECOMMEND_INSPECT,
            proposed_by=rng.choice(["市委组织部部务会", "市委书记专题会", "单位党组（党委）"]),
            motion_date=motion,
        )
        services.selection_record(
            user=staff,
            selection=selection,
            meeting_date=motion + dt.timedelta(days=7),
            meeting_participants=rng.randint(35, 80),
            talk_participants=rng.randint(15, 30),
        )
        rec_day = motion + dt.timedelta(days=10)
        services.selection_advance(user=staff, selection=selection, today=rec_day)
        # uneven 差额: most selections have more nominees than posts, some only equal numbers
        per_post = 1 if i % 4 == 3 else rng.choice([2, 2, 3])
        for post in posts:
            for _k in range(per_post):
                if signals and rng.random() < 0.5:
                    kind = signals.pop(0)
                    pool = finding_cadres if kind == "finding" else clean
                else:
                    kind, pool = "", clean
                holders = set(
                    Appointment.objects.current(today)
                    .filter(post__organization=unit)
                    .values_list("cadre_id", flat=True)
                )
                cadre_id = next((c for c in pool if c not in used and c not in holders), None)
                if cadre_id is None:
                    continue
                used.add(cadre_id)
                if kind != "finding":
                    _verify([cadre_id])
                cand = services.candidate_nominate(
                    user=staff,
                    selection=selection,
                    cadre=Cadre.objects.get(pk=cadre_id),
                    post=post,
                    recommendation_votes=rng.randint(12, 60),
                    today=rec_day + dt.timedelta(days=3),
                )
                if kind:
                    designated[cand.pk] = kind
                    Candidate.objects.filter(pk=cand.pk).update(notes=f"{DEMO_NOTE}{kind}")
                    _signal(cand, kind, today)
        n = selection.candidates.count()
        services.ratio_record(
            user=staff,
            selection=selection,
            point=RatioPoint.NOMINATION,
            nominees=n,
            posts=len(posts),
            today=rec_day,
        )
        if n:
            services.selection_advance(user=staff, selection=selection, today=rec_day + dt.timedelta(days=4))
        made += 1
    stdout.write(
        f"  选拔任用：{made} 项，人选 {Candidate.objects.count()} 名（预设预警 {len(designated)} 名）"
    )


DEMO_NOTE = "演示预警："


def _designated(cand: Candidate) -> str:
    return cand.notes.removeprefix(DEMO_NOTE) if cand.notes.startswith(DEMO_NOTE) else ""


def _signal(cand: Candidate, kind: str, today: dt.date) -> None:
    if kind == "sanction":
        Sanction.objects.create(
            cadre=cand.cadre,
            track="party",
            kind="party_warning",
            decision_date=today - dt.timedelta(days=120),
            deciding_body="市纪委",
            reason="违反中央八项规定精神，违规收受礼金",
            bar_months=6,
            bar_end=today + dt.timedelta(days=60),
        )
    elif kind == "weak_grade":
        AnnualAssessment.objects.update_or_create(
            cadre=cand.cadre, year=today.year - 1, defaults={"grade": AssessmentGrade.BASIC}
        )
    elif kind == "unverified":
        DossierVerification.objects.filter(cadre=cand.cadre, item=VerificationItem.BIRTH_DATE).update(
            status=VerificationStatus.DOUBTFUL, note="档案中出生日期前后记载不一致"
        )


def seed_progress(*, today, rng, stdout):
    staff = get_user_model().objects.filter(username="zuzhibu").first()
    lead = get_user_model().objects.filter(username="xuanren").first()
    if staff is None or lead is None:
        return
    liaison_of = {a.pk: a.liaisons.first() for a in Agency.objects.all()}
    late = walked = 0
    for selection in Selection.objects.filter(created_by=staff).order_by("motion_date", "id"):
        age = (today - selection.motion_date).days
        cands = list(selection.candidates.select_related("cadre", "post"))
        if selection.stage != Stage.PREREVIEW:
            continue
        for cand in cands:
            kind = _designated(cand)
            for letter in OpinionLetter.objects.filter(candidate=cand).select_related("agency"):
                if age < 30 and rng.random() < 0.5:
                    continue  # recent: still waiting for some replies
                delay = (
                    rng.choice([2, 3, 3, 4, 4, 5, 8])
                    if letter.agency.kind != AgencyKind.DISCIPLINE
                    else rng.choice([2, 3, 4, 4, 9])
                )
                on = min(rules.add_working_days(letter.sent_on, delay, rules.china_is_workday), today)
                adverse = kind == "adverse" and letter.agency.kind == AgencyKind.DISCIPLINE
                services.letter_reply(
                    user=liaison_of.get(letter.agency_id) or lead,
                    letter=letter,
                    reply="issue" if adverse else "no_objection",
                    reply_text="反映该同志在项目审批中存在违规打招呼问题，正在初步核实。" if adverse else "",
                    replied_on=on,
                )
                late += on > letter.due_on
            for kind_ in KINDS:
                services.survey_add(
                    user=staff,
                    candidate=cand,
                    respondent_kind=kind_,
                    respondent_name="",
                    surveyed_on=min(cand.nominated_on + dt.timedelta(days=5), today),
                    family_virtue=rng.choice(["good", "good", "fair"]),
                    social_morality="good",
                    neighbourliness=rng.choice(["good", "fair"]),
                    law_abiding="good",
                    comments="",
                )
        if age < 45:
            continue  # recent selections stay in the pre-review
        for cand in cands:
            cand.refresh_from_db()
            check = selectors.checklist(cand, today)
            if check.clear:
                services.candidate_clear(user=staff, candidate=cand, today=today)
            elif _designated(cand) == "weak_grade":
                services.candidate_clear(
                    user=lead,
                    candidate=cand,
                    override_reason="基本称职系上年度因病长期休假所致，经考察本年度表现突出，部务会研究同意",
                    today=today,
                )
        cleared = [c for c in selection.candidates.all() if c.status == CandidateStatus.CLEARED]
        if not cleared:
            continue
        # 酝酿: the first selection walked is deliberated 等额 (below the policy minimum)
        _walk(selection, staff, cleared, today, rng, uneven=walked == 0)
        walked += 1
    appointed = Candidate.objects.filter(status=CandidateStatus.APPOINTED).count()
    stdout.write(f"  选拔任用推进：逾期答复的意见函 {late} 件，已任职 {appointed} 名")
    stdout.write(
        "  选拔任用演示账号（密码同上）：xuanren（选任工作负责人，可记录例外）；"
        + "、".join(f"{u}（{a}联络员）" for u, _n, a in LIAISONS)
    )


def _walk(selection, staff, cleared, today, rng, uneven: bool = False):
    """Inspection, 酝酿, decision, publicity and appointment, as far as the selection's age
    allows. `uneven`: the 酝酿 names as many as the posts (等额), below the 差额 minimum."""
    start = selection.motion_date + dt.timedelta(days=30)
    services.selection_record(
        user=staff,
        selection=selection,
        inspection_team="市委组织部考察组",
        inspection_talks=rng.randint(20, 45),
        inspection_conclusion="政治素质好，工作实绩突出，群众公认度高。",
    )
    services.selection_advance(user=staff, selection=selection, today=min(start, today))
    services.ratio_record(
        user=staff,
        selection=selection,
        point=RatioPoint.INSPECTION,
        nominees=len(cleared),
        posts=selection.posts.count(),
        today=min(start, today),
    )
    decide = min(start + dt.timedelta(days=14), today)
    posts = selection.posts.count()
    services.ratio_record(
        user=staff,
        selection=selection,
        point=RatioPoint.DELIBERATION,
        nominees=posts if uneven else max(len(cleared), posts + 1),
        posts=posts,
        today=min(start + dt.timedelta(days=10), today),
    )
    services.selection_advance(user=staff, selection=selection, today=decide)
    members = rng.choice([9, 11, 13])
    services.selection_record(
        user=staff,
        selection=selection,
        decision_date=decide,
        decision_members=members,
        decision_present=members - rng.randint(0, 2),
        decision_text="同意按程序任职。",
    )
    for c in cleared:
        services.candidate_update(
            user=staff, candidate=c, decision_for=members - 2, decision_against=1, decision_abstain=1
        )
    services.ratio_record(
        user=staff,
        selection=selection,
        point=RatioPoint.VOTE,
        nominees=len(cleared),
        posts=selection.posts.count(),
        today=decide,
    )
    pub = decide + dt.timedelta(days=3)
    if pub > today:
        return
    services.selection_advance(user=staff, selection=selection, today=pub)
    posted = services.publicity_open(
        user=staff, selection=selection, start_date=pub, location="市委组织部网站及单位公示栏", today=pub
    )
    publicity_end = max(p.end_date for p in posted)
    if publicity_end >= today:
        return
    services.selection_advance(user=staff, selection=selection, today=publicity_end + dt.timedelta(days=1))
    taken = set()
    for c in cleared:
        if c.post_id in taken:
            services.candidate_withdraw(user=staff, candidate=c, reason="差额人选，未被选用")
            continue
        taken.add(c.post_id)
        services.candidate_appoint(
            user=staff,
            candidate=c,
            start_date=publicity_end + dt.timedelta(days=3),
            document_no=f"市委干〔{today.year}〕{rng.randint(10, 199)}号",
        )
    services.selection_advance(
        user=staff, selection=selection, today=min(publicity_end + dt.timedelta(days=5), today)
    )


seed.appointment_gate = True
seed_progress.appointment_gate = True
