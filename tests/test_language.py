"""Offline language identification: posts without a language get one at ingest; non-English
posts are counted and shown with their language, not scored by VADER; `lang:` works on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from commands import sentiment, topics
from commands.context import Ctx
from commands.registry import dispatch
from jobs.ingest import Ingestor, SourceRef
from jobs.language import UNDETERMINED, detect_language, language_of
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage.models import Post
from storage.sources import Sources

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SPANISH = "Necesitamos agua potable y refugio en la colonia, por favor ayuda #sismo"
TAGALOG = "Kailangan namin ng tulong dito sa Marikina, baha na sa loob ng bahay namin"
VIETNAMESE = "Chúng tôi cần nước sạch và thuốc men, nhà bị ngập hết rồi"
ENGLISH = "The flood is terrible and scary, stay safe everyone"
FRENCH = "Le déluge a tout détruit, nous avons besoin d'aide à Lac-Mégantic"


@pytest.mark.parametrize(
    ("text", "lang"),
    [(SPANISH, "es"), (TAGALOG, "tl"), (VIETNAMESE, "vi"), (ENGLISH, "en"), (FRENCH, "fr")],
)
def test_languages_residents_write_are_told_apart(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "lol", "RT @cbc: http://t.co/x #abflood 2013", "🙏🙏🙏"])
def test_too_little_text_is_undetermined_not_guessed(text: str) -> None:
    assert detect_language(text) == UNDETERMINED


def test_source_language_wins_over_detection() -> None:
    assert language_of(SPANISH, "pt") == "pt"
    assert language_of(SPANISH, " ") == "es"
    assert language_of(SPANISH, None) == "es"


def _ctx(engine: Engine) -> Ctx:
    return Ctx(engine=engine, team_id="T1", now=NOW, user_id="U1", channel_id="C1", is_admin=True)


def _ingest(engine: Engine, posts: list[tuple[str, str, str | None]]) -> None:
    row = Sources(engine).ensure("T1", "feed", "rss", now=NOW)
    assert row.id
    raw = [
        RawPost(external_id=ext, text=text, created_at=NOW - timedelta(hours=1), lang=lang)
        for ext, text, lang in posts
    ]
    Ingestor(engine, Scorer()).ingest("T1", SourceRef(row.id, "rss", "feed"), raw, now=NOW)


def test_ingest_detects_language_and_leaves_non_english_unscored(engine: Engine) -> None:
    _ingest(
        engine,
        [
            ("es", SPANISH + " flood", None),
            ("tl", TAGALOG + " flood", None),
            ("en", ENGLISH, None),
            ("tagged", "flood " + SPANISH, "en"),  # the source said English: kept
        ],
    )
    with Session(engine) as session:
        stored = {p.external_id: p for p in session.exec(select(Post))}
    assert {k: p.lang for k, p in stored.items()} == {
        "es": "es",
        "tl": "tl",
        "en": "en",
        "tagged": "en",
    }
    assert stored["es"].compound is None and stored["tl"].compound is None
    assert stored["en"].compound is not None and stored["tagged"].compound is not None


def test_lang_queries_and_sentiment_use_detected_languages(engine: Engine) -> None:
    ctx = _ctx(engine)
    topics.run("add flood flood", ctx)
    _ingest(
        engine,
        [("es", SPANISH + " flood", None), ("tl", TAGALOG + " flood", None), ("en", ENGLISH, None)],
    )
    reply = dispatch("/sentiment", "flood lang:es 24h", ctx)
    assert reply.data["posts"] == 1 and reply.data["languages"] == {"es": 1}
    reply = dispatch("/sentiment", "flood -lang:en 24h", ctx)
    assert reply.data["posts"] == 2


def test_sentiment_says_how_many_posts_per_language_it_rests_on(engine: Engine) -> None:
    ctx = _ctx(engine)
    topics.run("add flood flood", ctx)
    _ingest(
        engine,
        [("es", SPANISH + " flood", None), ("tl", TAGALOG + " flood", None), ("en", ENGLISH, None)],
    )
    reply = sentiment.run("flood 24h", ctx)
    assert reply.data["languages"] == {"en": 1, "es": 1, "tl": 1}
    assert reply.data["scored"] == 1 and reply.data["unscored"] == 2
    assert "by language: en 1, es 1, tl 1" in reply.text
