"""A large backlog of routed posts in one channel: one summary with a button, not hundreds
of messages. "312 earlier help requests were routed here: Show them" lists them on demand,
ten at a time, visible only to the person who asked."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands.context import Ctx, Reply, UsageError
from commands.paging import sections
from storage.models import RoutedPost
from storage.routing import RoutedPosts

SHOW = "route_backlog"
PER_PAGE = 10


def summary_reply(ctx: Ctx, channel: str, older: Sequence[RoutedPost], newest: int) -> Reply:
    """The one message that stands for `older` (ordered by id), posted before the newest."""
    zone = ZoneInfo(ctx.timezone)
    first, last = older[0], older[-1]
    span = (
        f"{first.created_at.astimezone(zone):%d %b %H:%M}"
        f"–{last.created_at.astimezone(zone):%d %b %H:%M} {ctx.timezone}"
    )
    count = len(older)
    text = (
        f":inbox_tray: {count:,} earlier help requests matched the routes to this channel "
        f"({span}). They are summarized here rather than posted one by one"
        + (f"; the newest {newest} follow." if newest else ".")
    )
    value = f"{channel}|{first.id}|{last.id}|0"
    blocks = [
        bk.section(text),
        bk.actions(
            bk.button(f"Show them ({count:,})", SHOW, value), block_id=f"backlog-{first.id}"
        ),
    ]
    return Reply(text=text, blocks=blocks, data={"summarized": count})


def show(ctx: Ctx, value: str) -> Reply:
    """One page of a summarized backlog; `value` is "channel|first id|last id|offset"."""
    try:
        channel, first, last, offset = value.split("|")
        lo, hi, start = int(first), int(last), int(offset)
    except ValueError:
        raise UsageError("That list is no longer available.") from None
    store = RoutedPosts(ctx.engine)
    # The team comes from the request: another workspace's ids find nothing.
    rows = store.summarized(ctx.team_id, channel, lo, hi)
    if not rows:
        raise UsageError("Those requests are no longer stored.")
    page = rows[start : start + PER_PAGE]
    lines = [_line(store, row) for row in page]
    title = f"Routed here earlier: {start + 1}–{start + len(page)} of {len(rows):,}, newest first"
    blocks = sections([f"*{title}*", *lines])
    remaining = len(rows) - start - len(page)
    if remaining > 0:
        more = f"{channel}|{lo}|{hi}|{start + PER_PAGE}"
        blocks.append(
            bk.actions(
                bk.button(f"Next {min(PER_PAGE, remaining)} of {remaining:,}", SHOW, more),
                block_id=f"backlog-{lo}-{start + PER_PAGE}",
            )
        )
    return Reply(text="\n".join([title, *lines]), blocks=blocks, ephemeral=True)


def _line(store: RoutedPosts, routed: RoutedPost) -> str:
    post = store.post_of(routed)
    needs = ", ".join(c.replace("_", " ") for c in routed.categories) or "help"
    quote = bk.quote_post(post.text, post.url, limit=300) if post else "_(no longer stored)_"
    return f"• ({needs}) {quote}"
