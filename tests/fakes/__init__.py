"""Fakes for the edges tests cannot cross: Slack Web API, response URLs, social sources."""
