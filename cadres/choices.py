from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    CITY = "city", _("市")
    TOWNSHIP = "township", _("乡镇/街道")
    CITY_ORGAN = "city_organ", _("市级机关部门")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")


class TopLeaderKind(models.TextChoices):
    PARTY = "party", _("党委（党组）书记")
    ADMIN = "admin", _("行政正职")


class KeyCategory(models.TextChoices):
    PERSONNEL = "personnel", _("管人（人事）")
    FINANCE = "finance", _("管财（财务）")
    ASSETS = "assets", _("管物（资产、采购）")
    DISCIPLINE_LAW = "discipline_law", _("执纪执法")
    CLASSIFIED = "classified", _("涉密")
    CONSTRUCTION = "construction", _("工程建设")
    LICENSING = "licensing", _("行政许可审批")


class LineRole(models.TextChoices):
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    UNITED_FRONT = "united_front", _("统战委员")
    POLITICAL_LEGAL = "political_legal", _("政法委员")
    ARMED_FORCES = "armed_forces", _("人武部长")


class PortfolioAreaCode(models.TextChoices):
    """Codes of the portfolio areas the catalogue (cadres.models.PortfolioArea) is seeded with.
    The catalogue is policy data, edited by the administrator; these are only its initial rows
    and the names code and demo data use."""

    # Prohibited for a 一把手 (rule 1)
    FINANCE = "finance", _("财务/财政")
    PERSONNEL = "personnel", _("人事")
    CONSTRUCTION = "construction", _("工程建设")
    PROCUREMENT = "procurement", _("物资采购")
    ASSET_DISPOSAL = "asset_disposal", _("公有资产处理")
    LICENSING = "licensing", _("行政许可")
    APPROVAL = "approval", _("审批")
    LAW_ENFORCEMENT = "law_enforcement", _("执法")
    # Ordinary areas
    PARTY_BUILDING = "party_building", _("党建")
    OVERALL = "overall", _("全面工作")
    ECONOMY = "economy", _("经济发展")
    AGRICULTURE = "agriculture", _("农业农村")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("卫生健康")
    CULTURE = "culture", _("宣传文化")
    SAFETY = "safety", _("安全生产")
    ENVIRONMENT = "environment", _("生态环境")
    PETITIONS = "petitions", _("信访维稳")
    INVESTMENT = "investment", _("招商引资")
    URBAN = "urban", _("城市管理")
    OTHER = "other", _("其他")


