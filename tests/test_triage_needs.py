"""Help needs in resident posts, and which posts get routed to an agency channel."""

from __future__ import annotations

import pytest

from jobs.triage import assess_help, detect_needs, needs_help
from jobs.triage.needs import compile_phrases


def categories(text: str) -> list[str]:
    return [need.category for need in detect_needs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@CityOfX when will power be back?", ["power", "agency_question"]),
        ("does anyone know where the shelter is?", ["shelter", "agency_question"]),
        ("Is the C-Train running downtown today?", ["road_transit", "agency_question"]),
        ("Is it safe to drink the tap water in Canmore?", ["water", "agency_question"]),
        ("where can I get a flu shot this week", ["vaccine_service", "agency_question"]),
        ("We're stranded on our roof, water rising fast", ["evacuation"]),
        ("My dad is diabetic and we ran out of insulin", ["medical"]),
    ],
)
def test_needs_found_in_resident_posts(text: str, expected: list[str]) -> None:
    assert categories(text) == expected


def test_oxygen_and_power_post_names_both_needs_with_evidence() -> None:
    needs = detect_needs("We have no power and my mom needs oxygen, who do we call?")
    by_category = {need.category: need.reason for need in needs}
    assert by_category["power"] == 'matched "no power"'
    assert by_category["medical"] == 'matched "oxygen"'
    assert by_category["agency_question"] == 'asks "who do we call"'


@pytest.mark.parametrize(
    "text",
    [
        "Thoughts and prayers for Calgary",
        "Can you believe how high the Bow River is?",
        "What a beautiful sunset tonight",
        "The power of this community is amazing",  # power, but not the grid: no question
    ],
)
def test_no_question_without_asking(text: str) -> None:
    assert "agency_question" not in categories(text)


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("We have no power and my mom needs oxygen, who do we call?", {"medical", "power"}),
        ("Is the C-Train running downtown today?", {"road_transit", "agency_question"}),
        ("@CityOfX when will power be back?", {"power", "agency_question"}),
        ("Our basement is flooding and we need somewhere to stay tonight", {"shelter"}),
        ("Please help, my grandma is trapped upstairs on 5th Ave, water rising", {"evacuation"}),
    ],
)
def test_resident_requests_are_routed(text: str, needs: set[str]) -> None:
    assessment = assess_help(text)
    assert assessment.routable, assessment.reasons
    assert needs <= {need.category for need in assessment.needs}
    assert assessment.reasons[0].startswith(("affected individuals", "resident voice"))
    assert needs_help(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Thoughts and prayers for Calgary", "no help need named"),
        (
            "RT @CBCNews: 40,000 without power in Calgary after flooding http://t.co/x",
            "abstains",
        ),
        ("BREAKING: evacuation order issued for High River, roads closed", "abstains"),
        ("My power went out so I guess no Netflix tonight lol", "joke"),
        ("Our power is out, candlelit dinner it is haha", "joke"),
        (
            "Praying for everyone in the shelters and hospitals tonight, we love you",
            "abstains",
        ),
    ],
)
def test_news_sympathy_and_jokes_are_not_routed(text: str, why: str) -> None:
    assessment = assess_help(text)
    assert not assessment.routable
    assert why in assessment.reasons[0]
    assert not needs_help(text)


def test_phrase_syntax_prefix_and_spacing() -> None:
    pattern = compile_phrases(["evacuat*", "boil water"])
    assert pattern.search("evacuation ordered")
    assert pattern.search("boil-water advisory")
    assert not pattern.search("reevacuate")  # whole words only
    assert not pattern.search("boiling water")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Flooding reported in Medicine Hat, crews on scene", []),
        ("Evacuation centre opened at the Medicine Hat arena", ["shelter", "evacuation"]),
        ("My son needs his medication, pharmacy in Medicine Hat is closed", ["medical"]),
        ("The Powerade truck overturned on the highway", ["road_transit"]),
        ("Medical team arrived", ["medical"]),
    ],
)
def test_place_and_brand_names_are_not_needs(text: str, expected: list[str]) -> None:
    assert categories(text) == expected


def test_posts_in_other_languages_are_not_matched_against_english_terms() -> None:
    text = "Necesitamos agua potable y refugio, no hay luz en la colonia"
    assessment = assess_help(text, "es")
    assert not assessment.routable and assessment.needs == []
    assert assessment.reasons[0].startswith("written in es")
    assert assess_help("We have no power and my mom needs oxygen, who do we call?", "und").needs
