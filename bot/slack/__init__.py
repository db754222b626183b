"""Earshot in Slack: the Bolt app, its transports (Socket Mode, HTTP) and the Slack poster."""
