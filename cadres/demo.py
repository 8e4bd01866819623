"""The demo city (某市): organizations, posts, ~1,200 cadres with tenures, and the demo users.

Deterministic for a given seed and date (`random.Random(seed)`); bulk-created but consistent
with the services' invariants:
- citizen IDs are valid (region codes of one province, GB 11643 check digit), unique, and agree
  with birth date and gender; stored encrypted, with digest, tail and mask, as the service does;
- one current 一把手 per organization and kind; a predecessor's tenure ends the day the
  successor's starts; no tenure ends before it starts; no overlapping tenures in one post;
- a cadre's organization is that of their current (primary) post.
History rows are written by the database triggers (bulk inserts included).

Figures planted for the other apps and for the warnings: 一把手 with 10+ and with 9 years in
post, 一把手 whose portfolio includes finance or procurement (rule 1), township party
secretaries who became heads of city organs and organ deputies who became township leaders
(exchanges, essay 1), second-line, retired and transferred-out cadres, 市管 and 部管 cadres.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from cadre_supervision.permissions import grant_role, role_group_name

from . import crypto, rules
from .bulk import copy_insert, copy_rows, copy_update, reserve_ids
from .choices import (
    TOP_LEADER_FORBIDDEN_CODES,
    AppointmentMethod,
    CadreStatus,
    EducationLevel,
    IdentityCategory,
    KeyCategory,
    LineRole,
    ManagementLevel,
    OrgKind,
    PortfolioAreaCode,
    Rank,
    TopLeaderKind,
)
from .models import Appointment, Cadre, EducationRecord, Organization, Post

# The demo's names repeat (a surname and one or two given characters from short lists): their
# initials are worked out once per name.
_initials = functools.lru_cache(maxsize=None)(rules.pinyin_initials)

DEMO_PASSWORD = "demo12345"
CITY_NAME = "某市"

# --- names -------------------------------------------------------------------------------------------
# The most frequent surnames (roughly by population share, in per mille).
SURNAMES = [
    ("王", 72),
    ("李", 71),
    ("张", 69),
    ("刘", 54),
    ("陈", 45),
    ("杨", 31),
    ("黄", 22),
    ("赵", 20),
    ("吴", 20),
    ("周", 19),
    ("徐", 16),
    ("孙", 15),
    ("马", 14),
    ("朱", 13),
    ("胡", 12),
    ("郭", 11),
    ("何", 11),
    ("高", 10),
    ("林", 10),
    ("罗", 9),
    ("郑", 9),
    ("梁", 8),
    ("谢", 7),
    ("宋", 7),
    ("唐", 7),
    ("许", 6),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 6),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 5),
    ("董", 5),
    ("袁", 5),
    ("潘", 4),
    ("于", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 4),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 3),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 2),
    ("陆", 2),
    ("汪", 2),
    ("范", 2),
    ("金", 2),
    ("石", 2),
    ("廖", 2),
    ("贾", 2),
    ("夏", 2),
    ("方", 2),
    ("邹", 2),
    ("熊", 2),
    ("孟", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
]
MALE_CHARS = "伟强军勇斌涛明杰磊峰建国华平刚辉俊鹏超波宇浩亮晨东海林松志坚文武卫民忠诚立新永红春晓阳光兴"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪琳颖莉红梅洁慧倩蓉萍琴云秀英华佳晶颖薇岚璐丹青怡"

# Region codes of Zhejiang province (330000): county-level divisions and their city.
REGIONS = [
    ("330102", "浙江杭州"),
    ("330105", "浙江杭州"),
    ("330106", "浙江杭州"),
    ("330108", "浙江杭州"),
    ("330109", "浙江杭州"),
    ("330110", "浙江杭州"),
    ("330122", "浙江桐庐"),
    ("330127", "浙江淳安"),
    ("330182", "浙江建德"),
    ("330203", "浙江宁波"),
    ("330205", "浙江宁波"),
    ("330212", "浙江宁波"),
    ("330281", "浙江余姚"),
    ("330282", "浙江慈溪"),
    ("330302", "浙江温州"),
    ("330304", "浙江温州"),
    ("330381", "浙江瑞安"),
    ("330382", "浙江乐清"),
    ("330402", "浙江嘉兴"),
    ("330481", "浙江海宁"),
    ("330482", "浙江平湖"),
    ("330502", "浙江湖州"),
    ("330521", "浙江德清"),
    ("330522", "浙江长兴"),
    ("330602", "浙江绍兴"),
    ("330681", "浙江诸暨"),
    ("330683", "浙江嵊州"),
    ("330702", "浙江金华"),
    ("330723", "浙江武义"),
    ("330781", "浙江兰溪"),
    ("330782", "浙江义乌"),
    ("330783", "浙江东阳"),
    ("330784", "浙江永康"),
    ("330802", "浙江衢州"),
    ("330881", "浙江江山"),
    ("330902", "浙江舟山"),
    ("331002", "浙江台州"),
    ("331081", "浙江温岭"),
    ("331082", "浙江临海"),
    ("331102", "浙江丽水"),
]
SCHOOLS = [
    "浙江大学",
    "浙江工业大学",
    "浙江师范大学",
    "宁波大学",
    "杭州师范大学",
    "浙江财经大学",
    "浙江工商大学",
    "浙江农林大学",
    "温州大学",
    "中国计量大学",
    "华东政法大学",
    "中国人民大学",
    "浙江警察学院",
    "中共浙江省委党校",
]
MAJORS = [
    "汉语言文学",
    "法学",
    "经济学",
    "行政管理",
    "会计学",
    "计算机科学与技术",
    "农学",
    "土木工程",
    "思想政治教育",
    "工商管理",
    "公共管理",
    "财政学",
    "环境工程",
    "临床医学",
    "新闻学",
    "历史学",
]

# --- organizations -----------------------------------------------------------------------------------
TOWNSHIPS = [
    "城关镇",
    "东城街道",
    "西城街道",
    "南湖街道",
    "北山街道",
    "青石镇",
    "白沙镇",
    "黄桥镇",
    "梅林镇",
    "桃源镇",
    "龙潭镇",
    "马山乡",
    "清溪镇",
    "大塘镇",
    "新港镇",
    "石门乡",
    "双溪镇",
    "金沙镇",
    "凤凰镇",
    "柳河乡",
]
TOWN_SYLLABLES = "安宁长乐福寿永平太和顺德兴隆丰泰瑞祥嘉禾荷塘竹溪云峰花桥枫林松岭柏树杨村桑园"
CITY_ORGANS = [
    "市委办公室",
    "市政府办公室",
    "市委组织部",
    "市委宣传部",
    "市委统战部",
    "市委政法委员会",
    "市纪委监委",
    "市委机构编制委员会办公室",
    "市发展和改革局",
    "市教育局",
    "市科学技术局",
    "市经济和信息化局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化广电旅游局",
    "市卫生健康局",
    "市退役军人事务局",
    "市应急管理局",
    "市审计局",
    "市市场监督管理局",
    "市统计局",
    "市医疗保障局",
    "市综合行政执法局",
    "市信访局",
    "市行政审批局",
    "市机关事务管理局",
    "市林业局",
    "市体育局",
    "市城市管理局",
    "市民族宗教事务局",
    "市投资促进局",
    "市人民防空办公室",
    "市供销合作社",
    "市总工会",
    "团市委",
    "市妇联",
]
INSTITUTIONS = [
    "市人民医院",
    "市中医院",
    "市第一中学",
    "市实验中学",
    "市职业教育中心",
    "市融媒体中心",
    "市公共资源交易中心",
    "市住房公积金管理中心",
    "市社会保险事业管理中心",
    "市疾病预防控制中心",
    "市图书馆",
    "市档案馆",
    "市不动产登记中心",
    "市城市建设服务中心",
    "市农业技术推广中心",
]
SOES = [
    "市城市建设投资集团有限公司",
    "市交通投资集团有限公司",
    "市国有资本投资运营有限公司",
    "市水务集团有限公司",
    "市文化旅游发展集团有限公司",
]
# The 分管 city leader's area (the `fenguan` demo user): social affairs.
SOCIAL_AFFAIRS = {
    "市教育局",
    "市卫生健康局",
    "市文化广电旅游局",
    "市体育局",
    "市医疗保障局",
    "市人民医院",
    "市中医院",
    "市第一中学",
}

PROHIBITED = sorted(str(c) for c in TOP_LEADER_FORBIDDEN_CODES)
DEPUTY_AREAS = [
    PortfolioAreaCode.FINANCE,
    PortfolioAreaCode.PERSONNEL,
    PortfolioAreaCode.CONSTRUCTION,
    PortfolioAreaCode.PROCUREMENT,
    PortfolioAreaCode.AGRICULTURE,
    PortfolioAreaCode.EDUCATION,
    PortfolioAreaCode.HEALTH,
    PortfolioAreaCode.CULTURE,
    PortfolioAreaCode.SAFETY,
    PortfolioAreaCode.ENVIRONMENT,
    PortfolioAreaCode.PETITIONS,
    PortfolioAreaCode.INVESTMENT,
    PortfolioAreaCode.URBAN,
    PortfolioAreaCode.ECONOMY,
    PortfolioAreaCode.LICENSING,
    PortfolioAreaCode.LAW_ENFORCEMENT,
]
AREA_LABELS = dict(PortfolioAreaCode.choices)

# Middle-level sections of city organs: (title, key categories, reason)
ORGAN_SECTIONS_FIXED = [
    ("办公室主任", [], ""),
    ("财务科科长", [KeyCategory.FINANCE], "负责本单位预算编制、资金支付审核和财务管理"),
    ("人事科科长", [KeyCategory.PERSONNEL], "负责本单位干部人事、工资福利、人员招录"),
]
ORGAN_SECTIONS_POOL = [
    ("政策法规科科长", [], ""),
    ("综合规划科科长", [], ""),
    ("行政审批科科长", [KeyCategory.LICENSING], "承办本单位行政许可事项的受理和审批"),
    ("执法大队大队长", [KeyCategory.DISCIPLINE_LAW], "负责本系统行政执法检查和行政处罚"),
    ("项目建设科科长", [KeyCategory.CONSTRUCTION], "负责本单位投资项目的招标、建设管理和验收"),
    ("资产管理科科长", [KeyCategory.ASSETS], "负责国有资产管理、政府采购和资产处置"),
    ("保密办主任", [KeyCategory.CLASSIFIED], "管理涉密文件、涉密载体和涉密人员"),
    ("监督检查科科长", [KeyCategory.DISCIPLINE_LAW], "负责日常监督检查和案件查办"),
    ("信息中心主任", [], ""),
    ("宣传教育科科长", [], ""),
]
TOWN_MIDDLE = [
    ("党政办主任", [], ""),
    ("财政所所长", [KeyCategory.FINANCE], "负责全镇财政资金收支、拨付审核和村级财务监管"),
    ("综合行政执法队队长", [KeyCategory.DISCIPLINE_LAW], "负责辖区综合行政执法和违法建设查处"),
    ("农业农村办主任", [], ""),
    ("社会事务办主任", [], ""),
]
TOWN_COMMITTEE = [
    ("组织委员", LineRole.ORGANIZATION, [KeyCategory.PERSONNEL], "负责全镇干部人事、党员发展和基层组织建设"),
    ("宣传委员", LineRole.PUBLICITY, [], ""),
    ("统战委员", LineRole.UNITED_FRONT, [], ""),
    ("政法委员", LineRole.POLITICAL_LEGAL, [], ""),
    ("人武部长", LineRole.ARMED_FORCES, [], ""),
]


@dataclass
class CadreDraft:
    cadre: Cadre
    tenures: list[dict] = field(default_factory=list)  # kwargs for Appointment (post, start, end, ...)


@dataclass
class DemoCity:
    root: Organization
    townships: list[Organization]
    organs: list[Organization]
    institutions: list[Organization]
    soes: list[Organization]
    cadres: int = 0
    appointments: int = 0
    posts: int = 0
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def organizations(self) -> list[Organization]:
        return [self.root, *self.townships, *self.organs, *self.institutions, *self.soes]


def _count(base: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(base * scale))


def _names(base: list[str], n: int, *, extra=None) -> list[str]:
    if n <= len(base):
        return base[:n]
    out = list(base)
    seen = set(out)
    i = 0
    while len(out) < n:
        name = extra(i) if extra and i < 1500 else f"{base[i % len(base)]}（{i // len(base) + 2}）"
        if name not in seen:
            out.append(name)
            seen.add(name)
        i += 1
    return out


class Builder:
    def __init__(self, *, today: dt.date, rng: random.Random, scale: float = 1.0, stdout=None):
        self.today = today
        self.rng = rng
        self.scale = scale
        self.stdout = stdout
        self.used_ids: set[str] = set()
        self.drafts: list[CadreDraft] = []
        self.posts: list[Post] = []
        # id(post) -> earliest start of any tenure in it: earlier holders are chained before it
        self.occupied_from: dict[int, dt.date] = {}
        self.doc_seq = 0
        surnames, weights = zip(*SURNAMES, strict=True)
        self._surnames, self._surname_weights = list(surnames), list(weights)

    # --- random helpers ------------------------------------------------------------------------------
    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randrange((end - start).days))

    def years_ago(self, years: float) -> dt.date:
        return self.today - dt.timedelta(days=round(years * 365.25))

    def name(self, gender: str) -> str:
        surname = self.rng.choices(self._surnames, self._surname_weights)[0]
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
        given = self.rng.choice(chars) + (self.rng.choice(chars) if self.rng.random() < 0.7 else "")
        return surname + given

    def citizen_id(self, birth: dt.date, gender: str) -> tuple[str, str]:
        while True:
            region, place = self.rng.choice(REGIONS)
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            value = body + rules.citizen_id_check_digit(body)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value, place

    def doc_no(self, prefix: str, year: int) -> str:
        self.doc_seq += 1
        return f"{prefix}〔{year}〕{self.doc_seq % 180 + 1}号"

    # --- cadres ------------------------------------------------------------------------------------
    def new_cadre(
        self,
        org: Organization,
        *,
        age: tuple[int, int],
        female_share: float,
        rank: str,
        management_level: str,
        identity: str,
        status: str = CadreStatus.ACTIVE,
        party_share: float = 0.95,
    ) -> CadreDraft:
        gender = "F" if self.rng.random() < female_share else "M"
        lo_year = max(1965, self.today.year - age[1])
        hi_year = min(1995, self.today.year - age[0])
        if lo_year > hi_year:
            lo_year = hi_year = min(max(self.today.year - age[0], 1965), 1995)
        birth = self.date_between(dt.date(lo_year, 1, 1), dt.date(hi_year, 12, 28))
        cid, place = self.citizen_id(birth, gender)
        education = self.rng.choices(
            [
                EducationLevel.MASTER,
                EducationLevel.BACHELOR,
                EducationLevel.COLLEGE,
                EducationLevel.SECONDARY,
            ],
            [18 if birth.year > 1975 else 8, 66, 14, 2 if birth.year < 1972 else 0],
        )[0]
        work_start = self.date_between(
            dt.date(birth.year + (24 if education == EducationLevel.MASTER else 21), 7, 1),
            dt.date(birth.year + (26 if education == EducationLevel.MASTER else 23), 9, 1),
        )
        work_start = min(work_start, self.today - dt.timedelta(days=200))
        party = None
        if self.rng.random() < party_share:
            party = min(
                self.date_between(
                    birth.replace(month=1, day=1) + dt.timedelta(days=365 * 20),
                    work_start + dt.timedelta(days=365 * 8),
                ),
                self.today - dt.timedelta(days=100),
            )
        name = self.name(gender)
        cadre = Cadre(
            name=name,
            name_initials=_initials(name),
            gender=gender,
            ethnicity=self.rng.choices(["汉族", "畲族", "回族", "满族", "土家族"], [95, 2, 1, 1, 1])[0],
            birth_date=birth,
            citizen_id_encrypted=crypto.encrypt(cid),
            citizen_id_digest=crypto.digest(cid),
            citizen_id_tail=cid[-4:],
            citizen_id_masked=rules.mask_citizen_id(cid),
            native_place=place,
            party_join_date=party,
            work_start_date=work_start,
            identity_category=identity,
            rank=rank,
            management_level=management_level,
            status=status,
            organization=org,
            phone="1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9)),
        )
        # 学历 is derived from education records (created after the bulk insert).
        cadre.demo_education = education
        draft = CadreDraft(cadre)
        self.drafts.append(draft)
        return draft

    def tenure(
        self, draft: CadreDraft, post: Post, start: dt.date, end: dt.date | None = None, **extra
    ) -> dict:
        earliest = (draft.cadre.work_start_date or draft.cadre.birth_date) + dt.timedelta(days=365)
        start = max(start, earliest)
        if end is not None and end <= start:
            start = end - dt.timedelta(days=365)
        method = extra.pop(
            "method",
            AppointmentMethod.ELECTED
            if post.title.endswith(("镇长", "乡长"))
            else AppointmentMethod.APPOINTED,
        )
        prefix = "某组干" if post.organization.kind != OrgKind.SOE else "某国资"
        prev = self.occupied_from.get(id(post))
        self.occupied_from[id(post)] = start if prev is None else min(prev, start)
        t = dict(
            post=post,
            start_date=start,
            end_date=end,
            method=method,
            document_no=self.doc_no(prefix, start.year),
            recommended_by=extra.pop(
                "recommended_by",
                self.rng.choice(["市委组织部", "市委常委会", f"{post.organization.name}党组织"]),
            ),
            reviewed_by=extra.pop("reviewed_by", "市委组织部干部科"),
            **extra,
        )
        draft.tenures.append(t)
        return t

    def drop(self, draft: CadreDraft) -> None:
        """Forget a cadre created for a past tenure that did not fit (the last one created)."""
        if self.drafts and self.drafts[-1] is draft:
            self.drafts.pop()
        else:
            self.drafts.remove(draft)

    def past_tenure(self, draft: CadreDraft, post: Post, years: float, **extra) -> dict | None:
        """A tenure ending when the post's next holder (the earliest one known) took over."""
        end = self.occupied_from.get(id(post), self.today - dt.timedelta(days=30))
        start = end - dt.timedelta(days=round(years * 365.25))
        earliest = (draft.cadre.work_start_date or draft.cadre.birth_date) + dt.timedelta(days=365)
        if end - earliest < dt.timedelta(days=365):
            return None
        return self.tenure(draft, post, max(start, earliest), end, **extra)

    def portfolio(self, areas: list[str], lead: str = "") -> tuple[list[str], str]:
        shown = [str(AREA_LABELS[a]) for a in areas if a != PortfolioAreaCode.OVERALL]
        text = lead + ("分管" + "、".join(shown) + "工作" if shown else "")
        return [str(a) for a in areas], text.rstrip("，")

    def post(
        self,
        org: Organization,
        title: str,
        *,
        top: str = "",
        leading: bool = True,
        middle: bool = False,
        line_role: str = "",
        keys=(),
        reason: str = "",
        order: int = 0,
    ) -> Post:
        p = Post(
            organization=org,
            title=title,
            is_leading=leading or bool(top),
            top_leader_kind=top,
            is_middle_level=middle,
            line_role=line_role,
            key_categories=[str(k) for k in keys],
            key_reason=reason if keys else "",
            sort_order=order,
        )
        self.posts.append(p)
        return p


