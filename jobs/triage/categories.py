"""The information types a post can have, as CrisisLex T26 names them and as we do."""

from __future__ import annotations

AFFECTED_INDIVIDUALS = "affected_individuals"
INFRASTRUCTURE_UTILITIES = "infrastructure_utilities"
DONATIONS_VOLUNTEERING = "donations_volunteering"
CAUTION_ADVICE = "caution_advice"
SYMPATHY_SUPPORT = "sympathy_support"
OTHER_USEFUL = "other_useful"
NOT_RELATED = "not_related"

CATEGORIES: tuple[str, ...] = (
    AFFECTED_INDIVIDUALS,
    INFRASTRUCTURE_UTILITIES,
    DONATIONS_VOLUNTEERING,
    CAUTION_ADVICE,
    SYMPATHY_SUPPORT,
    OTHER_USEFUL,
    NOT_RELATED,
)

CATEGORY_BY_T26_LABEL: dict[str, str] = {
    "Affected individuals": AFFECTED_INDIVIDUALS,
    "Infrastructure and utilities": INFRASTRUCTURE_UTILITIES,
    "Donations and volunteering": DONATIONS_VOLUNTEERING,
    "Caution and advice": CAUTION_ADVICE,
    "Sympathy and support": SYMPATHY_SUPPORT,
    "Other Useful Information": OTHER_USEFUL,
    "Not applicable": NOT_RELATED,
}
