"""Digest terms and top posts: what many people newly say, each repeated post once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from commands import digest, sentiment, topics
from commands.context import Ctx
from commands.dedupe import distinct_posts, fingerprint
from commands.query import parse
from commands.terms import emerging_terms, post_terms
from jobs.ingest import Ingestor, SourceRef
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage.reads import PostView
from storage.sources import Sources
from storage.topics import Topics

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOTICE = "Flood shelter open at Riverton High, bring medication and ID"
STREETS = ["Elm St", "Bow Trail", "9th Ave", "Main St", "Park Rd", "Bridge Rd", "Mill Lane"]


def _post(ext: str, text: str, ago: timedelta, author: str, **extra: object) -> RawPost:
    return RawPost(
        external_id=ext, text=text, created_at=NOW - ago, lang="en", author=author, **extra
    )  # type: ignore[arg-type]


def _scenario() -> list[RawPost]:
    posts = [_post("notice", NOTICE, timedelta(hours=5), "city", likes=90)]
    # The notice reposted 60 times and copied by 5 accounts with other links: one text.
    posts += [
        _post(f"rt{n}", f"RT @city: {NOTICE}", timedelta(hours=4), f"r{n}", is_repost=True)
        for n in range(60)
    ]
    posts += [
        _post(f"copy{n}", f"{NOTICE} https://t.co/x{n} #abflood", timedelta(hours=3), f"c{n}")
        for n in range(5)
    ]
    posts[-1] = _post("copy4", f"{NOTICE} https://t.co/x4", timedelta(hours=3), "c4", likes=80)
    # What many residents newly say, each in their own words.
    posts += [
        _post(
            f"sb{n}",
            f"Need sandbag volunteers on {STREETS[n % 7]} before the river flood, come {n}",
            timedelta(hours=2 + n % 6),
            f"resident{n}",
        )
        for n in range(9)
    ]
    # A word the whole workspace uses every day ("city"), in this topic too.
    posts += [
        _post(
            f"cc{n}", f"City crews checking the river flood gauge {n}", timedelta(hours=6), f"w{n}"
        )
        for n in range(5)
    ]
    for day in range(1, 8):
        posts += [
            _post(
                f"bg{day}-{n}",
                f"City traffic on {STREETS[n % 7]} is slow again {n}",
                timedelta(days=day),
                f"d{n}",
            )
            for n in range(12)
        ]
        posts.append(_post(f"old{day}", "River levels normal this week", timedelta(days=day), "g"))
    # Two near-identical negative posts: /sentiment shows one.
    posts += [
        _post(
            "neg1",
            "Terrible flooding, basement destroyed https://a.example/1",
            timedelta(hours=1),
            "n1",
        ),
        _post("neg2", "Terrible flooding, basement destroyed #yyc", timedelta(hours=1), "n2"),
    ]
    return posts


@pytest.fixture
def ctx(engine: Engine) -> Ctx:
    context = Ctx(engine=engine, team_id="T1", now=NOW, user_id="U1", channel_id="C1")
    topics.add(context, "flood", "flood* OR river")
    row = Sources(engine).ensure("T1", "feed", "mastodon", now=NOW)
    assert row.id
    Ingestor(engine, Scorer()).ingest(
        "T1", SourceRef(row.id, "mastodon", "feed"), _scenario(), now=NOW
    )
    return context


def test_digest_terms_are_what_many_authors_newly_say(ctx: Ctx) -> None:
    reply = digest.render(digest.build(ctx, local_date=date(2026, 11, 20), local_time="09:00"))
    (topic,) = reply.data["topics"]
    terms = {t["term"]: t for t in topic["emerging_terms"]}
    assert "sandbag volunteers" in terms
    # One repeated post is one author, not 66: none of its words surface.
    assert not {"riverton", "medication", "bring", "shelter", "riverton high"} & terms.keys()
    # Common in the workspace; in the query; stop words; a phrase's own word.
    assert not {"city", "crews", "river", "flood", "the", "sandbag", "volunteers"} & terms.keys()
    evidence = terms["sandbag volunteers"]["evidence"]
    assert evidence == "new (not in the previous 7 days), 9 authors"
    text = " ".join(b.get("text", {}).get("text", "") for b in reply.blocks)
    assert "`sandbag volunteers`: new (not in the previous 7 days), 9 authors" in text

    buttons = [e for b in reply.blocks if b["type"] == "actions" for e in b["elements"]]
    assert len({b["action_id"] for b in buttons}) == len(buttons)
    value = next(b["value"] for b in buttons if "sandbag volunteers" in b["value"])
    added = topics.add_term(ctx, value)
    assert '(flood* OR river) OR "sandbag volunteers"' in added.text
    assert Topics(ctx.engine).all("T1")[0].query == '(flood* OR river) OR "sandbag volunteers"'


def test_digest_and_sentiment_top_posts_show_a_repeated_post_once(ctx: Ctx) -> None:
    built = digest.build(ctx, local_date=date(2026, 11, 20), local_time="09:00")
    (topic,) = built.topics
    assert len(topic.top) == 2
    assert [fingerprint(p.text).startswith("flood shelter") for p in topic.top] == [True, False]
    report = sentiment.build(
        ctx, sentiment.resolve(ctx, "flood"), sentiment.parse_period("24h", NOW)
    )
    negative = [p.text for p in report.most_negative]
    assert sum("basement destroyed" in t for t in negative) == 1


def test_a_rising_term_shows_its_rise_against_the_usual_period() -> None:
    query = parse("flood")
    current = [(f"sandbag {n}", f"a{n}") for n in range(12)]
    baseline = [(f"sandbag stock {n}", f"b{n}") for n in range(14)]  # 2 a day over 7 days
    (term, *_) = emerging_terms(current, baseline, 7, query)
    assert term.term == "sandbag"
    assert term.evidence("a usual day") == "x6 vs a usual day, 12 authors"


def test_phrases_and_reposts_in_the_counting() -> None:
    assert {"boil water", "water advisory", "boil", "#yyc"} <= post_terms(
        "Boil water advisory for #yyc"
    )
    assert "the water" not in post_terms("the water")
    assert fingerprint("RT @city: Boil water now https://x.example") == "boil water now"
    terms = emerging_terms([("RT @x: sandbag line", f"a{n}") for n in range(50)], [], 7, parse("z"))
    assert terms == []  # 50 reposts of one text: one author


def test_distinct_posts_keeps_the_first_of_near_identical_texts() -> None:

    def view(n: int, text: str, repost: bool = False) -> PostView:
        return PostView(
            n, "s", "rss", None, None, text, None, "en", NOW, 0, 0, 0, None, is_repost=repost
        )

    posts = [
        view(1, "Shelter open at the high school"),
        view(2, "RT @a: Shelter open at the high school", repost=True),
        view(3, "Shelter open at the high school https://x.example #yyc"),
        view(4, "Road closed on Elm"),
        view(5, "Shelter open at the library"),
    ]
    assert [p.id for p in distinct_posts(posts, 5)] == [1, 4, 5]


def test_phrases_stop_at_punctuation_and_numbers_do_not_make_a_post_new() -> None:
    terms = post_terms("Is the 29 bus still running? Harbour Dr is flooded, see cbc.ca/x")
    assert "running harbour" not in terms and "harbour" in terms
    assert "flooded see" not in terms

    def view(n: int, text: str) -> PostView:
        return PostView(n, "s", "rss", None, None, text, None, "en", NOW, 0, 0, 0, None)

    late = [
        view(1, "Bus 34 was late again this morning, ugh"),
        view(2, "Bus 11 was late again this morning, ugh"),
    ]
    assert [p.id for p in distinct_posts(late, 5)] == [1]
