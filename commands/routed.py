"""A routed post's message in the agency channel, its buttons, and the unclaimed reminder."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands.context import Ctx, Reply, UsageError
from commands.question_reports import suggested_reply
from storage import audit
from storage.models import RoutedPost
from storage.routing import CLOSED, RoutedPosts

CLAIM, RESOLVE, NOT_ACTIONABLE = "route_claim", "route_resolve", "route_not_actionable"
POST_QUOTE_MAX = 600


def routed_reply(ctx: Ctx, routed: RoutedPost) -> Reply:
    """The post, where it came from, why it was routed, who has it, and what to do next."""
    store = RoutedPosts(ctx.engine)
    route, post = store.route_of(routed), store.post_of(routed)
    agency = bk.escape_mrkdwn(route.agency if route else "an agency")
    needs = ", ".join(category.replace("_", " ") for category in routed.categories) or "help"
    quote = (
        bk.quote_post(post.text, post.url, limit=POST_QUOTE_MAX)
        if post
        else "_(this post is no longer stored)_"
    )
    blocks: list[dict[str, Any]] = [
        bk.section(f":sos: *Help request for {agency}* ({needs})\n{quote}"),
    ]
    if post is not None:
        author = bk.escape_mrkdwn(" ".join(bk.strip_controls(post.author or "unknown").split()))
        blocks.append(
            bk.context(
                f"*Source* {bk.escape_mrkdwn(post.source)} ({bk.escape_mrkdwn(post.source_kind)})"
                f" · *Author* {author} · *Language* {bk.escape_mrkdwn(post.lang or 'und')}"
                f" · posted {_local(ctx, post.created_at):%d %b %H:%M}"
            )
        )
    why = f"*Why routed:* {bk.escape_mrkdwn(routed.reason or 'matched')}"
    if route is not None and not route.is_category:
        why += f" · route query `{bk.escape_mrkdwn(route.match)}`"
    blocks.append(bk.section(why))
    suggestion = suggested_reply(ctx, routed.post_id) if post is not None else None
    if suggestion is not None:
        blocks.append(suggestion)
    blocks.append(bk.context(_status(ctx, routed)))
    buttons = _buttons(routed)
    if buttons is not None:
        blocks.append(buttons)
    one_line = " ".join(bk.strip_controls(post.text if post else "").split())
    text = f"Help request for {agency} ({needs}): {bk.escape_mrkdwn(bk.truncate(one_line, 200))}"
    return Reply(text=text, blocks=blocks, data={"id": routed.id, "status": routed.status})


def reminder_reply(ctx: Ctx, routed: RoutedPost, number: int, of: int) -> Reply:
    route = RoutedPosts(ctx.engine).route_of(routed)
    agency = bk.escape_mrkdwn(route.agency if route else "the agency")
    minutes = int((ctx.now - routed.created_at).total_seconds() // 60)
    return Reply(
        text=f":bell: Still unclaimed after {minutes} minutes: can someone from {agency} "
        f"take this one? (reminder {number} of {of})"
    )


def sla_reply(ctx: Ctx, routed: RoutedPost, deadline: datetime) -> Reply:
    """The thread reply sent shortly before a routed post's SLA lapses."""
    route = RoutedPosts(ctx.engine).route_of(routed)
    agency = bk.escape_mrkdwn(route.agency if route else "the agency")
    left = max(0, int((deadline - ctx.now).total_seconds() // 60))
    state = "claimed but not resolved" if routed.claimed_at is not None else "not claimed yet"
    return Reply(
        text=f":hourglass_flowing_sand: Response-time SLA: this request to {agency} is {state} "
        f"and should be resolved by {_local(ctx, deadline):%H:%M} ({left} minutes left)."
    )


def _local(ctx: Ctx, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(ctx.timezone))


def _status(ctx: Ctx, routed: RoutedPost) -> str:
    parts = []
    if routed.claimed_at is not None:
        parts.append(f"Claimed by <@{routed.claimed_by}> at {_local(ctx, routed.claimed_at):%H:%M}")
    if routed.closed_at is not None:
        verb = "Resolved" if routed.status == "resolved" else "Marked not actionable"
        parts.append(f"{verb} by <@{routed.closed_by}> at {_local(ctx, routed.closed_at):%H:%M}")
    return " · ".join(parts) or "Waiting for someone to claim it"


def _buttons(routed: RoutedPost) -> dict[str, Any] | None:
    if routed.status in CLOSED:
        return None
    value = str(routed.id)
    elements = []
    if routed.status == "new":
        elements.append(bk.button("Claim", CLAIM, value, style="primary"))
    elements += [
        bk.button("Resolved", RESOLVE, value, style="primary" if elements == [] else None),
        bk.button("Not actionable", NOT_ACTIONABLE, value),
    ]
    return bk.actions(*elements, block_id=f"route-{routed.id}")


def _routed(ctx: Ctx, routed_id: int) -> RoutedPost:
    # The team comes from the request, never from the button: another team's id is not found.
    routed = RoutedPosts(ctx.engine).get(ctx.team_id, routed_id)
    if routed is None:
        raise UsageError("That routed post no longer exists in this workspace.")
    return routed


def _act(
    ctx: Ctx, routed_id: int, action: str, from_status: tuple[str, ...], **changes: Any
) -> Reply:
    store = RoutedPosts(ctx.engine)
    routed = _routed(ctx, routed_id)
    if store.update(ctx.team_id, routed_id, when_status=from_status, **changes):
        audit.record(
            ctx.engine,
            ctx.team_id,
            actor=ctx.user_id,
            action=f"route.{action}",
            target=f"routed:{routed_id}",
            now=ctx.now,
            post_id=routed.post_id,
            channel=routed.channel,
        )
    # Whether this click changed it or someone was first, show the message as it now stands.
    return routed_reply(ctx, store.get(ctx.team_id, routed_id) or routed)


def claim(ctx: Ctx, routed_id: int) -> Reply:
    return _act(
        ctx,
        routed_id,
        "claim",
        ("new",),
        status="claimed",
        claimed_by=ctx.user_id,
        claimed_at=ctx.now,
    )


def resolve(ctx: Ctx, routed_id: int) -> Reply:
    return _act(
        ctx,
        routed_id,
        "resolve",
        ("new", "claimed"),
        status="resolved",
        closed_by=ctx.user_id,
        closed_at=ctx.now,
    )


def not_actionable(ctx: Ctx, routed_id: int) -> Reply:
    return _act(
        ctx,
        routed_id,
        "not_actionable",
        ("new", "claimed"),
        status="not_actionable",
        closed_by=ctx.user_id,
        closed_at=ctx.now,
    )


ACTIONS = {CLAIM: claim, RESOLVE: resolve, NOT_ACTIONABLE: not_actionable}
