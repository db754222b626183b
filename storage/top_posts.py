"""Trim the top-post candidates: each (topic, hour, kind) keeps its best few."""

from __future__ import annotations

from sqlalchemy import Engine, text

TOP_KEEP = 5

# Row-value IN and window functions: both SQLite (3.25+) and PostgreSQL speak this.
_TRIM = text(
    """
    DELETE FROM topic_top_posts
    WHERE (topic_id, hour, kind, post_id) IN (
        SELECT topic_id, hour, kind, post_id FROM (
            SELECT topic_id, hour, kind, post_id,
                   ROW_NUMBER() OVER (
                       PARTITION BY topic_id, hour, kind ORDER BY score DESC, post_id DESC
                   ) AS rank
            FROM topic_top_posts
        ) ranked
        WHERE rank > :keep
    )
    """
)


def trim(engine: Engine, keep: int = TOP_KEEP) -> int:
    """Drop candidates beyond the best `keep` of each key; returns how many went."""
    with engine.begin() as conn:
        return conn.execute(_TRIM, {"keep": keep}).rowcount
