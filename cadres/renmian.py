"""干部任免审批表: the national two-page form, filled from the dossier.

`build()` gathers the values once (through restrict(), as the user may see them); the .docx
(python-docx, `docx_bytes`) and the print page (templates/cadres/renmian_print.html) are two
renderings of the same `RenmianData`, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from django.utils import timezone

from . import rules, selectors
from .choices import RewardKind
from .models import (
    AnnualAssessment,
    Cadre,
    CadrePhoto,
    EducationRecord,
    FamilyMember,
    RewardPunishment,
    Sanction,
)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OPINION_BLANK = "（盖章）\n年    月    日"
ASSESSMENT_YEARS = 3


@dataclass
class FamilyRow:
    relation: str
    name: str
    birth: str
    political_status: str
    employer_post: str


@dataclass
class RenmianData:
    name: str
    gender: str
    birth: str
    ethnicity: str
    native_place: str
    birth_place: str
    party_join: str
    work_start: str
    health: str
    professional_title: str
    expertise: str
    full_time_education: str
    full_time_school: str
    in_service_education: str
    in_service_school: str
    current_post: str
    proposed_post: str
    removed_post: str
    resume: rules.ResumeFit
    rewards: str
    assessments: str
    reason: str
    family: list[FamilyRow]
    submitting_unit: str
    submit_date: str
    approval_opinion: str = OPINION_BLANK
    admin_opinion: str = OPINION_BLANK
    filled_by: str = ""
    photo: bytes | None = None
    photo_type: str = ""
    has_photo_url: bool = False
    cadre_id: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def family_rowspan(self) -> int:
        return max(len(self.family), 1) + 1


def _education(rec: EducationRecord | None) -> tuple[str, str]:
    if rec is None:
        return "", ""
    level = " ".join(x for x in (rec.get_level_display(), rec.degree) if x)
    school = "".join(x for x in (rec.school, rec.department, rec.major) if x)
    return level, school


def _chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def reward_lines(rewards, sanctions) -> list[str]:
    """奖惩情况: rewards and punishments, and the sanctions, by date ("无" when none)."""
    items = [
        (
            r.date,
            f"{rules.month(r.date)}  {r.issuing_body}{'给予' if r.kind == RewardKind.PUNISHMENT else '授予'}{r.title}"
            + (f"（{r.document_no}）" if r.document_no else ""),
        )
        for r in rewards
    ]
    items += [
        (
            s.decision_date,
            f"{rules.month(s.decision_date)}  {s.deciding_body}给予{s.get_kind_display().split('（')[0]}"
            f"{'处分' if not s.get_kind_display().endswith('处分') else ''}"
            + (f"（{s.document_no}）" if s.document_no else ""),
        )
        for s in sanctions
    ]
    return [text for _d, text in sorted(items, key=lambda x: x[0])]


def assessment_text(assessments, today: dt.date, years: int = ASSESSMENT_YEARS) -> str:
    """年度考核结果 of the last `years` years: "2023年度称职；2024年度优秀；2025年度称职"."""
    recent = sorted((a for a in assessments if a.year >= today.year - years), key=lambda a: a.year)[-years:]
    return "；".join(f"{a.year}年度{a.get_grade_display()}" for a in recent)


def build(*, user, cadre: Cadre, proposal: dict, today: dt.date | None = None) -> RenmianData:
    """The form's values for `cadre` (already read through restrict()) and the proposal."""
    today = today or timezone.localdate()
    education = list(EducationRecord.objects.restrict(user, "view").filter(cadre=cadre))
    ft = _education(rules.highest_education(education, full_time=True))
    ps = _education(rules.highest_education(education, full_time=False))
    current = [a for a in selectors.cadre_appointments(cadre=cadre) if a.is_current(today)]
    cadre.current_appointments = current
    current.sort(key=lambda a: (a.is_secondment, not a.post.is_top_leader, a.start_date))
    resume = selectors.cadre_resume(cadre=cadre, today=today)
    rewards = list(RewardPunishment.objects.restrict(user, "view").filter(cadre=cadre))
    sanctions = list(Sanction.objects.restrict(user, "view").filter(cadre=cadre))
    assessments = list(AnnualAssessment.objects.restrict(user, "view").filter(cadre=cadre))
    family = [
        FamilyRow(
            m.relation,
            m.name,
            rules.month(m.birth_month),
            m.get_political_status_display() if m.political_status else "",
            m.employer_post,
        )
        for m in FamilyMember.objects.restrict(user, "view").filter(cadre=cadre)
    ]
    photo = CadrePhoto.objects.restrict(user, "view").filter(cadre=cadre).first()
    photo_bytes = None
    if photo is not None:
        with photo.image.open("rb") as fh:
            photo_bytes = fh.read()
    lines = [r.formatted for r in resume.rows]
    return RenmianData(
        name=cadre.name,
        gender=cadre.get_gender_display(),
        birth=rules.month_with_age(cadre.birth_date, today),
        ethnicity=cadre.ethnicity,
        native_place=cadre.native_place,
        birth_place=cadre.birth_place,
        party_join=rules.month(cadre.party_join_date),
        work_start=rules.month(cadre.work_start_date),
        health=cadre.health,
        professional_title=cadre.professional_title,
        expertise=cadre.expertise,
        full_time_education=ft[0],
        full_time_school=ft[1],
        in_service_education=ps[0],
        in_service_school=ps[1],
        current_post="、".join(selectors.tenure_resume_text(a) for a in current),
        proposed_post=(proposal.get("proposed_post") or "").strip(),
        removed_post=(proposal.get("removed_post") or "").strip(),
        resume=rules.fit_resume(lines),
        rewards="\n".join(reward_lines(rewards, sanctions)) or "无",
        assessments=assessment_text(assessments, today) or "无",
        reason=(proposal.get("reason") or "").strip(),
        family=family,
        submitting_unit=(proposal.get("submitting_unit") or "").strip(),
        submit_date=_chinese_date(proposal["submit_date"]) if proposal.get("submit_date") else "",
        filled_by=(proposal.get("filled_by") or "").strip(),
        photo=photo_bytes,
        photo_type=photo.content_type if photo else "",
        has_photo_url=photo is not None,
        cadre_id=cadre.pk,
    )


