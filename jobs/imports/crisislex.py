"""CrisisLex T6/T26 tweet CSVs: times from the tweet IDs, retweets and links from the text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jobs.imports.csvfiles import Record, header_names, iter_records
from jobs.imports.rows import ImportedPost, ImportProblem, ImportRow
from jobs.sources.base import RawPost

SOURCE = "crisislex"
ID_COLUMNS = ("tweet id", "tweet-id", "tweet_id", "tweetid", "id")
TEXT_COLUMNS = ("tweet text", "tweet", "text")
TWITTER_EPOCH_MS = 1288834974657
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Snowflake IDs began in November 2010; older sequential IDs carry no time.
FIRST_SNOWFLAKE_ID = 29_700_859_247
_RETWEET = re.compile(r"RT @\w+:")
_URL_LIKE = re.compile(r"https?://[^\s…]+…?")
# A host with a dot and a path: retweets cut at 140 characters leave stubs like "http://t.co".
_COMPLETE_URL = re.compile(r"https?://[\w-]+(?:\.[\w-]+)+/\S+")
_TWITTER_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def snowflake_time(tweet_id: int) -> datetime:
    """Creation time (UTC, millisecond precision) encoded in a tweet's snowflake ID."""
    return _UNIX_EPOCH + timedelta(milliseconds=(tweet_id >> 22) + TWITTER_EPOCH_MS)


def is_crisislex_header(fields: list[str]) -> bool:
    names = header_names(fields)
    return len(names) >= 2 and names[0] in ID_COLUMNS[:4] and names[1] in TEXT_COLUMNS[:2]


def links_in(text: str) -> tuple[str, ...]:
    """Complete URLs in the text; ones cut off by a retweet's "…" are left out."""
    found = (url.rstrip(".,;:!?)\"'") for url in _URL_LIKE.findall(text))
    return tuple(url for url in found if _COMPLETE_URL.fullmatch(url))


def post_from_record(record: Record, id_at: int, text_at: int) -> ImportRow:
    if len(record.fields) <= max(id_at, text_at):
        return ImportProblem(record.line, "row has too few fields; expected tweet id, tweet text")
    raw_id = record.fields[id_at].strip().strip("'\"").strip()
    if not (raw_id.isdecimal() and raw_id.isascii()) or not (
        FIRST_SNOWFLAKE_ID <= int(raw_id) < 2**63
    ):
        return ImportProblem(
            record.line,
            f"tweet id {raw_id[:30]!r} is not a Twitter snowflake ID (digits, after November"
            " 2010), so its time cannot be recovered; fix or remove the row",
        )
    text = record.fields[text_at].replace("\r\n", "\n").replace("\r", "\n")
    for escaped, plain in _TWITTER_ESCAPES:
        text = text.replace(escaped, plain)
    if not text.strip():
        return ImportProblem(record.line, "tweet text is empty; remove the row")
    post = RawPost(
        external_id=raw_id,
        text=text,
        created_at=snowflake_time(int(raw_id)),
        url=f"https://twitter.com/i/web/status/{raw_id}",
        is_repost=_RETWEET.match(text.lstrip()) is not None,
        links=links_in(text),
    )
    return ImportedPost(source=SOURCE, post=post, line=record.line)


def iter_crisislex(path: Path) -> Iterator[ImportRow]:
    """Posts from a T6 (`tweet id, tweet, label`) or T26 (`Tweet ID, Tweet Text, ...`) file."""
    records = iter_records(path)
    header = next(records, None)
    if header is None:
        return
    names = header_names(header.fields)
    id_at = next((names.index(n) for n in ID_COLUMNS if n in names), None)
    text_at = next((names.index(n) for n in TEXT_COLUMNS if n in names), None)
    if header.problem is not None or id_at is None or text_at is None:
        yield ImportProblem(
            header.line,
            f"{header.problem or 'header lacks a tweet id or tweet text column'}; CrisisLex files"
            " start with 'tweet id, tweet, label' (T6) or 'Tweet ID, Tweet Text, ...' (T26)",
        )
        return
    for record in records:
        if record.problem is not None:
            yield ImportProblem(record.line, record.problem)
        else:
            yield post_from_record(record, id_at, text_at)