def _org(name, kind, parent, order, code="") -> Organization:
    org = Organization.objects.create(name=name, kind=kind, parent=parent, sort_order=order, code=code)
    parent_path = parent.path if parent else ""
    org.path = f"{parent_path}{org.pk:06d}."
    org.depth = parent_path.count(".")
    org.save(update_fields=["path", "depth"])
    return org


def _unit(name, kind, parent, order, code="") -> Organization:
    """An organization under `parent`, written later by `_write_units` (in one COPY)."""
    return Organization(name=name, kind=kind, parent=parent, sort_order=order, code=code)


def _write_units(parent: Organization, units: list[Organization]) -> None:
    for unit, pk in zip(units, reserve_ids(Organization, len(units)), strict=True):
        unit.pk = pk
        unit.path = f"{parent.path}{pk:06d}."
        unit.depth = parent.path.count(".")
    copy_insert(Organization, units)


def build_demo_city(*, today: dt.date, rng: random.Random, scale: float = 1.0, stdout=None) -> DemoCity:
    from .services import portfolio_catalogue_seed

    portfolio_catalogue_seed()  # the catalogue rule 1 reads (normally there from the migration)
    b = Builder(today=today, rng=rng, scale=scale, stdout=stdout)
    plain_leaders = [0]

    # 1. organizations ------------------------------------------------------------------------------
    root = _org(CITY_NAME, OrgKind.CITY, None, 0, code="330000")

    pairs = [x + y for x in TOWN_SYLLABLES for y in TOWN_SYLLABLES if x != y]  # 1,560 distinct

    def town_name(i):
        # 37 is coprime with len(pairs): every index gives a new pair
        return f"{pairs[(i * 37) % len(pairs)]}{'镇' if i % 3 else '街道'}"

    town_names = _names(TOWNSHIPS, _count(20, scale), extra=town_name)
    townships = [_unit(n, OrgKind.TOWNSHIP, root, 100 + i) for i, n in enumerate(town_names)]
    organs = [
        _unit(n, OrgKind.CITY_ORGAN, root, 300 + i)
        for i, n in enumerate(_names(CITY_ORGANS, _count(46, scale, 2)))
    ]
    institutions = [
        _unit(n, OrgKind.INSTITUTION, root, 600 + i)
        for i, n in enumerate(_names(INSTITUTIONS, _count(15, scale)))
    ]
    soes = [_unit(n, OrgKind.SOE, root, 800 + i) for i, n in enumerate(_names(SOES, _count(5, scale)))]
    _write_units(root, townships + organs + institutions + soes)
    city = DemoCity(root, townships, organs, institutions, soes)

    # How many of the planted cases (scaled, at least one each)
    n_long = _count(6, scale)  # 一把手 10+ years in post
    n_nine = _count(5, scale)  # 一把手 9 years in post
    n_violations = _count(5, scale)  # rule 1
    n_exchange = min(_count(8, scale), len(townships), len(organs))  # township secretary -> organ head

    top_tenure_plan: list[str] = ["long"] * n_long + ["nine"] * n_nine
    violation_plan = [True] * n_violations

    def top_start(kind_hint: str | None = None) -> dt.date:
        if kind_hint == "long":
            return b.years_ago(rng.uniform(10.1, 13.5))
        if kind_hint == "nine":
            return b.years_ago(rng.uniform(9.05, 9.8))
        return b.years_ago(rng.uniform(0.4, 7.5))

    def predecessor(org: Organization, post: Post, until: dt.date, *, rank: str, identity: str) -> None:
        """A previous holder of a top post: now second-line or retired (their tenure ends at `until`)."""
        if rng.random() < 0.5:
            return
        status = rng.choice([CadreStatus.SECOND_LINE, CadreStatus.RETIRED])
        age = (55, 59) if status == CadreStatus.SECOND_LINE else (60, 61)
        d = b.new_cadre(
            org,
            age=age,
            female_share=0.1,
            rank=rank,
            management_level=ManagementLevel.CITY,
            identity=identity,
            status=status,
        )
        if (
            b.past_tenure(
                d,
                post,
                rng.uniform(3, 8),
                end_reason="退出领导岗位" if status == CadreStatus.SECOND_LINE else "退休",
            )
            is None
        ):
            b.drop(d)

    def leader_portfolio(kind: str) -> tuple[list[str], str]:
        if kind == TopLeaderKind.PARTY:
            areas, lead = (
                [PortfolioAreaCode.PARTY_BUILDING, PortfolioAreaCode.OVERALL],
                "主持党委（党组）全面工作，",
            )
        else:
            areas, lead = [PortfolioAreaCode.OVERALL, PortfolioAreaCode.ECONOMY], "主持行政全面工作，"
        if violation_plan and rng.random() < 0.35:
            violation_plan.pop()
            areas = [*areas, rng.choice([PortfolioAreaCode.FINANCE, PortfolioAreaCode.PROCUREMENT])]
            return b.portfolio(areas, lead)
        # Every other compliant leader's note says what they do not oversee: a note, never a
        # violation (rule 1 reads the structured areas only).
        plain_leaders[0] += 1
        codes, text = b.portfolio(areas, lead)
        return codes, (text + "；不分管财务、人事" if plain_leaders[0] % 2 else text)

    def deputies(org, title, n, *, rank, identity, order, age=(33, 56), key_first=True):
        for j in range(n):
            areas = rng.sample(DEPUTY_AREAS, 2)
            keys, reason = [], ""
            if key_first and j == 0:
                areas = [
                    PortfolioAreaCode.FINANCE,
                    rng.choice([PortfolioAreaCode.CONSTRUCTION, PortfolioAreaCode.PROCUREMENT]),
                ]
                keys = [
                    KeyCategory.FINANCE,
                    KeyCategory.CONSTRUCTION
                    if areas[1] == PortfolioAreaCode.CONSTRUCTION
                    else KeyCategory.ASSETS,
                ]
                reason = "分管" + "、".join(str(AREA_LABELS[a]) for a in areas) + "，审批资金和项目"
            p = b.post(org, title, keys=keys, reason=reason, order=order + j)
            d = b.new_cadre(
                org,
                age=age,
                female_share=0.25,
                rank=rank,
                management_level=ManagementLevel.CITY,
                identity=identity,
            )
            pa, pt = b.portfolio(areas)
            b.tenure(d, p, b.years_ago(rng.uniform(0.3, 7)), portfolio_areas=pa, portfolio_text=pt)

    def middles(org, sections, *, identity, order):
        for j, (title, keys, reason) in enumerate(sections):
            p = b.post(org, title, leading=False, middle=True, keys=keys, reason=reason, order=order + j)
            rank = (
                rng.choice([Rank.ZHENGKE, Rank.FUKE, Rank.YIJI_ZHUREN, Rank.ERJI_ZHUREN])
                if identity != IdentityCategory.ENTERPRISE
                else Rank.OTHER
            )
            d = b.new_cadre(
                org,
                age=(27, 57),
                female_share=0.4,
                rank=rank,
                management_level=ManagementLevel.DEPARTMENT,
                identity=identity,
                party_share=0.85,
            )
            # key-post holders include some long in the post (middle-level rotation after 5 years)
            years = rng.uniform(5.2, 9) if keys and rng.random() < 0.3 else rng.uniform(0.3, 6)
            b.tenure(d, p, b.years_ago(years), method=AppointmentMethod.APPOINTED)

    # 2. townships ----------------------------------------------------------------------------------
    town_heads: list[CadreDraft] = []
    exchange_dates: list[tuple[Organization, Post, dt.date]] = []  # (township, secretary post, handover)
    organ_deputy_posts: list[Post] = []
    for i, town in enumerate(townships):
        street = town.name.endswith("街道")
        xiang = town.name.endswith("乡")
        sec_title = "党工委书记" if street else "党委书记"
        head_title = "办事处主任" if street else ("乡长" if xiang else "镇长")
        dep_title = "办事处副主任" if street else ("副乡长" if xiang else "副镇长")
        sec = b.post(town, sec_title, top=TopLeaderKind.PARTY, order=1)
        head = b.post(town, head_title, top=TopLeaderKind.ADMIN, order=2)
        plan = top_tenure_plan.pop() if top_tenure_plan and i % 2 == 1 else None
        s_sec = top_start(plan)
        d = b.new_cadre(
            town,
            age=(42, 58),
            female_share=0.12,
            rank=Rank.FUCHU if plan == "long" else Rank.ZHENGKE,
            management_level=ManagementLevel.CITY,
            identity=IdentityCategory.CIVIL_SERVANT,
        )
        pa, pt = leader_portfolio(TopLeaderKind.PARTY)
        b.tenure(d, sec, s_sec, portfolio_areas=pa, portfolio_text=pt, recommended_by="市委常委会")
        if i < n_exchange:
            exchange_dates.append((town, sec, s_sec))  # the predecessor now heads a city organ
        else:
            predecessor(town, sec, s_sec, rank=Rank.ZHENGKE, identity=IdentityCategory.CIVIL_SERVANT)
        s_head = top_start(None)
        d = b.new_cadre(
            town,
            age=(38, 55),
            female_share=0.18,
            rank=Rank.ZHENGKE,
            management_level=ManagementLevel.CITY,
            identity=IdentityCategory.CIVIL_SERVANT,
        )
        pa, pt = leader_portfolio(TopLeaderKind.ADMIN)
        b.tenure(d, head, s_head, portfolio_areas=pa, portfolio_text=pt)
        predecessor(town, head, s_head, rank=Rank.ZHENGKE, identity=IdentityCategory.CIVIL_SERVANT)
        town_heads.append(d)
        for j, title in enumerate(["党委副书记", "党委副书记（专职）"]):
            p = b.post(town, title, order=3 + j)
            d = b.new_cadre(
                town,
                age=(35, 52),
                female_share=0.25,
                rank=Rank.FUKE if j else Rank.ZHENGKE,
                management_level=ManagementLevel.CITY,
                identity=IdentityCategory.CIVIL_SERVANT,
            )
            pa, pt = b.portfolio(
                [
                    PortfolioAreaCode.PARTY_BUILDING,
                    rng.choice([PortfolioAreaCode.PETITIONS, PortfolioAreaCode.SAFETY]),
                ]
            )
            b.tenure(d, p, b.years_ago(rng.uniform(0.3, 6)), portfolio_areas=pa, portfolio_text=pt)
        p = b.post(
            town,
            "纪委书记",
            keys=[KeyCategory.DISCIPLINE_LAW],
            reason="负责全镇党风廉政建设和纪律审查",
            order=5,
        )
        d = b.new_cadre(
            town,
            age=(33, 52),
            female_share=0.3,
            rank=Rank.FUKE,
            management_level=ManagementLevel.CITY,
            identity=IdentityCategory.CIVIL_SERVANT,
        )
        b.tenure(d, p, b.years_ago(rng.uniform(0.3, 6)))
        deputies(
            town, dep_title, 3 + (i % 2), rank=Rank.FUKE, identity=IdentityCategory.CIVIL_SERVANT, order=6
        )
        for j, (title, line_role, keys, reason) in enumerate(TOWN_COMMITTEE):
            p = b.post(town, title, line_role=line_role, keys=keys, reason=reason, order=10 + j)
            d = b.new_cadre(
                town,
                age=(30, 50),
                female_share=0.3,
                rank=Rank.FUKE,
                management_level=ManagementLevel.CITY,
                identity=IdentityCategory.CIVIL_SERVANT,
            )
            b.tenure(d, p, b.years_ago(rng.uniform(0.3, 7)))
        middles(town, TOWN_MIDDLE, identity=IdentityCategory.CIVIL_SERVANT, order=20)

    # 3. city organs and institutions ---------------------------------------------------------------
    def leadership(
        org,
        *,
        head_title,
        dep_title,
        n_dep,
        identity,
        rank_top,
        rank_dep,
        party_title="党组书记",
        same_person=0.7,
    ):
        admin = b.post(org, head_title, top=TopLeaderKind.ADMIN, order=1) if head_title else None
        party = b.post(org, party_title, top=TopLeaderKind.PARTY, order=0) if party_title else None
        exchange = exchange_dates.pop(0) if exchange_dates else None
        plan = top_tenure_plan.pop() if top_tenure_plan and not exchange else None
        s = exchange[2] if exchange else top_start(plan)
        d = b.new_cadre(
            org,
            age=(42, 58),
            female_share=0.15,
            rank=rank_top,
            management_level=ManagementLevel.CITY,
            identity=identity,
        )
        if exchange:
            town, sec_post, handover = exchange
            b.tenure(
                d,
                sec_post,
                handover - dt.timedelta(days=round(rng.uniform(3, 7) * 365)),
                handover,
                end_reason="交流任职",
                portfolio_areas=[PortfolioAreaCode.PARTY_BUILDING, PortfolioAreaCode.OVERALL],
                portfolio_text="主持党委全面工作",
            )
            d.cadre.rank = Rank.ZHENGKE if rank_top == Rank.ZHENGKE else rank_top
        for post, kind in ((party, TopLeaderKind.PARTY), (admin, TopLeaderKind.ADMIN)):
            if post is None:
                continue
            holder, start = d, s
            if post is party and admin is not None and rng.random() > same_person:
                holder = b.new_cadre(
                    org,
                    age=(44, 58),
                    female_share=0.15,
                    rank=rank_top,
                    management_level=ManagementLevel.CITY,
                    identity=identity,
                )
                start = top_start(None)
            pa, pt = leader_portfolio(kind)
            b.tenure(holder, post, start, portfolio_areas=pa, portfolio_text=pt, recommended_by="市委常委会")
            predecessor(org, post, start, rank=rank_top, identity=identity)
        before = len(b.posts)
        deputies(org, dep_title, n_dep, rank=rank_dep, identity=identity, order=2)
        organ_deputy_posts.extend(b.posts[before:])

    def head_titles(name: str) -> tuple[str | None, str, str | None]:
        if name.endswith("部") or name == "市委政法委员会":
            return (
                None,
                "副部长" if name.endswith("部") else "副书记",
                "部长" if name.endswith("部") else "书记",
            )
        if name == "市纪委监委":
            return "监委主任", "副书记", "书记"
        if name in ("市总工会", "市妇联"):
            return "主席", "副主席", "党组书记"
        if name == "团市委":
            return None, "副书记", "书记"
        if name.endswith("局"):
            return "局长", "副局长", "党组书记"
        if name.endswith("社"):
            return "主任", "副主任", "党组书记"
        return "主任", "副主任", "党组书记"

    for i, org in enumerate(organs):
        head, dep, party = head_titles(org.name)
        leadership(
            org,
            head_title=head,
            dep_title=dep,
            n_dep=2 + i % 3,
            identity=IdentityCategory.CIVIL_SERVANT,
            rank_top=Rank.ZHENGKE,
            rank_dep=Rank.FUKE,
            party_title=party,
        )
        sections = ORGAN_SECTIONS_FIXED + rng.sample(ORGAN_SECTIONS_POOL, 3 + i % 3)
        middles(org, sections, identity=IdentityCategory.CIVIL_SERVANT, order=20)

    for i, org in enumerate(institutions):
        head = (
            "院长"
            if "医院" in org.name
            else ("校长" if "中学" in org.name or "中心" in org.name and "教育" in org.name else "主任")
        )
        leadership(
            org,
            head_title=head,
            dep_title="副" + head,
            n_dep=2,
            identity=IdentityCategory.INSTITUTION if i % 4 else IdentityCategory.MANAGED_AS_CS,
            rank_top=Rank.ZHENGKE,
            rank_dep=Rank.FUKE,
            party_title="党委书记",
            same_person=0.3,
        )
        middles(
            org,
            ORGAN_SECTIONS_FIXED + [("采购管理科科长", [KeyCategory.ASSETS], "负责设备、药品和物资的采购")],
            identity=IdentityCategory.INSTITUTION,
            order=20,
        )

    for org in soes:
        leadership(
            org,
            head_title="总经理",
            dep_title="副总经理",
            n_dep=3,
            identity=IdentityCategory.ENTERPRISE,
            rank_top=Rank.OTHER,
            rank_dep=Rank.OTHER,
            party_title="党委书记、董事长",
            same_person=0.0,
        )
        middles(
            org,
            [
                ("财务总监", [KeyCategory.FINANCE], "负责集团资金调度、融资和财务审核"),
                (
                    "招标采购部经理",
                    [KeyCategory.ASSETS, KeyCategory.CONSTRUCTION],
                    "负责工程项目招标和物资采购",
                ),
                ("人力资源部经理", [KeyCategory.PERSONNEL], "负责集团人员招聘、薪酬和干部管理"),
                ("综合办公室主任", [], ""),
            ],
            identity=IdentityCategory.ENTERPRISE,
            order=20,
        )

    # 4. earlier careers: city organ deputies who became township leaders; deputies' previous posts ---
    for d in town_heads[: _count(10, scale)]:
        cur = d.tenures[0]["start_date"]
        free = [p for p in organ_deputy_posts if b.occupied_from.get(id(p), cur) >= cur]
        if free:
            prev = rng.choice(free)
            b.tenure(
                d, prev, cur - dt.timedelta(days=round(rng.uniform(3, 6) * 365)), cur, end_reason="交流任职"
            )
    middle_by_org: dict[int, list[Post]] = {}
    for p in b.posts:
        if p.is_middle_level and not p.key_categories:
            middle_by_org.setdefault(id(p.organization), []).append(p)
    for d in b.drafts:
        if len(d.tenures) == 1 and d.tenures[0]["end_date"] is None and d.cadre.status == CadreStatus.ACTIVE:
            cur = d.tenures[0]
            post = cur["post"]
            if post.is_middle_level or post.top_leader_kind or rng.random() > 0.5:
                continue
            # a deputy previously held a middle-level post in the same organization
            cur_start = cur["start_date"]
            same_org_middle = [
                p
                for p in middle_by_org.get(id(post.organization), [])
                if b.occupied_from.get(id(p), cur_start) >= cur_start
            ]
            if same_org_middle:
                prev = rng.choice(same_org_middle)
                b.tenure(
                    d,
                    prev,
                    cur["start_date"] - dt.timedelta(days=round(rng.uniform(2, 6) * 365)),
                    cur["start_date"],
                    end_reason="提拔任职",
                )

    # 5. second-line, retired and transferred-out cadres (with their past tenures) ----------------------
    all_units = [*townships, *organs]
    deputy_posts = [
        p
        for p in b.posts
        if p.is_leading
        and not p.top_leader_kind
        and p.organization.kind in (OrgKind.TOWNSHIP, OrgKind.CITY_ORGAN)
    ]
    for status, n, age in (
        (CadreStatus.SECOND_LINE, _count(60, scale), (55, 59)),
        (CadreStatus.RETIRED, _count(30, scale), (60, 61)),
        (CadreStatus.LEFT, _count(10, scale), (35, 50)),
    ):
        for _ in range(n):
            post = rng.choice(deputy_posts)
            rank = rng.choice(
                [Rank.ZHENGKE, Rank.FUKE, Rank.YIJI_DIAOYAN if status != CadreStatus.LEFT else Rank.FUKE]
            )
            d = b.new_cadre(
                post.organization if status != CadreStatus.LEFT else rng.choice(all_units),
                age=age,
                female_share=0.25,
                rank=rank,
                management_level=ManagementLevel.CITY,
                identity=IdentityCategory.CIVIL_SERVANT,
                status=status,
            )
            reason = {"second_line": "改任非领导职务（退出领导岗位）", "retired": "退休", "left": "调出本市"}[
                status
            ]
            pa, pt = b.portfolio(rng.sample(DEPUTY_AREAS, 2))
            if (
                b.past_tenure(
                    d, post, rng.uniform(3, 9), end_reason=reason, portfolio_areas=pa, portfolio_text=pt
                )
                is None
            ):
                b.drop(d)

    # Any planted violations not placed yet go to township administrative heads.
    for d in town_heads:
        if not violation_plan:
            break
        t = d.tenures[0]
        if (
            PortfolioAreaCode.FINANCE not in t["portfolio_areas"]
            and PortfolioAreaCode.PROCUREMENT not in t["portfolio_areas"]
        ):
            violation_plan.pop()
            t["portfolio_areas"] = [*t["portfolio_areas"], PortfolioAreaCode.FINANCE]
            t["portfolio_text"] += "，分管财务"

    # 6. write ----------------------------------------------------------------------------------------
    copy_insert(Post, b.posts)
    cadres = [d.cadre for d in b.drafts]
    for c in cadres:
        c.organization_id = c.organization.pk
    copy_insert(Cadre, cadres)
    appointments = []
    for d in b.drafts:
        for t in d.tenures:
            appointments.append(Appointment(cadre=d.cadre, **t))
    copy_insert(Appointment, appointments)
    records = []
    for c in cadres:
        education = getattr(c, "demo_education", "")
        if education:
            end = dt.date((c.work_start_date or c.birth_date).year, 7, 1)
            years = {"master": 7, "bachelor": 4, "college": 3, "doctor": 10}.get(education, 3)
            records.append(
                EducationRecord(
                    cadre=c,
                    level=education,
                    school=rng.choice(SCHOOLS),
                    major=rng.choice(MAJORS),
                    degree={"master": "硕士", "bachelor": "学士", "doctor": "博士"}.get(education, ""),
                    start_date=dt.date(end.year - years, 9, 1),
                    end_date=end,
                    full_time=rng.random() < 0.8,
                )
            )
    copy_insert(EducationRecord, records)
    city.cadres, city.appointments, city.posts = len(cadres), len(appointments), len(b.posts)
    return city


