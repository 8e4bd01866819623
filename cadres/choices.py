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
