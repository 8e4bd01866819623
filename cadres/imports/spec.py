"""Declarative column specs of the import sheets: one declaration per column drives parsing,
the error report, the downloadable template and the export of the same sheet.

A `Column` names its Chinese header, the key it fills, how a cell is parsed (a pure function
raising `ValueError` with a Chinese message), whether it is required, and for coded columns
the choices with their accepted synonyms. Synonyms are data: `SYNONYMS` below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# --- synonyms (data): what people type -> the official label -------------------------------------

SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {"男性": "男", "女性": "女", "M": "男", "F": "女"},
    "education": {
        "博士": "博士研究生",
        "博士研究生学历": "博士研究生",
        "研究生": "硕士研究生",
        "硕士": "硕士研究生",
        "硕士研究生学历": "硕士研究生",
        "本科": "大学本科",
        "大学": "大学本科",
        "大本": "大学本科",
        "专科": "大学专科",
        "大专": "大学专科",
        "中专": "中专及以下",
        "高中": "中专及以下",
        "高中及以下": "中专及以下",
        "初中": "中专及以下",
    },
    "identity_category": {
        "公务员编制": "公务员",
        "参照公务员法管理": "参公",
        "参公管理": "参公",
        "事业编制": "事业",
        "事业单位": "事业",
        "国企": "企业",
        "国有企业": "企业",
    },
    "rank": {
        "正处级": "正处",
        "副处级": "副处",
        "正科级": "正科",
        "副科级": "副科",
        "正厅级": "正厅",
        "副厅级": "副厅",
    },
    "management_level": {"市委管理": "市管", "部委管理": "部管", "组织部管理": "部管"},
    "status": {"在岗": "在职", "现职": "在职", "退居二线": "二线", "已退休": "退休", "调离": "调出"},
    "kind": {
        "乡镇": "乡镇/街道",
        "街道": "乡镇/街道",
        "镇": "乡镇/街道",
        "市直部门": "市级机关部门",
        "市直机关": "市级机关部门",
        "国企": "国有企业",
    },
    "top_leader_kind": {
        "党委书记": "党委（党组）书记",
        "党组书记": "党委（党组）书记",
        "书记": "党委（党组）书记",
        "党委(党组)书记": "党委（党组）书记",
        "正职": "行政正职",
    },
    "method": {"选举": "选任", "任命": "委任", "聘用": "聘任", "考试": "考任", "调动": "调任"},
    "grade": {"合格": "称职", "基本合格": "基本称职", "不合格": "不称职"},
    "sanction_kind": {
        "党内警告": "警告（党纪）",
        "党内严重警告": "严重警告",
        "政务警告": "警告（政务）",
        "行政警告": "警告（政务）",
    },
    "kind_reward": {"奖": "奖励", "惩": "惩处", "处分": "惩处"},
    # 学习形式 of an education record: a boolean column "全日制"
    "full_time": {"全日制": "是", "全日制教育": "是", "在职": "否", "在职教育": "否", "非全日制": "否"},
    "bool": {
        "是": "是",
        "Y": "是",
        "YES": "是",
        "TRUE": "是",
        "1": "是",
        "√": "是",
        "否": "否",
        "N": "否",
        "NO": "否",
        "FALSE": "否",
        "0": "否",
        "×": "否",
    },
}


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- cell parsers: value -> python value, ValueError("中文") on bad input ------------------------


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")


def date(value: Any) -> dt.date | None:
    """Dates as Excel stores them or as people type them: 1980-01-02, 1980/1/2, 1980.01,
    2018-09, 2018年9月, 1980年1月2日, 19800102. A month-only value means the first of the month."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and not value.is_integer():
        # 2018.09 typed into a number cell arrives as the float 2018.09
        value = f"{value:.2f}"
    text_value = (
        str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    )
    text_value = text_value.strip()
    if re.fullmatch(r"\d{8}", text_value):
        text_value = f"{text_value[:4]}-{text_value[4:6]}-{text_value[6:]}"
    elif re.fullmatch(r"\d{6}", text_value):
        text_value = f"{text_value[:4]}-{text_value[4:]}"
    m = _DATE_RE.match(text_value)
    if not m:
        raise ValueError("日期格式不正确，应为 年-月-日（如 1980-01-02）或 年.月（如 2018.09）。")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        raise ValueError("日期不存在。")


def integer(value: Any) -> int | None:
    t = text(value)
    if not t:
        return None
    if not re.fullmatch(r"\d{1,9}", t):
        raise ValueError("应为非负整数。")
    return int(t)


