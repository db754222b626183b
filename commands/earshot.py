"""/earshot help | topics | sources | posts <topic>: configuration and browsing from Slack."""

from __future__ import annotations

from collections.abc import Callable

from commands import (
    alert_settings,
    digest_settings,
    incident,
    places,
    questions,
    routes,
    settings,
    sources,
    topics,
)
from commands import blocks as bk
from commands.context import Ctx, Reply, UsageError
from commands.paging import sections
from commands.period import parse_period
from commands.target import resolve, split_period, top_posts

HELP = """*Earshot* listens to public posts about your agency and brings what matters here.
• `/sentiment <topic or query> [24h|7d|30d]`: volume and sentiment with a chart
• `/reach <campaign> [7d|30d]`: posts, authors, potential audience (upper bound), engagement
• `/earshot topics [list|add NAME "QUERY" [--kind campaign] [--channel #c]|remove NAME|\
preview QUERY]`
• `/earshot sources [list|add KIND NAME key=value …|test NAME|remove NAME]`
• `/earshot posts <topic> [24h]`: the most engaging recent posts
• `/earshot digest [now|show|off|schedule 09:00 [America/Edmonton] [daily|weekly mon] \
[topics a,b]]`
• `/earshot alerts [list|mute TOPIC 1h|unmute TOPIC|sensitivity TOPIC low|normal|high]`
• `/earshot incident [start NAME "QUERY" [#channel]|stop NAME|status [NAME]]`
• `/earshot settings [timezone TZ|admin-group @g|alert-channel #c|escalation @g 30m|\
renotify 60m|retention 90d|pseudonymize on]`
• `/earshot route [list|add AGENCY #channel CATEGORY-or-QUERY|remove ID]`: send residents' \
help requests (shelter, power, water, medical, …) to an agency channel
• `/earshot questions [topic|all] [7d]`: what residents ask, grouped, busiest first; \
`/earshot questions answer N URL "summary"` attaches the agency's answer
• `/earshot places TOPIC [7d]`: places named in a topic's posts, with a map
• `/earshot help`: this message
Queries: `flood` (word or #flood), `flood*` (prefix), `#abflood`, `@cityofx`, `"boil water"`, \
`a OR b`, `-word`, `NOT word`, `(a OR b) c`, `water NEAR/3 boil`, `lang:en`, `source:reddit`, \
`site:cbc.ca`, `author:@name`."""

Handler = Callable[[str, Ctx], Reply]


def help_reply(_: str, ctx: Ctx) -> Reply:
    return Reply(text=HELP, blocks=[bk.section(HELP)], ephemeral=True)


def posts(args: str, ctx: Ctx) -> Reply:
    target_text, period_text = split_period(args)
    if not target_text:
        raise UsageError("Usage: `/earshot posts <topic> [24h|7d]`.")
    target = resolve(ctx, target_text)
    period = parse_period(period_text, ctx.now, ctx.timezone, default="24h")
    found = top_posts(ctx, target, period, "engagement", limit=10)
    if not found:
        return Reply(text=f"No posts for {target.name} in the {period.label}.", ephemeral=True)
    lines = [
        f"• `{p.lang or 'und'}` {bk.quote_post(p.text, p.url)} "
        f"_({p.source}, {p.engagement} interactions)_"
        for p in found
    ]
    title = f"*{bk.escape_mrkdwn(target.name)}*, {period.label}, most engaging:"
    # Split across sections rather than cut at 3,000 characters: ten posts can exceed it.
    return Reply(text="\n".join([title, *lines]), blocks=sections([title, *lines]), ephemeral=True)


SUBCOMMANDS: dict[str, Handler] = {
    "help": help_reply,
    "topics": topics.run,
    "topic": topics.run,
    "sources": sources.run,
    "source": sources.run,
    "posts": posts,
    "digest": digest_settings.run,
    "alerts": alert_settings.run,
    "incident": incident.run,
    "settings": settings.run,
    "route": routes.run,
    "routes": routes.run,
    "questions": questions.run,
    "places": places.run,
}


def run(text: str, ctx: Ctx) -> Reply:
    word, _, rest = text.strip().partition(" ")
    handler = SUBCOMMANDS.get(word.lower() or "help")
    if handler is None:
        raise UsageError(f"Unknown subcommand {word!r}. Try `/earshot help`.")
    return handler(rest.strip(), ctx)
