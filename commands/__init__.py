"""Read path: command text plus a Ctx in, a Reply out; runs from Slack and from a terminal."""
