"""Tables: one column specification per list drives the page and the .xlsx export.

Every list page declares one `Table` subclass in `<app>/tables.py`. The page renders it through
`templates/partials/table.html` (header sorting by clicking a sortable column); `?export=xlsx`
writes the same columns, in the same order and with the same headers, through `export_values()`.
Columns that only make sense on screen (action buttons) say `exclude_from_export=True`.

For a column whose cell is HTML (tags, several links), give the table a `value_<name>` method that
returns the plain value for the spreadsheet; otherwise the rendered text is used with its tags stripped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_tables2 as tables
from django.db.models.query import QuerySet
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeData, mark_safe
from django_tables2.rows import BoundRow

from .people import display_name

#: Rows read per database round trip when a queryset is exported.
EXPORT_CHUNK = 2000

__all__ = [
    "EMPTY",
    "BoolColumn",
    "Column",
    "DateColumn",
    "LinkColumn",
    "NumberColumn",
    "Table",
    "TagColumn",
    "TemplateColumn",
    "ListColumn",
]

#: The muted dash shown for "nothing here" on a page (exported as an empty cell).
EMPTY = mark_safe('<span class="muted">—</span>')

Column = tables.Column
TemplateColumn = tables.TemplateColumn


class Table(tables.Table):
    """Base table: the house look (`.table`), Chinese empty text, sorting by `?sort=`."""

    class Meta:
        template_name = "partials/table.html"
        attrs = {"class": "table"}
        empty_text = "没有符合条件的记录"
        orderable = True

    def export_columns(self) -> list[tables.columns.BoundColumn]:
        return [c for c in self.columns if not c.column.exclude_from_export]

    def export_header(self) -> list[str]:
        return [strip_tags(str(c.header)) for c in self.export_columns()]

    def export_values(self) -> Iterable[list[Any]]:
        """Every row (not only the current page), the export columns, plain values."""
        columns = self.export_columns()
        data = self.data.data
        # A queryset is read in chunks (never cached whole); other rows as they come.
        records = data.iterator(chunk_size=EXPORT_CHUNK) if isinstance(data, QuerySet) else data
        for record in records:
            row = BoundRow(record, table=self)
            yield [_plain(row.get_cell_value(c.name)) for c in columns]


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if value is EMPTY:
        return ""
    if isinstance(value, SafeData):
        return strip_tags(str(value)).strip()
    return value


class LinkColumn(tables.Column):
    """The value as a link to the record's page (or to `linkify`'s target)."""

    def __init__(self, *args, linkify=True, **kwargs):
        super().__init__(*args, linkify=linkify, **kwargs)


class BoolColumn(tables.Column):
    """是/否 on the page; a real boolean in the spreadsheet (written as 是/否)."""

    empty_values = ()

    def render(self, value):
        return "是" if value else "否"

    def value(self, value):
        return bool(value)


class DateColumn(tables.Column):
    """A date as YYYY-MM-DD on the page; a real date in the spreadsheet."""

    def render(self, value):
        return value.strftime("%Y-%m-%d")

    def value(self, value):
        return value


class NumberColumn(tables.Column):
    """Right-aligned number."""

    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def value(self, value):
        return value


class TagColumn(tables.Column):
    """The value as a coloured tag (`tag_class` is the CSS class, e.g. "tag-red")."""

    def __init__(self, *args, tag_class: str = "", **kwargs):
        self.tag_class = tag_class
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_html('<span class="tag {}">{}</span>', self.tag_class, value)

    def value(self, value):
        return value


class PersonColumn(tables.Column):
    """A person (a user account) by name, never by login name, on the page and in the spreadsheet.
    `accessor` names the user foreign key; sorting is by the name."""

    def __init__(self, *args, accessor: str, **kwargs):
        kwargs.setdefault("order_by", (f"{accessor}__last_name", f"{accessor}__first_name"))
        kwargs.setdefault("default", "")
        super().__init__(*args, accessor=accessor, **kwargs)

    def render(self, value):
        return display_name(value)

    def value(self, value):
        return display_name(value)


class ListColumn(tables.Column):
    """A list of texts, one per line on the page, joined by 、 in the spreadsheet."""

    def render(self, value):
        return format_html_join("", "<div>{}</div>", ((v,) for v in value))

    def value(self, value):
        return "、".join(str(v) for v in value)
