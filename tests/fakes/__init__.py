"""Fakes for the edges tests cannot cross: the Slack Web API and response URLs."""
