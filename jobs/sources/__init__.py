"""Connectors to public sources; each takes an injected httpx.Client."""
