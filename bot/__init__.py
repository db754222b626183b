"""Composition root: settings, adapters (Slack, console, CLI, HTTP) and wiring."""
