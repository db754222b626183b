"""What `earshot classify` reads and writes; outside jobs.triage, so `--help` loads no model."""

INPUT_FORMATS = ("crisislex-t26",)
OUTPUT_COLUMNS = ("tweet_id", "lang", "category", "confidence", "reasons", "needs")
