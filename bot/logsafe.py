"""Logging set-up: per-library levels, secrets redacted, one record per line.

Libraries log more than an operator should keep: slack_bolt logs an unverified request's
body at INFO, slack_sdk logs whole API responses (an `oauth.v2.access` answer holds the
bot token) at DEBUG. So their levels are set here whatever `-v` says, and every handler
gets a filter that masks anything shaped like a Slack token or a secret and escapes line
breaks, so text from outside (a post id, a request) can never forge a log line.
"""

from __future__ import annotations

import logging
import re

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Never below these, even with -v: their debug output is request and response bodies.
QUIET = {
    "slack_bolt": logging.WARNING,
    "slack_sdk": logging.INFO,
    "urllib3": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.INFO,
    "uvicorn.access": logging.WARNING,
    "matplotlib": logging.INFO,  # a line per font scored, per chart
    "PIL": logging.INFO,
}
MAX_MESSAGE = 4000  # characters of one record; a huge value is cut, not written whole
_SECRETS = re.compile(
    r"xox[a-z]-[A-Za-z0-9-]+"  # Slack bot, user and refresh tokens
    r"|xapp-[A-Za-z0-9-]+"  # app-level tokens
    r"|(?i:(?:access_token|refresh_token|client_secret|signing_secret|password|token|secret"
    r"|authorization)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
)


def redact(text: str) -> str:
    """`text` with tokens and secret values masked and line breaks escaped."""
    masked = _SECRETS.sub(_mask, text)
    if len(masked) > MAX_MESSAGE:
        masked = f"{masked[:MAX_MESSAGE]}… ({len(masked) - MAX_MESSAGE} more characters)"
    return masked.replace("\r", "\\r").replace("\n", "\\n")


def _mask(found: re.Match[str]) -> str:
    value = found.group(0)
    for cut in (":", "="):
        if cut in value and not value.startswith(("xox", "xapp")):
            name, _, _ = value.partition(cut)
            return f"{name}{cut}***"
    return value[:5] + "***"


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and traceback, and keeps it on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _SECRETS.sub(_mask, record.exc_text)
        return True


def install(verbose: bool = False) -> None:
    """Configure the root logger for the command line and the bot."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=FORMAT)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    # Migrations run on every start; their chatter is noise unless debugging.
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)