# --- the .docx ------------------------------------------------------------------------------------

LABEL_FONT = "宋体"
VALUE_FONT = "仿宋"
LABEL_PT = 12
VALUE_PT = 12
PAGE_ONE_COLS_CM = (2.4, 2.5, 1.8, 2.6, 2.6, 2.6, 3.2)  # 7 columns, 17.7 cm


def run_font(run, name: str, pt: float, bold: bool = False) -> None:
    """Set a run's font, size and weight, the East Asian font included (Word reads that one
    for Chinese text)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set(cell, text: str, *, label: bool = False, pt: float | None = None, align: str = "center") -> None:
    """Write `text` (lines split on \\n) into `cell`, replacing what is there."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    alignments = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.CENTER if align != "left" else WD_CELL_VERTICAL_ALIGNMENT.TOP
    )
    lines = (text or "").split("\n")
    first = cell.paragraphs[0]
    for p in cell.paragraphs[1:]:
        p._element.getparent().remove(p._element)
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.alignment = alignments[align]
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(0)
        run_font(
            p.add_run(line), LABEL_FONT if label else VALUE_FONT, pt or (LABEL_PT if label else VALUE_PT)
        )


def _resume_cell(cell, lines: list[str], pt: float) -> None:
    """Résumé lines with a hanging indent: a wrapped line continues under the text, not the date."""
    from docx.shared import Pt

    _set(cell, "\n".join(lines) if lines else "", pt=pt, align="left")
    indent = Pt(pt * rules.RESUME_PERIOD_CHARS / 2)
    for p in cell.paragraphs:
        p.paragraph_format.left_indent = indent
        p.paragraph_format.first_line_indent = -indent


def _row_height(row, cm: float) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm

    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY


