"""Channels, users and user groups as typed in a command, resolved to Slack ids.

`/earshot` is declared with `should_escape: false`, so Slack passes what the person typed:
`#incidents`, `@jane`, `@comms-admins`. Picked from Slack's menus or pasted from elsewhere
they can also arrive escaped (`<#C123|incidents>`, `<@U123>`, `<!subteam^S123|@comms-admins>`)
or as bare ids. Every form is accepted; only ids are stored (they survive renames, and the
Web API wants them). Names are looked up through `ctx.directory` (the Web API in Slack).
Without one (the console and CLI, which have no Slack) a channel is its name, as the
console prints deliveries under `[#name]`.
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

from commands.context import Ctx, UsageError

Kind = Literal["channel", "user", "group"]

_ESCAPED = {
    "channel": re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$"),
    "user": re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$"),
    "group": re.compile(r"^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$"),
}
# Slack ids are upper case; channel names, user names and group handles never are.
_BARE_ID = {
    "channel": re.compile(r"^[CG][A-Z0-9]{2,}$"),
    "user": re.compile(r"^[UW][A-Z0-9]{2,}$"),
    "group": re.compile(r"^S[A-Z0-9]{2,}$"),
}
_SIGIL = {"channel": "#", "user": "@", "group": "@"}
_NAME = re.compile(r"^[\w.\-']{1,80}$")
_EXAMPLE = {"channel": "#incidents", "user": "@jane", "group": "@comms-admins"}


class DirectoryError(LookupError):
    """Slack could not be asked (missing scope, rate limit, network); the text says why."""


class Directory(Protocol):
    """Name -> id lookups in one workspace (None when no such name)."""

    def channel_id(self, name: str) -> str | None: ...

    def user_id(self, name: str) -> str | None: ...

    def group_id(self, handle: str) -> str | None: ...


def resolve(ctx: Ctx, text: str, kind: Kind) -> str:
    """The id of the channel, user or group `text` names, in any form Slack may send."""
    value = text.strip()
    escaped = _ESCAPED[kind].match(value)
    if escaped:
        return escaped.group(1)
    if _BARE_ID[kind].match(value):
        return value
    sigil = _SIGIL[kind]
    name = value[1:] if value.startswith(sigil) else value
    if not _NAME.match(name):
        raise UsageError(f"{text!r} is not a {kind} name. Write it like `{_EXAMPLE[kind]}`.")
    directory = ctx.directory
    if directory is None:
        return name  # console / CLI: no Slack to ask; names are what they print under
    try:
        found = {
            "channel": directory.channel_id,
            "user": directory.user_id,
            "group": directory.group_id,
        }[kind](name)
    except DirectoryError as exc:
        raise UsageError(f"Could not look up {sigil}{name} in Slack: {exc}") from exc
    if found is None:
        raise UsageError(_unknown(kind, sigil + name))
    return found


def _unknown(kind: Kind, typed: str) -> str:
    if kind == "channel":
        return (
            f"No channel {typed} that Earshot can see in this workspace. Check the spelling "
            "(no spaces; Slack shows it in the channel header); for a private channel, "
            "invite @Earshot to it first."
        )
    if kind == "user":
        return f"No one called {typed} in this workspace. Use their Slack username, like @jane."
    return (
        f"No user group {typed} in this workspace. Use the group's handle, like "
        "@comms-admins (Slack shows it under People → User groups)."
    )
