"""Run one scheduler tick in its own process (tests kill it mid-way with SIGKILL).

python -m tests.tick_once DB_URL SLACK_API_URL ISO_TIME JOB
"""

from __future__ import annotations

import sys
from datetime import datetime

from tests.delivery_helpers import Clock, wired

if __name__ == "__main__":
    db_url, slack_url, at, job = sys.argv[1:5]
    ticks = wired(db_url, slack_url, Clock(datetime.fromisoformat(at)), owner="doomed")
    getattr(ticks, job)()