# --- demo users ------------------------------------------------------------------------------------------


def _group(role: str, jurisdiction: str, orgs) -> Group:
    group, _ = Group.objects.get_or_create(name=role_group_name(role, jurisdiction))
    grant_role(group, role, orgs)
    return group


def create_demo_users(city: DemoCity, *, rng: random.Random) -> list[tuple[str, str, str]]:
    """The demo accounts of the PREAMBLE; returns rows (username, role, what they see)."""
    password = make_password(DEMO_PASSWORD)
    first_town = city.townships[0]
    social = [o for o in city.organs + city.institutions if o.name in SOCIAL_AFFAIRS] or city.organs[:3]

    # Real names: pages show people by name (cadre_supervision.people.display_name); the role
    # is in the login table below.
    def user(username, full_name, *, superuser=False):
        u, _ = User.objects.get_or_create(username=username)
        u.first_name = full_name
        u.password = password
        u.is_superuser = u.is_staff = superuser
        u.email = f"{username}@example.gov.cn"
        u.save()
        return u

    g_staff = _group("org_staff", "全市", [city.root])
    g_discipline = _group("discipline", "全市", [city.root])
    g_supervisor = _group("supervisor", "全市", [city.root])
    g_fenguan = _group("supervisor", "分管社会事业", social)
    g_audit = _group("audit_team", "全市", [city.root])
    g_liaison = _group("unit_liaison", first_town.name, [first_town])
    g_stats = _group("stats_client", "全市", [city.root])

    rows = []
    user("admin", "系统管理员", superuser=True)
    rows.append(("admin", "系统管理员（superuser）", "全部数据和系统管理页面"))
    user("zuzhibu", "周敏").groups.set([g_staff])
    rows.append(("zuzhibu", "组织部工作人员", "全市干部、轮岗、联审、个人事项"))
    user("jiwei", "孙志刚").groups.set([g_discipline])
    rows.append(("jiwei", "纪检监察干部", "全市审计档案、廉政档案（只读）"))
    user("shuji", "陈卫东").groups.set([g_supervisor])
    rows.append(("shuji", "谈话人（市委书记）", "党政正职的谈心谈话任务"))
    user("shizhang", "刘建华").groups.set([g_supervisor])
    rows.append(("shizhang", "谈话人（市长）", "党政正职的谈心谈话任务"))
    user("fenguan", "杨晓红").groups.set([g_fenguan])
    rows.append(("fenguan", "谈话人（分管市领导）", f"分管单位：{'、'.join(o.name for o in social[:4])}等"))
    user("ganbuke", "吴俊").groups.set([g_staff, g_supervisor])
    rows.append(("ganbuke", "组织部工作人员 + 谈话人", "全市干部；部管干部和乡镇副职的谈话"))
    user("shenji", "郑丽").groups.set([g_audit])
    rows.append(("shenji", "审计组成员", "被指派的三责联审项目"))
    user("zhuanguanyuan", "何静").groups.set([g_liaison])
    rows.append(("zhuanguanyuan", "单位干部专管员", f"{first_town.name}的干部和二线干部日常"))
    user("tongji", "统计接口").groups.set([g_stats])
    rows.append(("tongji", "统计接口用户", "全市汇总统计（无个人信息）"))
    ganbu = user("ganbu", "")
    ganbu.groups.clear()
    linked = (
        Cadre.objects.filter(organization=first_town, status=CadreStatus.ACTIVE, user__isnull=True)
        .exclude(appointments__post__top_leader_kind__in=[TopLeaderKind.PARTY, TopLeaderKind.ADMIN])
        .order_by("id")
        .first()
    )
    if linked is not None:
        Cadre.objects.filter(pk=linked.pk).update(user=ganbu)
        ganbu.first_name = linked.name
        ganbu.save(update_fields=["first_name"])
    rows.append(("ganbu", "干部本人（无角色）", f"本人账号（关联干部：{linked.name if linked else '无'}）"))
    city.users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
    city.logins = rows
    return rows