def _yes_no(value: Any) -> str:
    return "是" if value else "否"


def blank_if_none(value: Any) -> Any:
    return "" if value is None else value


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header, as in the template and the export
    key: str  # the key of the parsed row (a service keyword, or one the sheet resolves)
    parser: Callable[[Any], Any] = text
    required: bool = False
    choices: Any = None  # a TextChoices class: the cell holds a label (or a synonym)
    synonyms: str = ""  # key of SYNONYMS (defaults to `key`)
    multi: bool = False  # several labels separated by 、 (a list of codes)
    boolean: bool = False  # 是 / 否
    help: str = ""  # one line of the instructions sheet
    default: Any = None  # the value of an empty optional cell
    # the field path the export reads instead of `key` (e.g. "organization__name"), written as is
    export: str = ""

    # -- parsing ---------------------------------------------------------------------------------
    def choice_list(self) -> list[tuple[str, str]]:
        """(code, label) pairs: of a TextChoices class, or of a callable (catalogue data)."""
        if self.choices is None:
            return []
        if hasattr(self.choices, "choices"):
            return [(c, str(label)) for c, label in self.choices.choices]
        return [(c, str(label)) for c, label in self.choices()]

    def _one_choice(self, label: str) -> str:
        synonyms = SYNONYMS.get(self.synonyms or self.key, {})
        wanted = synonyms.get(label, synonyms.get(label.upper(), label))
        for code, choice_label in self.choice_list():
            if wanted == str(choice_label) or wanted == code:
                return code
        raise ValueError(f"“{label}”不是有效选项，可选：{self.allowed_text()}。")

    def parse(self, value: Any) -> Any:
        if self.boolean:
            t = _clean(text(value)).upper()
            if not t:
                parsed = None
            else:
                word = SYNONYMS.get(self.synonyms, {}).get(t) or SYNONYMS["bool"].get(t)
                if word is None:
                    raise ValueError(f"“{text(value)}”应填写 是 或 否。")
                parsed = word == "是"
        elif self.choices is not None:
            t = _clean(text(value))
            if not t:
                parsed = [] if self.multi else ""
            elif self.multi:
                parsed = [self._one_choice(p) for p in re.split(r"[、,，;；/]", t) if p]
            else:
                parsed = self._one_choice(t)
        else:
            parsed = self.parser(value)
        if parsed in (None, "", []):
            if self.required:
                raise ValueError("必填。")
            return self.default if self.default is not None else parsed
        return parsed

    # -- writing ---------------------------------------------------------------------------------
    def allowed_labels(self) -> list[str]:
        if self.boolean:
            return ["是", "否"]
        return [label for _c, label in self.choice_list()]

    def allowed_text(self) -> str:
        return "、".join(self.allowed_labels())

    def cell(self, value: Any) -> Any:
        """A parsed value as the cell the export writes (labels for codes, 是/否)."""
        return self.cell_writer()(value)

    def cell_writer(self) -> Callable[[Any], Any]:
        """`cell` with the choices read once: the export calls it for every row."""
        if self.boolean:
            return _yes_no
        if self.choices is not None:
            labels = {code: str(label) for code, label in self.choice_list()}
            if self.multi:
                return lambda value: "、".join(labels[v] if v in labels else str(v) for v in value or ())
            return lambda value: (labels[value] if value in labels else str(value)) if value else ""
        return blank_if_none

    def describe(self) -> str:
        parts = ["必填" if self.required else "选填"]
        if self.help:
            parts.append(self.help)
        if self.parser is date and not self.help:
            parts.append("日期，如 2018-09-01、2018.09、2018年9月")
        labels = self.allowed_labels()
        if labels:
            parts.append(("可多选，以“、”分隔：" if self.multi else "可选：") + "、".join(labels))
            synonyms = SYNONYMS.get(self.synonyms or self.key, {}) if not self.boolean else {}
            if synonyms:
                parts.append(
                    "也可填写：" + "、".join(f"{k}（={v}）" for k, v in synonyms.items() if len(k) > 1)
                )
        return "；".join(parts)


@dataclass
class CellError:
    sheet: str
    row: int | None  # Excel row number (None: the sheet or the file as a whole)
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class RowChange:
    row: int
    label: str  # who/what the row is about (a name)
    action: str  # "created" | "updated" | "unchanged"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (header, before, after)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "label": self.label,
            "action": self.action,
            "changes": [{"column": c, "before": b, "after": a} for c, b, a in self.changes],
        }


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]
