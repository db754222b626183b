"""Negative-share mode: a sharp rise of the negative share with enough posts behind it."""

from __future__ import annotations

import json
import random

from jobs.spikes import NegativeShareDetector, ShareConfig, Verdict
from tests.test_spikes_series import BUCKET, PER_DAY, START

Bucket = tuple[float, float]  # (negative, total)


def usual_buckets(count: int, share: float = 0.15, total: int = 100, seed: int = 4) -> list[Bucket]:
    rng = random.Random(seed)
    return [
        (float(sum(rng.random() < share for _ in range(total))), float(total)) for _ in range(count)
    ]


def replay(buckets: list[Bucket], config: ShareConfig | None = None) -> list[Verdict]:
    detector = NegativeShareDetector(config)
    return [
        detector.update(START + index * BUCKET, negative, total)
        for index, (negative, total) in enumerate(buckets)
    ]


def test_a_sharp_rise_of_the_negative_share_alerts_once_and_explains_itself() -> None:
    buckets = usual_buckets(2 * PER_DAY) + [(55.0, 100.0)] * 6
    verdicts = replay(buckets)
    alerts = [v for v in verdicts if v.alert]
    assert len(alerts) == 1
    assert alerts[0] is verdicts[2 * PER_DAY]
    assert alerts[0].reason.startswith("55% negative of 100 posts vs ~15% usual (+4")
    assert all(v.continuing for v in verdicts[2 * PER_DAY + 1 :])
    assert 0.12 < alerts[0].baseline < 0.18


def test_ordinary_wobble_and_thin_buckets_do_not_alert() -> None:
    thin = [(6.0, 8.0)] * 6  # 75% negative, but of 8 posts
    verdicts = replay(usual_buckets(3 * PER_DAY) + thin)
    assert not any(v.alert for v in verdicts)
    assert verdicts[-1].anomaly_score > 0.5
    assert "below the floor" in verdicts[-1].reason
    lowered = replay(usual_buckets(3 * PER_DAY) + thin, ShareConfig(min_posts=5))
    assert any(v.alert for v in lowered)


def test_sensitivity_orders_share_alerts() -> None:
    buckets = usual_buckets(2 * PER_DAY) + [(37.0, 100.0)] * 4  # +22 points
    assert any(v.alert for v in replay(buckets, ShareConfig.for_sensitivity("high")))
    assert not any(v.alert for v in replay(buckets, ShareConfig.for_sensitivity("low")))


def test_share_state_round_trips_through_json() -> None:
    buckets = usual_buckets(2 * PER_DAY) + [(60.0, 120.0)] * 4 + usual_buckets(50, seed=8)
    original = NegativeShareDetector()
    split = PER_DAY
    for index, (negative, total) in enumerate(buckets[:split]):
        original.update(START + index * BUCKET, negative, total)
    restored = NegativeShareDetector.from_state(json.loads(json.dumps(original.to_state())))
    rest = list(enumerate(buckets))[split:]
    expected = [original.update(START + i * BUCKET, n, t) for i, (n, t) in rest]
    assert [restored.update(START + i * BUCKET, n, t) for i, (n, t) in rest] == expected
    assert any(v.alert for v in expected)
