"""Closed vocabularies of the domain; the seed validator and the API's filters both use these."""

from enum import StrEnum


class PlaceLevel(StrEnum):
    province = "province"
    prefecture_level_city = "prefecture_level_city"
    county_level_city = "county_level_city"
    town = "town"
    community = "community"


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    half_year = "half_year"
    year = "year"
    before = "before"  # 日前: on or shortly before date_end


class EventCategory(StrEnum):
    establishment = "establishment"
    pilot_designation = "pilot_designation"
    administrative_status = "administrative_status"
    reform = "reform"
    governance = "governance"
    infrastructure = "infrastructure"
    economy = "economy"
    public_services = "public_services"
    forum = "forum"
    reporting = "reporting"


class ProgrammeKind(StrEnum):
    reform_programme = "reform_programme"
    results_set = "results_set"
    plan = "plan"
    project_list = "project_list"
    pilot = "pilot"
    goal = "goal"
    principle = "principle"


class MeasureCategory(StrEnum):
    institutional_structure = "institutional_structure"
    administrative_approval = "administrative_approval"
    law_enforcement = "law_enforcement"
    function_transfer = "function_transfer"
    grassroots_governance = "grassroots_governance"
    household_registration = "household_registration"
    land = "land"
    industry = "industry"
    public_services = "public_services"
    urban_development = "urban_development"
    digital_government = "digital_government"
    social_services = "social_services"


class MeasureKind(StrEnum):
    reform = "reform"
    policy = "policy"
    plan = "plan"
    project = "project"
    industry_cluster = "industry_cluster"
    emerging_industry = "emerging_industry"
    principle = "principle"
    goal = "goal"


class Comparator(StrEnum):
    eq = "eq"
    le = "le"  # 最多: at most
    ge = "ge"  # 以上: at least
    approx = "approx"  # 一半: about half
    magnitude = "magnitude"  # 百亿级: the size class (order of magnitude) of a target, not a bound


class Rank(StrEnum):
    """How facts that sources give differently for the same thing rank (Wikidata's statement ranks)."""

    preferred = "preferred"  # what lists show
    normal = "normal"  # kept and served, shown with rank=all
    deprecated = "deprecated"  # known wrong, kept for the record
