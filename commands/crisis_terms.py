"""Earshot's curated crisis term pack: words people use when an emergency touches them.

Started from the CrisisLex lexicon (Olteanu et al., ICWSM 2014) and pruned by hand to terms
that are not tied to one event or place, grouped by what they signal. Prefix terms (`evacuat*`)
catch inflections; phrases are quoted. Used as the related topic that incident mode adds.
"""

from __future__ import annotations

import shlex

IMPACT = (
    'evacuat* shelter* stranded trapped missing injur* casualt* "death toll" dead killed '
    "victims rescue* rescued survivors homeless displaced"
)
HAZARDS = (
    "flood* wildfire* fire explosion* earthquake* aftershock* tornado* hurricane* storm* "
    "landslide* mudslide* tsunami collapse* derail* spill* smoke"
)
SERVICES = (
    '"power outage" "no power" "without power" outage* "boil water" "water main" '
    '"road closed" "roads closed" closure* detour* "state of emergency" "emergency alert"'
)
HELP = 'help donat* volunteer* sandbag* "first responders" paramedic* ambulance* "red cross"'
FEELINGS = 'scary terrifying devastat* "praying for" "stay safe" "thoughts and prayers"'

GROUPS = {
    "impact": IMPACT,
    "hazards": HAZARDS,
    "services": SERVICES,
    "help": HELP,
    "feelings": FEELINGS,
}


def pack_query() -> str:
    """All groups as one OR query (the query language parses it like any topic)."""
    terms: list[str] = []
    for group in GROUPS.values():
        terms.extend(_split(group))
    return " OR ".join(terms)


def _split(group: str) -> list[str]:
    # shlex keeps quoted phrases together; put the quotes back on multi-word ones.
    return [f'"{term}"' if " " in term else term for term in shlex.split(group)]
