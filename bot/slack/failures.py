"""Unexpected errors: a short reference for the user, the traceback in the log under it."""

from __future__ import annotations

import logging
import secrets

log = logging.getLogger("bot.slack")


def report_failure(what: str) -> str:
    """Log the exception being handled with a fresh reference; return the user's message.

    Call from an `except` block. The user never sees a stack trace, only the reference an
    operator can grep the log for.
    """
    reference = secrets.token_hex(4).upper()
    log.exception("%s failed (reference %s)", what, reference)
    return (
        f":warning: Something went wrong (reference {reference}). "
        "Please try again; if it keeps happening, give this reference to your Earshot admin."
    )
