"""Question clusters: find posts that ask or worry, group the same question, flag spreading."""
