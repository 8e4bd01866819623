"""A streaming .xlsx writer for large workbooks (the whole-dossier export in import format).

openpyxl spends some 15 µs on every cell it writes (a cell object, type inference, an lxml
element), which is seconds for a dossier of 170,000 cells; this writer turns a row into its
XML text directly. It writes what the import-format workbook needs and nothing more: sheets
(optionally hidden), column widths and text-formatted columns, a frozen header row, bold or
coloured header cells, data-validation drop-down lists, and cells of text, numbers and dates.

The cell rules are `cadre_supervision.excel.write_cell`'s (the same `_cell` conversion): text
is always stored as text, never as a formula or an error code, and text that starts with a
formula trigger carries Excel's quote prefix so that editing the cell keeps it literal.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import IllegalCharacterError

from .excel import FORMULA_TRIGGERS, _cell

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE_FORMAT = "yyyy-mm-dd"  # openpyxl's format for a date cell
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
BUILTIN_FORMATS = {"General": 0, "@": 49}
_EXCEL_DAY_ONE = dt.date(1899, 12, 30).toordinal()
_NO_LEAP_BUG = dt.date(1900, 3, 1)  # from here on a date's serial number is its day count
_SMALL = 10**15  # a whole number openpyxl writes with all its digits ("%.16g")
# text that needs more than writing as is: a formula trigger first, a space first or last
# (xml:space), a character to escape or refuse
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


@dataclass(frozen=True)
class Style:
    bold: bool = False
    color: str | None = None  # "C00000"
    number_format: str = "General"
    quote_prefix: bool = False


PLAIN = Style()
BOLD = Style(bold=True)


class _Styles:
    """The workbook's cell formats, each written once (index 0: the default)."""

    def __init__(self):
        self.xfs: dict[Style, int] = {PLAIN: 0}
        self.fonts: dict[tuple[bool, str | None], int] = {(False, None): 0}
        self.formats: dict[str, int] = {}

    def id(self, style: Style) -> int:
        found = self.xfs.get(style)
        if found is None:
            found = self.xfs[style] = len(self.xfs)
            self.fonts.setdefault((style.bold, style.color), len(self.fonts))
            if style.number_format not in BUILTIN_FORMATS:
                self.formats.setdefault(style.number_format, 164 + len(self.formats))
        return found

    def _format_id(self, number_format: str) -> int:
        return BUILTIN_FORMATS.get(number_format, self.formats.get(number_format, 0))

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in self.formats.items()
        )
        fonts = []
        for bold, color in self.fonts:
            if not bold and color is None:
                fonts.append(
                    '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
                    '<scheme val="minor"/></font>'
                )
            else:
                fonts.append(
                    "<font>"
                    + ('<b val="1"/>' if bold else "")
                    + (f'<color rgb="00{color}"/>' if color else "")
                    + "</font>"
                )
        xfs = []
        for style in self.xfs:
            number_format = self._format_id(style.number_format)
            font = self.fonts[(style.bold, style.color)]
            attrs = f'numFmtId="{number_format}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
            if number_format:
                attrs += ' applyNumberFormat="1"'
            if font:
                attrs += ' applyFont="1"'
            if style.quote_prefix:
                attrs += ' quotePrefix="1"'
            xfs.append(f"<xf {attrs}/>")
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if self.formats else "")
            + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


@dataclass(frozen=True)
class ListValidation:
    """A drop-down list: the cells `sqref` take a value of the range `formula` (on any sheet)."""

    sqref: str
    formula: str
    allow_blank: bool = True
    error_title: str = ""
    error: str = ""
    prompt_title: str = ""
    prompt: str = ""

    def xml(self) -> str:
        attrs = [
            'type="list"',
            f'allowBlank="{int(self.allow_blank)}"',
            'showInputMessage="1"',
            'showErrorMessage="1"',
        ]
        for name, value in (
            ("errorTitle", self.error_title),
            ("error", self.error),
            ("promptTitle", self.prompt_title),
            ("prompt", self.prompt),
        ):
            if value:
                attrs.append(f'{name}="{_attr(value)}"')
        attrs.append(f'sqref="{self.sqref}"')
        return (
            f"<dataValidation {' '.join(attrs)}><formula1>{_text(self.formula)}</formula1></dataValidation>"
        )


