"""Curated phrases that signal each kind of help a resident may need, and question cues.

Syntax: words match whole words, case- and accent-insensitive; a trailing `*` matches
any ending ("evacuat*" matches "evacuate", "evacuation"); a space matches any run of
spaces or hyphens ("boil water" matches "boil-water"). Kept as plain Python so a
reviewer can read and extend them in one place. Pure data: no patterns compiled here.
"""

from __future__ import annotations


def _phrases(listing: str) -> tuple[str, ...]:
    """Split a comma-separated listing: compact to read, easy to extend."""
    return tuple(phrase.strip() for phrase in listing.split(",") if phrase.strip())


SHELTER = "shelter"
POWER = "power"
WATER = "water"
MEDICAL = "medical"
EVACUATION = "evacuation"
ROAD_TRANSIT = "road_transit"
VACCINE_SERVICE = "vaccine_service"
AGENCY_QUESTION = "agency_question"

NEED_CATEGORIES: tuple[str, ...] = (
    SHELTER,
    POWER,
    WATER,
    MEDICAL,
    EVACUATION,
    ROAD_TRANSIT,
    VACCINE_SERVICE,
    AGENCY_QUESTION,
)

# "water" alone is left out on purpose: in a flood nearly every post says it, and the
# need is drinkable water, which people name with these phrases.
NEED_TERMS: dict[str, tuple[str, ...]] = {
    SHELTER: _phrases(
        "shelter*, evacuation cent*, reception cent*, warming cent*, cooling cent*, "
        "place to stay, somewhere to stay, where to stay, nowhere to go, place to sleep, "
        "somewhere to sleep, lost our home, lost my home, lost our house, lost my house, "
        "homeless, displaced, temporary housing, emergency housing, lodging, need a bed, "
        "need a room"
    ),
    POWER: _phrases(
        "no power, without power, lost power, power outage*, power back, power is out, "
        "power, electricity, electric, blackout*, outage*, power line*, downed line*, "
        "lines down, hydro, generator*, lights are out, lights out"
    ),
    WATER: _phrases(
        "boil water, drinking water, tap water, water main*, no water, water supply, "
        "water is off, water off, bottled water, safe to drink, water pressure, "
        "running water, clean water, potable"
    ),
    MEDICAL: _phrases(
        "oxygen, medic*, prescription*, insulin, dialysis, ambulance*, hospital*, "
        "injur*, hurt, bleeding, doctor*, nurse*, pharmac*, wheelchair, heart attack, "
        "can't breathe, cant breathe, chest pain*, pregnant, diabetic, first aid, 911, "
        "walk in clinic, inhaler*"
    ),
    EVACUATION: _phrases(
        "evacuat*, evac, stranded, trapped, rescue*, high ground, get out of the house, "
        "can't get out, cant get out, need a boat, roof of our, on our roof, "
        "leave our home, leave my home"
    ),
    ROAD_TRANSIT: _phrases(
        "road*, street* closed, highway*, hwy, bridge*, detour*, closure*, traffic, "
        "transit, bus, buses, c train, ctrain, lrt, subway, light rail, commut*, ferry, "
        "ferries, airport, lane* closed, train* running, trains, shuttle*, route*, "
        "drive through, driveable, passable"
    ),
    VACCINE_SERVICE: _phrases(
        "vaccin*, vax*, flu shot*, booster*, immuni*, jab, appointment*, service cent*, "
        "registration, register for, apply for, application*, permit*, licence*, "
        "license*, renew*, office hours, garbage pickup, garbage collection, recycling, "
        "benefit*, relief payment*, disaster assistance, debit card*, insurance claim*, "
        "id card*"
    ),
}

# Names that contain a need word but name no need: places, teams, organisations. They are
# blanked out before the need phrases are matched, so "Medicine Hat" is not "medic*" and
# "Power River" is not "power". Same syntax as above.
NOT_NEEDS: tuple[str, ...] = _phrases(
    "medicine hat, medicine lodge, medicine bow, medicine lake, medical lake, hospital hill, "
    "power river, powerade, power rangers, power ball, powerball, shelter island, "
    "shelter cove, bridgeport, bridgewater, bridgend, road to recovery"
)

# Phrases that ask for information whether or not the post ends in "?".
INFO_SEEKING: tuple[str, ...] = _phrases(
    "does anyone know, anyone know, does anybody know, who do we call, "
    "who do i call, who should we call, who should i call, who can we call, "
    "who can i call, where can we, where can i, where do we, where do i, "
    "where should we, where should i, where is the, where are the, how do we, "
    "how do i, how can we, how can i, when will, when is the, when are the, "
    "is there, are there, what number, any update on, any news on, is the, are the, "
    "can we, can i, should we, should i, will the, do we need, do i need, "
    "is it safe, please advise"
)

# Openers of rhetorical questions, which ask nothing of anyone.
RHETORICAL: tuple[str, ...] = _phrases(
    "can you believe, who else, how crazy, how sad, how scary, how awful, "
    "why is everyone, what is wrong with, what's wrong with, wtf, omg, "
    "are you kidding, isn't it, how lucky"
)

# Markers of a joke or a shrug: such posts are not asking for help.
JOKE_MARKERS: tuple[str, ...] = _phrases(
    "lol, lmao, lmfao, rofl, haha*, jk, firstworldproblems, first world problem*, "
    "just kidding, kidding, \U0001f602, \U0001f923, \U0001f644"
)

# First-person words: a resident speaking about themselves, not a newsroom.
FIRST_PERSON: tuple[str, ...] = _phrases(
    "i, i'm, im, i've, ive, me, my, mine, we, we're, we've, our, ours, us"
)

# Words that ask for something, in any voice.
REQUESTS: tuple[str, ...] = _phrases(
    "help, need*, please, pls, plz, urgent*, sos, asap, send, who do we call, who do i call"
)
