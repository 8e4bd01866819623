"""The 关爱提醒函 as a Word document (python-docx), from the same body as the print page."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from cadres.renmian import run_font


def attachment_header(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


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
    run_font(title.add_run("关爱提醒函"), "方正小标宋简体", 22)
    for line in letter.body.splitlines():
        p = doc.add_paragraph()
        run_font(p.add_run(line), "仿宋_GB2312", 16)
    for text in ("（组织部门盖章）", (letter.sent_on or letter.proposed_on).strftime("%Y年%m月%d日")):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run_font(p.add_run(text), "仿宋_GB2312", 16)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
