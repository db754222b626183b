"""Number formats shared by replies."""

from __future__ import annotations


def signed(value: float | None) -> str:
    """A sentiment like +0.12; "n/a" when nothing was scored. Never prints -0.00."""
    return "n/a" if value is None else f"{round(value, 2) + 0.0:+.2f}"