# --- the dossier (干部档案): filled for every demo cadre, in bulk ------------------------------------

BIRTH_PLACES = [
    "浙江杭州",
    "浙江宁波",
    "浙江温州",
    "浙江绍兴",
    "浙江金华",
    "浙江台州",
    "浙江丽水",
    "江西上饶",
    "安徽黄山",
]
TITLES = ["", "", "", "经济师", "高级经济师", "工程师", "高级工程师", "会计师", "讲师", "主治医师"]
EXPERTISE = [
    "基层治理",
    "经济管理",
    "城乡规划",
    "财政金融",
    "法律事务",
    "农业农村工作",
    "党建工作",
    "招商引资",
    "社会治理",
]
FAMILY_JOBS = [
    "某市第一中学教师",
    "某区人民医院医生",
    "某市国有企业职员",
    "某镇人民政府干部",
    "退休",
    "务农",
    "某大学学生",
    "个体经营",
]


DOSSIER_CHUNK = 5_000  # cadres whose dossier rows are built and written per round


TRAINING_COURSES = {
    "party_school": (
        ["中青年干部培训班", "县处级干部进修班", "乡镇党委书记专题培训班"],
        ["中共某市委党校", "中共浙江省委党校"],
    ),
    "special": (
        ["学习贯彻党的二十大精神专题培训", "基层治理能力提升专题培训", "安全生产与应急管理专题培训"],
        ["中共某市委组织部", "某市应急管理局", "浙江大学继续教育学院"],
    ),
    "full_time": (["领导干部经济管理能力提升班", "乡村振兴专题研修班"], ["浙江大学", "中共某市委组织部"]),
    "online": (["干部网络学院年度学习"], ["某市干部网络学院"]),
}


