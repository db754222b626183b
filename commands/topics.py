"""/earshot topics [list|add|remove|preview]: the saved queries a workspace follows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from commands import blocks as bk
from commands import mentions
from commands.context import Ctx, Reply, UsageError
from commands.paging import page_number, paged
from commands.period import parse_period
from commands.query import Document, QueryError, compile_matcher, parse
from commands.target import Target, adhoc_posts, document
from commands.typed import split_words
from storage import audit, reads
from storage.ingest_store import PreparedPost, store_matches
from storage.reads import PostView
from storage.topics import TOPIC_KINDS, Topics

NAME = re.compile(r"^[\w#.\-]{1,80}$")
USAGE = (
    "Usage: `/earshot topics list`, `/earshot topics add NAME QUERY [--kind campaign] "
    "[--channel #channel]`, `/earshot topics remove NAME`, `/earshot topics preview QUERY`."
)


def checked_query(query: str) -> str:
    try:
        parse(query)
    except QueryError as exc:
        raise UsageError(f"Query not saved: {exc.message}\n```{exc.pointer(query)}```") from exc
    return query


def add(
    ctx: Ctx, name: str, query: str, *, kind: str = "topic", channel: str | None = None
) -> Reply:
    ctx.require_admin("add topics")
    if not NAME.match(name):
        raise UsageError(
            f"Topic name {name!r} is not allowed: use up to 80 letters, digits, `_`, `-`, `.` "
            "or `#`, with no spaces (the query can have spaces)."
        )
    if kind not in TOPIC_KINDS:
        raise UsageError(f"Unknown kind {kind!r}: use {' or '.join(TOPIC_KINDS)}.")
    checked_query(query)
    try:
        topic = Topics(ctx.engine).add(
            ctx.team_id,
            name,
            query,
            kind=kind,
            channel=channel,
            created_by=ctx.user_id,
            now=ctx.now,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    assert topic.id is not None
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="topic.add",
        target=name,
        now=ctx.now,
        query=query,
        kind=kind,
        channel=channel,
    )
    matched = backfill(ctx, topic.id, query)
    text = (
        f"Saved {kind} *{bk.escape_mrkdwn(name)}*: `{bk.escape_mrkdwn(query)}`. "
        f"{matched:,} stored posts already match."
    )
    return Reply(
        text=text, data={"name": name, "query": query, "kind": kind, "backfilled": matched}
    )


def backfill(ctx: Ctx, topic_id: int, query: str) -> int:
    """Match a new topic against every stored post, so its history is there at once."""
    return backfill_many(ctx, [(topic_id, query)])


def backfill_many(ctx: Ctx, topics: Sequence[tuple[int, str]]) -> int:
    """Match new topics against every stored post in one pass; returns the matches added."""
    matcher = compile_matcher(topics)
    total = 0
    for chunk in reads.iter_posts(ctx.engine, ctx.team_id):
        hits = []
        for post in chunk:
            topic_ids = matcher.match(document(post))
            if topic_ids:
                hits.append((post.id, _prepared(post, topic_ids)))
        total += store_matches(ctx.engine, ctx.team_id, hits)
    return total


def add_term(ctx: Ctx, value: str) -> Reply:
    """The digest's one-click "Add term": widen a topic's query with an emerging term.

    `value` is "topic_id|term" from the button; the topic is looked up in the clicking
    user's workspace, so a forged value cannot reach another workspace's topic.
    """
    ctx.require_admin("change topic queries")
    topic_id, _, term = value.partition("|")
    if " " in term.strip() and not term.strip().startswith('"'):
        term = f'"{term.strip()}"'  # a phrase: its words together, not each of them
    topic = Topics(ctx.engine).get_by_id(ctx.team_id, int(topic_id)) if topic_id.isdigit() else None
    if topic is None or topic.id is None or not term:
        raise UsageError("That topic no longer exists in this workspace.")
    if parse(topic.query).matches(Document(text=term)):
        return Reply(
            text=f"*{bk.escape_mrkdwn(topic.name)}* already covers `{term}`.", ephemeral=True
        )
    query = checked_query(f"({topic.query}) OR {term}")
    Topics(ctx.engine).update(ctx.team_id, topic.name, query=query)
    matched = backfill(ctx, topic.id, query)
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="topic.add_term",
        target=topic.name,
        now=ctx.now,
        term=term,
        query=query,
    )
    return Reply(
        text=f"Added `{bk.escape_mrkdwn(term)}` to *{bk.escape_mrkdwn(topic.name)}*: "
        f"`{bk.escape_mrkdwn(query)}` ({matched:,} more stored posts match).",
        ephemeral=True,
    )


def remove(ctx: Ctx, name: str) -> Reply:
    ctx.require_admin("remove topics")
    if not Topics(ctx.engine).remove(ctx.team_id, name):
        raise UsageError(f"No topic named {name!r}. `/earshot topics list` shows the names.")
    audit.record(
        ctx.engine, ctx.team_id, actor=ctx.user_id, action="topic.remove", target=name, now=ctx.now
    )
    return Reply(text=f"Removed *{bk.escape_mrkdwn(name)}* and its matches; stored posts stay.")


def listing(ctx: Ctx, page: int | None = 1) -> Reply:
    """One page of the list (None: all of it, for the command line)."""
    topics = Topics(ctx.engine).all(ctx.team_id)
    if not topics:
        return Reply(
            text='No topics yet. Add one: `/earshot topics add flood "flood* OR #yycflood"`.',
            ephemeral=True,
            data={"topics": []},
        )
    lines = [
        f"• *{bk.escape_mrkdwn(t.name)}* ({t.kind}"
        + (f", alerts to <#{t.channel}>" if t.channel else "")
        + f", sensitivity {t.sensitivity}): `{bk.escape_mrkdwn(t.query)}`"
        for t in topics
    ]
    data: dict[str, Any] = {
        "topics": [
            {
                "name": t.name,
                "query": t.query,
                "kind": t.kind,
                "channel": t.channel,
                "sensitivity": t.sensitivity,
            }
            for t in topics
        ]
    }
    shown = paged(
        "Topics and campaigns:", lines, page, noun="topics", command="/earshot topics list"
    )
    return Reply(text=shown.text, blocks=shown.blocks, ephemeral=True, data=data)


def preview(ctx: Ctx, query: str, sample: int = 5) -> Reply:
    target = Target(query, parse(checked_query(query)), None)
    period = parse_period("30d", ctx.now)
    posts = adhoc_posts(ctx, target, period)
    shown = sorted(posts, key=lambda p: p.created_at, reverse=True)[:sample]
    lines = "\n".join(f"• {bk.quote_post(p.text, p.url)}" for p in shown)
    text = f"`{bk.escape_mrkdwn(query)}` matches {len(posts):,} stored posts from the last 30 days."
    if lines:
        text += f" Newest:\n{lines}"
    return Reply(
        text=text,
        ephemeral=True,
        data={"query": query, "matches": len(posts), "sample": [p.text for p in shown]},
    )


def run(args: str, ctx: Ctx) -> Reply:
    """Slack form: `topics add flood "flood* OR #abflood" --kind campaign --channel #ops`."""
    try:
        words = split_words(args)
    except ValueError as exc:
        raise UsageError(f"Unbalanced quotes in {args!r}. {USAGE}") from exc
    verb = words[0].lower() if words else "list"
    rest = words[1:]
    if verb == "list" and len(rest) <= 1:
        return listing(ctx, page_number(rest[0] if rest else None))
    if verb == "add" and len(rest) >= 2:
        options = _options(rest[2:])
        return add(
            ctx,
            rest[0],
            rest[1],
            kind=options.get("kind", "topic"),
            channel=_channel(ctx, options.get("channel")),
        )
    if verb == "remove" and len(rest) == 1:
        return remove(ctx, rest[0])
    if verb == "preview" and rest:
        return preview(ctx, args.split(None, 1)[1])
    raise UsageError(USAGE)


def _options(words: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    it = iter(words)
    for word in it:
        if word not in ("--kind", "--channel"):
            raise UsageError(f"Unexpected {word!r}: put the query in quotes. {USAGE}")
        value = next(it, None)
        if value is None:
            raise UsageError(f"{word} needs a value. {USAGE}")
        options[word[2:]] = value
    return options


def _channel(ctx: Ctx, value: str | None) -> str | None:
    """`#name`, `C123` or Slack's escaped `<#C123|name>`, stored as the channel's id."""
    return None if value is None else mentions.resolve(ctx, value, "channel")


def _prepared(post: PostView, topic_ids: list[int]) -> PreparedPost:
    return PreparedPost(
        external_id=post.external_id,
        text=post.text,
        created_at=post.created_at,
        author=post.author,
        author_followers=post.author_followers,
        likes=post.likes,
        reposts=post.reposts,
        replies=post.replies,
        is_repost=post.is_repost,
        compound=post.compound,
        topic_ids=topic_ids,
    )