class StreamSheet:
    def __init__(self, book: StreamingWorkbook, title: str, hidden: bool):
        self._book = book
        self.title = title[:31]
        self.hidden = hidden
        self.freeze_header = False
        self._columns: dict[int, tuple[float | None, str]] = {}
        self._rows: list[str] = []
        self._max_column = 0
        self._letters: list[str] = [""]
        self.validations: list[ListValidation] = []
        styles = book.styles
        self._quoted = styles.id(Style(quote_prefix=True))
        self._date = styles.id(Style(number_format=DATE_FORMAT))
        self._datetime = styles.id(Style(number_format=DATETIME_FORMAT))

    def column(self, index: int, *, width: float | None = None, number_format: str = "General") -> None:
        """Set column `index`'s (1-based) width and format, before the rows."""
        self._columns[index] = (width, number_format)

    def append(self, values: Sequence[Any], style: Style | list[Style] | None = None) -> None:
        """One row; `style` (a header's font) applies to each of its cells, or one per cell."""
        r = len(self._rows) + 1
        if len(values) > self._max_column:
            self._max_column = len(values)
            while len(self._letters) <= len(values):
                self._letters.append(get_column_letter(len(self._letters)))
        cells = []
        add = cells.append
        for i, value in enumerate(values, start=1):
            if value is None:
                continue
            if style is None:
                # the common cells, inline: plain text, a date, a small whole number
                kind = type(value)
                if kind is str:
                    if not value:
                        add(f'<c r="{self._letters[i]}{r}" t="inlineStr"/>')
                        continue
                    if not (
                        value[0] in _TRIGGERS
                        or value[0].isspace()
                        or value[-1].isspace()
                        or _SPECIAL.search(value)
                    ):
                        add(f'<c r="{self._letters[i]}{r}" t="inlineStr"><is><t>{value}</t></is></c>')
                        continue
                elif kind is dt.date and value >= _NO_LEAP_BUG:
                    serial = value.toordinal() - _EXCEL_DAY_ONE
                    add(f'<c r="{self._letters[i]}{r}" s="{self._date}" t="n"><v>{serial}</v></c>')
                    continue
                elif kind is int and -_SMALL < value < _SMALL:
                    add(f'<c r="{self._letters[i]}{r}" t="n"><v>{value}</v></c>')
                    continue
            add(
                self._cell(
                    f"{self._letters[i]}{r}", value, style[i - 1] if isinstance(style, list) else style
                )
            )
        self._rows.append(f'<row r="{r}">{"".join(cells)}</row>')

    def _cell(self, ref: str, value: Any, style: Style | None) -> str:
        kind = type(value)
        if kind is not str:
            value = _cell(value)
            kind = type(value)
        if kind is str or isinstance(value, str):
            if not value:
                s = f' s="{self._book.styles.id(style)}"' if style else ""
                return f'<c r="{ref}"{s} t="inlineStr"/>'
            if value.startswith(FORMULA_TRIGGERS):
                s = (
                    self._book.styles.id(Style(style.bold, style.color, quote_prefix=True))
                    if style
                    else self._quoted
                )
                s = f' s="{s}"'
            else:
                s = f' s="{self._book.styles.id(style)}"' if style else ""
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
        if kind is dt.date:
            serial = value.toordinal() - _EXCEL_DAY_ONE if value >= _NO_LEAP_BUG else to_excel(value)
            return f'<c r="{ref}" s="{self._date}" t="n"><v>{safe_string(serial)}</v></c>'
        if kind is dt.datetime:
            return f'<c r="{ref}" s="{self._datetime}" t="n"><v>{safe_string(to_excel(value))}</v></c>'
        if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
            s = f' s="{self._book.styles.id(style)}"' if style else ""
            return f'<c r="{ref}"{s} t="n"><v>{safe_string(value)}</v></c>'
        raise TypeError(f"Cannot write {value!r} to a cell")

    def xml(self) -> str:
        rows = len(self._rows)
        dimension = f"A1:{get_column_letter(self._max_column)}{rows}" if rows and self._max_column else "A1"
        if self.freeze_header:
            view = (
                '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            )
        else:
            view = '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
        cols = []
        for i in sorted(self._columns):
            width, number_format = self._columns[i]
            attrs = f'min="{i}" max="{i}"'
            if width is not None:
                attrs += f' width="{safe_string(width)}" customWidth="1"'
            if number_format != "General":
                attrs += f' style="{self._book.styles.id(Style(number_format=number_format))}"'
            cols.append(f"<col {attrs}/>")
        validations = (
            f'<dataValidations count="{len(self.validations)}">'
            + "".join(v.xml() for v in self.validations)
            + "</dataValidations>"
            if self.validations
            else ""
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}"><dimension ref="{dimension}"/><sheetViews>{view}</sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{''.join(cols)}</cols>" if cols else "")
            + "<sheetData>"
            + "".join(self._rows)
            + "</sheetData>"
            + validations
            + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            "</worksheet>"
        )


class StreamingWorkbook:
    def __init__(self):
        self.styles = _Styles()
        self.sheets: list[StreamSheet] = []

    def add_sheet(self, title: str, *, hidden: bool = False, index: int | None = None) -> StreamSheet:
        sheet = StreamSheet(self, title, hidden)
        self.sheets.insert(len(self.sheets) if index is None else index, sheet)
        return sheet

    def save(self) -> bytes:
        n = len(self.sheets)
        buf = BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("[Content_Types].xml", self._content_types())
            zf.writestr(
                "_rels/.rels",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>",
            )
            sheets = "".join(
                f'<sheet name="{_attr(s.title)}" sheetId="{i}"'
                + (' state="hidden"' if s.hidden else "")
                + f' r:id="rId{i}"/>'
                for i, s in enumerate(self.sheets, start=1)
            )
            active = next((i for i, s in enumerate(self.sheets) if not s.hidden), 0)
            zf.writestr(
                "xl/workbook.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN_NS}" '
                f'xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="{active}"/></bookViews>'
                f"<sheets>{sheets}</sheets></workbook>",
            )
            rels = "".join(
                f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            for i, sheet in enumerate(self.sheets, start=1):
                zf.writestr(f"xl/worksheets/sheet{i}.xml", sheet.xml())
            zf.writestr(
                "xl/_rels/workbook.xml.rels",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL_NS}">'
                f'{rels}<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
                "</Relationships>",
            )
            zf.writestr("xl/styles.xml", self.styles.xml())  # last: the sheets registered their styles
        return buf.getvalue()

    def _content_types(self) -> str:
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
            for i in range(1, len(self.sheets) + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        )
