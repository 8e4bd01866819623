"""The 关爱提醒函 as a Word document (python-docx), from the same body as the print page."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_header(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def letter_docx(letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Cm(3.7)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("关爱提醒函"), "方正小标宋简体", 22)
    for line in letter.body.splitlines():
        p = doc.add_paragraph()
        _font(p.add_run(line), "仿宋_GB2312", 16)
    for text in ("（组织部门盖章）", (letter.sent_on or letter.proposed_on).strftime("%Y年%m月%d日")):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(text), "仿宋_GB2312", 16)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