# Rule 1 (DOMAIN.md): the areas a 一把手 must not directly oversee, as first seeded.
TOP_LEADER_FORBIDDEN_CODES = frozenset(
    {
        PortfolioAreaCode.FINANCE,
        PortfolioAreaCode.PERSONNEL,
        PortfolioAreaCode.CONSTRUCTION,
        PortfolioAreaCode.PROCUREMENT,
        PortfolioAreaCode.ASSET_DISPOSAL,
        PortfolioAreaCode.LICENSING,
        PortfolioAreaCode.APPROVAL,
        PortfolioAreaCode.LAW_ENFORCEMENT,
    }
)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class IdentityCategory(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("公务员")
    MANAGED_AS_CS = "managed_as_cs", _("参公")
    INSTITUTION = "institution", _("事业")
    ENTERPRISE = "enterprise", _("企业")


class Rank(models.TextChoices):
    ZHENGTING = "zhengting", _("正厅")
    FUTING = "futing", _("副厅")
    ZHENGCHU = "zhengchu", _("正处")
    FUCHU = "fuchu", _("副处")
    ZHENGKE = "zhengke", _("正科")
    FUKE = "fuke", _("副科")
    YIJI_DIAOYAN = "yiji_diaoyan", _("一级调研员")
    ERJI_DIAOYAN = "erji_diaoyan", _("二级调研员")
    YIJI_ZHUREN = "yiji_zhuren", _("一级主任科员")
    ERJI_ZHUREN = "erji_zhuren", _("二级主任科员")
    OTHER = "other", _("其他")


class ManagementLevel(models.TextChoices):
    CITY = "city", _("市管")
    DEPARTMENT = "department", _("部管")


class CadreStatus(models.TextChoices):
    ACTIVE = "active", _("在职")
    SECOND_LINE = "second_line", _("二线")
    RETIRED = "retired", _("退休")
    LEFT = "left", _("调出")


class EducationLevel(models.TextChoices):
    DOCTOR = "doctor", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专及以下")


class AppointmentMethod(models.TextChoices):
    ELECTED = "elected", _("选任")
    APPOINTED = "appointed", _("委任")
    HIRED = "hired", _("聘任")
    EXAMINED = "examined", _("考任")
    TRANSFERRED = "transferred", _("调任")


# --- the dossier (干部档案) ---------------------------------------------------------------------


class ResumeSource(models.TextChoices):
    ENTERED = "entered", _("录入")
    IMPORTED = "imported", _("导入")


class VerificationItem(models.TextChoices):
    """三龄两历一身份: the six items of the dossier verification (干部档案专项审核)."""

    BIRTH_DATE = "birth_date", _("出生日期")
    PARTY_JOIN_DATE = "party_join_date", _("入党时间")
    WORK_START_DATE = "work_start_date", _("参加工作时间")
    EDUCATION = "education", _("学历学位")
    CAREER = "career", _("工作经历")
    IDENTITY = "identity", _("干部身份")


class VerificationStatus(models.TextChoices):
    VERIFIED = "verified", _("已认定")
    PENDING = "pending", _("待核")
    DOUBTFUL = "doubtful", _("有疑点")


class RewardKind(models.TextChoices):
    REWARD = "reward", _("奖励")
    PUNISHMENT = "punishment", _("惩处")


class TrainingKind(models.TextChoices):
    """教育培训的类别（《干部教育培训工作条例》）."""

    PARTY_SCHOOL = "party_school", _("党校（行政学院）学习")
    FULL_TIME = "full_time", _("脱产培训")
    ONLINE = "online", _("网络培训")
    SPECIAL = "special", _("专题培训")
    OTHER = "other", _("其他")


# The most 学时 one training record may carry: a year of full-time study at 8 a day.
TRAINING_MAX_HOURS = 2000


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
    UNGRADED = "ungraded", _("不定等次")


class SanctionTrack(models.TextChoices):
    PARTY = "party", _("党纪处分")
    PUBLIC = "public", _("政务处分")


class SanctionKind(models.TextChoices):
    """The two official ladders: 《中国共产党纪律处分条例》 and 《公职人员政务处分法》 art. 8."""

    PARTY_WARNING = "party_warning", _("警告（党纪）")
    PARTY_SERIOUS_WARNING = "party_serious_warning", _("严重警告")
    PARTY_REMOVAL = "party_removal", _("撤销党内职务")
    PARTY_PROBATION = "party_probation", _("留党察看")
    PARTY_EXPULSION = "party_expulsion", _("开除党籍")
    PUBLIC_WARNING = "public_warning", _("警告（政务）")
    PUBLIC_DEMERIT = "public_demerit", _("记过")
    PUBLIC_MAJOR_DEMERIT = "public_major_demerit", _("记大过")
    PUBLIC_DEMOTION = "public_demotion", _("降级")
    PUBLIC_DISMISSAL = "public_dismissal", _("撤职")
    PUBLIC_EXPULSION = "public_expulsion", _("开除")


SANCTION_TRACK_OF_KIND = {
    k: SanctionTrack.PARTY if k.startswith("party_") else SanctionTrack.PUBLIC for k in SanctionKind
}

# Promotion-bar months per sanction kind (DOMAIN.md defaults; each is a policy setting
# "cadres.sanction_bar_months.<kind>"; 0 = the kind ends party membership or service: barred
# without end).
SANCTION_BAR_MONTHS_DEFAULT = {
    SanctionKind.PARTY_WARNING: 12,
    SanctionKind.PARTY_SERIOUS_WARNING: 18,
    SanctionKind.PARTY_REMOVAL: 24,
    SanctionKind.PARTY_PROBATION: 24,
    SanctionKind.PARTY_EXPULSION: 0,
    SanctionKind.PUBLIC_WARNING: 6,
    SanctionKind.PUBLIC_DEMERIT: 12,
    SanctionKind.PUBLIC_MAJOR_DEMERIT: 18,
    SanctionKind.PUBLIC_DEMOTION: 24,
    SanctionKind.PUBLIC_DISMISSAL: 24,
    SanctionKind.PUBLIC_EXPULSION: 0,
}


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("中共党员")
    CPC_PROBATION = "cpc_probation", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    NONE = "none", _("群众")


class PersonKind(models.TextChoices):
    """Who a recommender (推荐人) or reviewer (考察人) is."""

    CADRE = "cadre", _("干部")
    USER = "user", _("系统用户")
    OUTSIDE = "outside", _("外部单位")


class PublicityKind(models.TextChoices):
    APPOINTMENT = "appointment", _("任前公示")
    REPORT = "report", _("报告表公示")


# The organization permission that manages a publicity of each kind.
PUBLICITY_MANAGE_PERM = {
    PublicityKind.APPOINTMENT: "manage_selection",
    PublicityKind.REPORT: "manage_personal_reports",
}
# National minimum working days per kind (任前公示: 《党政领导干部选拔任用工作条例》 at least 5).
PUBLICITY_DAYS_DEFAULT = {PublicityKind.APPOINTMENT: 5, PublicityKind.REPORT: 3}
PUBLICITY_DAYS_MINIMUM = {PublicityKind.APPOINTMENT: 5, PublicityKind.REPORT: 1}


class FeedbackChannel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    WEB = "web", _("网络")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLED = "handled", _("已处理")