def _widths(table, widths_cm) -> None:
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def _title(doc, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(p.add_run(text), LABEL_FONT, 22, bold=True)


def docx_document(data: RenmianData):
    """The python-docx Document of the form (two A4 pages)."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin = section.right_margin = Cm(1.65)
    _title(doc, "干部任免审批表")

    # Page one: 10 rows x 7 columns; the photo spans the first four rows of the last column.
    t = doc.add_table(rows=10, cols=7)
    t.style = "Table Grid"
    _widths(t, PAGE_ONE_COLS_CM)
    c = [row.cells for row in t.rows]
    for r in range(4):
        _row_height(t.rows[r], 1.35)
    for r in (4, 5):
        _row_height(t.rows[r], 1.5)
    for r in (6, 7, 8):
        _row_height(t.rows[r], 1.3)
    _row_height(t.rows[9], 11.2)
    _set(c[0][0], "姓  名", label=True)
    _set(c[0][1], data.name)
    _set(c[0][2], "性别", label=True)
    _set(c[0][3], data.gender)
    _set(c[0][4], "出生年月\n（  岁）", label=True)
    _set(c[0][5], data.birth, pt=10.5)
    photo = c[0][6].merge(c[3][6])
    if data.photo:
        photo.paragraphs[0].add_run().add_picture(BytesIO(data.photo), width=Cm(2.6), height=Cm(3.6))
    else:
        _set(photo, "（照片）", label=True)
    _set(c[1][0], "民  族", label=True)
    _set(c[1][1], data.ethnicity)
    _set(c[1][2], "籍贯", label=True)
    _set(c[1][3], data.native_place, pt=10.5)
    _set(c[1][4], "出 生 地", label=True)
    _set(c[1][5], data.birth_place, pt=10.5)
    _set(c[2][0], "入党时间", label=True)
    _set(c[2][1], data.party_join)
    _set(c[2][2], "参加工作时间", label=True, pt=10.5)
    _set(c[2][3], data.work_start)
    _set(c[2][4], "健康状况", label=True)
    _set(c[2][5], data.health)
    _set(c[3][0], "专业技术\n职    务", label=True)
    _set(c[3][1].merge(c[3][2]), data.professional_title, pt=10.5)
    _set(c[3][3], "熟悉专业\n有何专长", label=True)
    _set(c[3][4].merge(c[3][5]), data.expertise, pt=10.5)
    _set(c[4][0].merge(c[5][0]), "学  历\n学  位", label=True)
    for r, (track, level, school) in enumerate(
        (
            ("全日制\n教  育", data.full_time_education, data.full_time_school),
            ("在  职\n教  育", data.in_service_education, data.in_service_school),
        ),
        start=4,
    ):
        _set(c[r][1], track, label=True)
        _set(c[r][2].merge(c[r][3]), level, pt=10.5)
        _set(c[r][4], "毕业院校\n系及专业", label=True)
        _set(c[r][5].merge(c[r][6]), school, pt=10.5)
    for r, (label, value) in enumerate(
        (
            ("现 任 职 务", data.current_post),
            ("拟 任 职 务", data.proposed_post),
            ("拟 免 职 务", data.removed_post),
        ),
        start=6,
    ):
        _set(c[r][0].merge(c[r][1]), label, label=True)
        _set(c[r][2].merge(c[r][6]), value, align="left")
    _set(c[9][0], "简\n\n\n\n历", label=True)
    _resume_cell(c[9][1].merge(c[9][6]), data.resume.page_one, data.resume.font_pt)

    # Page two.
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    family_rows = max(len(data.family), 1)
    cont = 1 if data.resume.continued else 0
    t2 = doc.add_table(rows=cont + 3 + 1 + family_rows + 2, cols=6)
    t2.style = "Table Grid"
    _widths(t2, (2.4, 1.8, 2.2, 2.3, 2.6, 6.4))
    c2 = [row.cells for row in t2.rows]
    r = 0
    if cont:
        _set(c2[0][0], "简历\n（续）", label=True)
        _resume_cell(c2[0][1].merge(c2[0][5]), data.resume.continued, data.resume.font_pt)
        _row_height(t2.rows[0], 0.6 * len(data.resume.continued) * data.resume.font_pt / 12 + 0.3)
        r = 1
    for label, value, height in (
        ("奖\n惩\n情\n况", data.rewards, 3.2),
        ("年度考核\n结    果", data.assessments, 1.5),
        ("任\n免\n理\n由", data.reason, 2.6),
    ):
        _set(c2[r][0], label, label=True)
        _set(c2[r][1].merge(c2[r][5]), value, align="left", pt=10.5 if label.startswith("奖") else None)
        _row_height(t2.rows[r], height if not cont else max(height - 0.4, 1.2))
        r += 1
    head = r
    label_cell = c2[head][0].merge(c2[head + family_rows][0])
    _set(label_cell, "家庭主要成员及重要社会关系", label=True, pt=10.5)
    for col, text in enumerate(("称谓", "姓名", "出生年月", "政治面貌", "工作单位及职务"), start=1):
        _set(c2[head][col], text, label=True, pt=10.5)
    _row_height(t2.rows[head], 0.8)
    members = data.family or [FamilyRow("无", "", "", "", "")]
    for i, m in enumerate(members, start=1):
        row = c2[head + i]
        for col, text in enumerate(
            (m.relation, m.name, m.birth, m.political_status, m.employer_post), start=1
        ):
            _set(row[col], text, pt=10.5, align="left" if col == 5 else "center")
        _row_height(t2.rows[head + i], 0.9)
    r = head + family_rows + 1
    _set(c2[r][0], "呈\n报\n单\n位", label=True)
    _set(c2[r][1].merge(c2[r][5]), f"{data.submitting_unit}\n（盖章）\n{data.submit_date}", align="right")
    _row_height(t2.rows[r], 2.6)
    r += 1
    _set(c2[r][0], "审批机关\n意    见", label=True)
    _set(c2[r][1].merge(c2[r][2]), data.approval_opinion, align="right")
    _set(c2[r][3], "行政机关\n任免意见", label=True)
    _set(c2[r][4].merge(c2[r][5]), data.admin_opinion, align="right")
    _row_height(t2.rows[r], 3.4)
    p = doc.add_paragraph()
    run_font(p.add_run(f"填表人：{data.filled_by}"), LABEL_FONT, 12)
    return doc


def docx_bytes(data: RenmianData) -> bytes:
    out = BytesIO()
    docx_document(data).save(out)
    return out.getvalue()