def _demo_training(cadre, today: dt.date, rng: random.Random) -> list:
    """Two to four courses of the last six years; about a third meet the five-year norm."""
    from .models import TrainingRecord

    out = []
    for _ in range(rng.randint(2, 4)):
        kind = rng.choice(["party_school", "special", "special", "online", "full_time"])
        names, organizers = TRAINING_COURSES[kind]
        days = {"party_school": (30, 75), "special": (3, 7), "full_time": (10, 20), "online": (1, 1)}[kind]
        length = rng.randint(*days)
        start = today - dt.timedelta(days=rng.randint(length + 1, 6 * 365))
        end = start + dt.timedelta(days=length - 1)
        hours = rng.randint(40, 120) if kind == "online" else length * rng.choice([6, 7, 8])
        out.append(
            TrainingRecord(
                cadre=cadre,
                name=rng.choice(names),
                organizer=rng.choice(organizers),
                kind=kind,
                start_date=start,
                end_date=end if length > 1 else None,
                hours=hours,
                certificate=f"{start.year}{rng.randint(1000, 9999)}" if kind == "party_school" else "",
            )
        )
    return out


def seed_dossier(*, today: dt.date, rng: random.Random, stdout=None) -> None:
    """Education tracks, résumé lines before the tenures (some with gaps), 三龄两历一身份 认定,
    rewards, three years of annual assessments, sanctions (some still barring promotion),
    family members, training of the leading cadres and recommenders for every demo cadre. Bulk inserts only."""
    from . import services
    from .choices import AssessmentGrade, PoliticalStatus, SanctionKind, VerificationItem, VerificationStatus
    from .models import (
        AnnualAssessment,
        DossierVerification,
        FamilyMember,
        ResumeLine,
        RewardPunishment,
        Sanction,
        TrainingRecord,
    )

    cadres = list(
        Cadre.objects.all().only(
            "id", "birth_date", "party_join_date", "work_start_date", "identity_category", "gender", "name"
        )
    )
    if not cadres or ResumeLine.objects.exists():
        return
    first_start = {}
    for cadre_id, start in Appointment.objects.order_by("start_date").values_list("cadre_id", "start_date"):
        first_start.setdefault(cadre_id, start)
    # 教育培训 for the cadres in a leading post today, from a generator of its own (the other
    # records keep the draws they had before training was seeded).
    leading = set(
        Appointment.objects.current(today).filter(post__is_leading=True).values_list("cadre_id", flat=True)
    )
    trng = random.Random(rng.getstate()[1][0] ^ 0x7472)
    education: dict[int, list[EducationRecord]] = {}
    for e in EducationRecord.objects.all():
        education.setdefault(e.cadre_id, []).append(e)

    totals = dict.fromkeys(("lines", "assessments", "sanctions", "family", "training", "verifications"), 0)
    for offset in range(0, len(cadres), DOSSIER_CHUNK):  # bounded memory at province scale
        chunk = cadres[offset : offset + DOSSIER_CHUNK]
        in_service, lines, assessments, rewards, sanctions, family, verifications = [], [], [], [], [], [], []
        training: list[TrainingRecord] = []
        bar_months = services.sanction_bar_months()
        grades = [AssessmentGrade.EXCELLENT] * 2 + [AssessmentGrade.COMPETENT] * 14 + [AssessmentGrade.BASIC]
        political_statuses = set(PoliticalStatus.values)
        for c in chunk:
            c.birth_place = rng.choice(BIRTH_PLACES)
            c.health = "健康" if rng.random() < 0.95 else "良好"
            c.professional_title = rng.choice(TITLES)
            c.expertise = rng.choice(EXPERTISE)
            records = education.setdefault(c.pk, [])
            work = c.work_start_date or dt.date(c.birth_date.year + 22, 7, 1)
            if rng.random() < 0.4 and work.year + 6 < today.year:
                start = dt.date(work.year + rng.randint(3, 10), 9, 1)
                if start < today:
                    end = min(dt.date(start.year + 3, 7, 1), today)
                    level = rng.choice(["master", "bachelor"])
                    rec = EducationRecord(
                        cadre=c,
                        full_time=False,
                        level=level,
                        degree={"master": "硕士", "bachelor": ""}[level],
                        school=rng.choice(["中共浙江省委党校", "中央党校", "浙江大学", "浙江工业大学"]),
                        major=rng.choice(["经济管理", "公共管理", "法律", "行政管理"]),
                        start_date=start,
                        end_date=end,
                    )
                    in_service.append(rec)
                    records.append(rec)
            # Résumé lines before the first tenure kept here: school, then earlier posts.
            first = first_start.get(c.pk, today)
            c_lines = []
            full = [r for r in records if r.full_time and r.start_date and r.end_date]
            if full:
                school = full[0]
                c_lines.append(
                    ResumeLine(
                        cadre=c,
                        start_month=school.start_date.replace(day=1),
                        end_month=school.end_date.replace(day=1),
                        text=f"{school.school}{school.major}专业学习",
                    )
                )
            # Work lines continue from graduation (an earlier or later 参加工作时间 than the school
            # end would overlap or leave a gap in every such résumé); only the few drawn below
            # carry a gap or an overlap the 认定 must clear up.
            cursor = full[0].end_date.replace(day=1) if full else work.replace(day=1)
            roll = rng.random()
            gap = roll < 0.06
            overlap = 0.06 <= roll < 0.12
            steps = max(0, (first.year - cursor.year) // 5)
            for i in range(steps):
                end = dt.date(min(cursor.year + rng.randint(3, 6), first.year), rng.randint(1, 12), 1)
                if end >= first.replace(day=1) or end <= cursor:
                    break
                c_lines.append(
                    ResumeLine(
                        cadre=c,
                        start_month=cursor,
                        end_month=end,
                        text=rng.choice(
                            [
                                "某县某乡人民政府干部",
                                "某县某局科员",
                                "某镇党委委员",
                                "某县某局副局长",
                                "某街道办事处副主任",
                            ]
                        ),
                    )
                )
                cursor = dt.date(end.year + (1 if gap and i == 0 else 0), end.month, 1)
                if overlap and i == 0:
                    back = end.year * 12 + end.month - 1 - rng.randint(3, 6)
                    cursor = max(dt.date(back // 12, back % 12 + 1, 1), c_lines[-1].start_month)
            if cursor < first.replace(day=1):
                c_lines.append(
                    ResumeLine(
                        cadre=c, start_month=cursor, end_month=first.replace(day=1), text="某县某部门干部"
                    )
                )
            lines.extend(c_lines)
            for year in range(today.year - 3, today.year):
                if year >= work.year:
                    assessments.append((c.pk, year, rng.choice(grades)))
            if rng.random() < 0.25:
                rewards.append(
                    RewardPunishment(
                        cadre=c,
                        kind="reward",
                        title=rng.choice(["优秀共产党员", "优秀公务员", "先进工作者", "三等功"]),
                        date=dt.date(
                            rng.randint(max(work.year, today.year - 12), today.year - 1),
                            rng.randint(1, 12),
                            1,
                        ),
                        issuing_body=rng.choice(["中共某市委", "某市人民政府", "某市人力资源和社会保障局"]),
                        document_no=f"市委〔{today.year - rng.randint(1, 10)}〕{rng.randint(1, 99)}号",
                    )
                )
            roll = rng.random()
            if roll < 0.05:
                recent = roll < 0.025  # half of them still barring promotion today
                kind = rng.choice(
                    [
                        SanctionKind.PARTY_WARNING,
                        SanctionKind.PUBLIC_DEMERIT,
                        SanctionKind.PARTY_SERIOUS_WARNING,
                    ]
                )
                decided = today - dt.timedelta(
                    days=rng.randint(30, 150) if recent else rng.randint(900, 2500)
                )
                months, end, indefinite = rules.sanction_bar(kind, decided, bar_months)
                sanctions.append(
                    Sanction(
                        cadre=c,
                        track="party" if kind.startswith("party") else "public",
                        kind=kind,
                        decision_date=decided,
                        deciding_body=rng.choice(["中共某市纪律检查委员会", "某市监察委员会"]),
                        document_no=f"市纪〔{decided.year}〕{rng.randint(1, 60)}号",
                        reason=rng.choice(
                            [
                                "违反中央八项规定精神，违规接受宴请",
                                "履职不力，造成不良影响",
                                "违规发放津贴补贴",
                            ]
                        ),
                        bar_months=months,
                        bar_end=end,
                        bar_indefinite=indefinite,
                    )
                )
            spouse = "妻子" if c.gender == "M" else "丈夫"
            members = [
                (spouse, c.birth_date.year + rng.randint(-3, 3), "cpc" if rng.random() < 0.5 else "none")
            ]
            for _ in range(rng.choice([1, 1, 2])):
                members.append(
                    (rng.choice(["儿子", "女儿"]), c.birth_date.year + rng.randint(24, 34), "league")
                )
            members.append(
                ("父亲", c.birth_date.year - rng.randint(24, 32), "cpc" if rng.random() < 0.4 else "none")
            )
            members.append(("母亲", c.birth_date.year - rng.randint(22, 30), "none"))
            for order, (relation, year, status) in enumerate(members):
                if year >= today.year:
                    continue
                family.append(
                    (
                        c.pk,
                        relation,
                        rng.choice("王李张刘陈杨赵黄周吴")
                        + rng.choice(["建国", "秀英", "丽", "明", "芳", "强", "婷", "伟"]),
                        dt.date(year, rng.randint(1, 12), 1),
                        status if status in political_statuses else "",
                        rng.choice(FAMILY_JOBS),
                        order,
                    )
                )
            c.demo_lines = c_lines
            if c.pk in leading:
                training.extend(_demo_training(c, today, trng))
        copy_update(Cadre, chunk, ["birth_place", "health", "professional_title", "expertise"])
        copy_insert(EducationRecord, in_service)
        copy_insert(ResumeLine, lines)
        copy_rows(AnnualAssessment, ["cadre_id", "year", "grade"], assessments)
        copy_insert(RewardPunishment, rewards)
        copy_insert(Sanction, sanctions)
        copy_rows(
            FamilyMember,
            [
                "cadre_id",
                "relation",
                "name",
                "birth_month",
                "political_status",
                "employer_post",
                "sort_order",
            ],
            family,
        )
        copy_insert(TrainingRecord, training)
        # 认定: most items verified from the dossier, some pending, a few with doubts.
        documents = {
            VerificationItem.BIRTH_DATE: "干部履历表、入党志愿书",
            VerificationItem.PARTY_JOIN_DATE: "入党志愿书、转正审批材料",
            VerificationItem.WORK_START_DATE: "招录（招工）审批表",
            VerificationItem.EDUCATION: "学历学位证书及认证材料",
            VerificationItem.CAREER: "历次任免审批表及任职文件",
            VerificationItem.IDENTITY: "公务员（参公）登记表",
        }
        now = dt.datetime.now(dt.UTC)
        for c in chunk:
            values = {
                VerificationItem.BIRTH_DATE: c.birth_date.isoformat(),
                VerificationItem.PARTY_JOIN_DATE: c.party_join_date.isoformat() if c.party_join_date else "",
                VerificationItem.WORK_START_DATE: c.work_start_date.isoformat() if c.work_start_date else "",
                VerificationItem.EDUCATION: services.education_value(education.get(c.pk, [])),
                VerificationItem.CAREER: services.career_value(c.demo_lines),
                VerificationItem.IDENTITY: c.identity_category,
            }
            for item, value in values.items():
                if not value:
                    continue
                roll = rng.random()
                status = (
                    VerificationStatus.VERIFIED
                    if roll < 0.85
                    else VerificationStatus.PENDING
                    if roll < 0.97
                    else VerificationStatus.DOUBTFUL
                )
                verified = status == VerificationStatus.VERIFIED
                verifications.append(
                    (
                        c.pk,
                        item,
                        status,
                        value if verified else "",
                        documents[item] if verified else "",
                        "出生日期在不同材料中记载不一致" if status == VerificationStatus.DOUBTFUL else "",
                        now if status != VerificationStatus.PENDING else None,
                    )
                )
        copy_rows(
            DossierVerification,
            ["cadre_id", "item", "status", "value", "document", "note", "verified_at"],
            verifications,
        )
        for key, rows in (
            ("lines", lines),
            ("assessments", assessments),
            ("sanctions", sanctions),
            ("family", family),
            ("training", training),
            ("verifications", verifications),
        ):
            totals[key] += len(rows)
        for c in chunk:
            del c.demo_lines
    # 推荐人: about a third of the tenures were recommended by a named cadre of another unit.
    by_org: dict[int, list[int]] = {}
    for pk, org in Cadre.objects.values_list("pk", "organization_id"):
        by_org.setdefault(org, []).append(pk)
    everyone = [pk for pks in by_org.values() for pk in pks]
    changed = []
    for a in Appointment.objects.only("id", "cadre_id", "recommended_by"):
        if rng.random() < 0.33 and len(everyone) > 1:
            other = rng.choice(everyone)
            if other != a.cadre_id:
                a.recommender_cadre_id, a.recommended_by = other, ""
                changed.append(a)
    copy_update(Appointment, changed, ["recommender_cadre", "recommended_by"])
    if stdout is not None:
        stdout.write(
            f"干部档案：简历 {totals['lines']} 条，年度考核 {totals['assessments']} 条，处分 {totals['sanctions']} 条，"
            f"家庭成员 {totals['family']} 人，教育培训 {totals['training']} 条，"
            f"认定 {totals['verifications']} 项，推荐人 {len(changed)} 条。"
        )
