"""Write path: sources, matching, scoring, storing, detecting and delivering."""
