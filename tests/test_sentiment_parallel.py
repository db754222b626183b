"""ParallelScorer: same answers as Scorer, across real worker processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jobs.sentiment import ParallelScorer, Scorer

WORDS = ["good", "bad", "great", "awful", "calm", "scary", "safe", "flooded", "happy", "sad"]


def batch(distinct: int) -> list[tuple[str, str | None]]:
    texts = [
        f"Update {i}: the river is {WORDS[i % 10]} and roads are {WORDS[(i * 7) % 10]}"
        for i in range(distinct)
    ]
    items: list[tuple[str, str | None]] = [(text, None) for text in texts]
    items += [(text, "en") for text in texts[: distinct // 3]]  # exact duplicates
    items += [(f"RT @x: {texts[0]} http://t.co/z", "en-GB"), ("Das ist gut", "de")]
    return items


def test_large_batch_goes_to_workers_and_matches_in_process() -> None:
    items = batch(400)
    expected = Scorer().score_many(items)
    with ParallelScorer(workers=2, min_batch=100, chunk_size=50) as parallel:
        got = parallel.score_many(items)
        assert parallel.batches_sent_to_pool == 1
    assert got == expected
    assert got[-1] is None
    assert got[-2] == got[0]


def test_small_batch_and_cached_texts_stay_in_process() -> None:
    items = batch(60)
    with ParallelScorer(workers=2, min_batch=100) as parallel:
        first = parallel.score_many(items)
        assert parallel.batches_sent_to_pool == 0
        assert parallel.score_many(items) == first
        assert parallel.batches_sent_to_pool == 0
    assert first == Scorer().score_many(items)


def test_still_scores_after_close() -> None:
    parallel = ParallelScorer(workers=2, min_batch=10)
    parallel.close()
    scores = parallel.score("lovely weather", None)
    assert scores is not None
    assert scores.compound > 0


def test_usable_from_a_cli_main_process(tmp_path: Path) -> None:
    script = tmp_path / "cli.py"
    script.write_text(
        textwrap.dedent(
            """
            from jobs.sentiment import ParallelScorer, Scorer

            def main() -> None:
                items = [(f"post {i} is great", None) for i in range(3000)]
                with ParallelScorer(workers=2) as scorer:
                    scores = scorer.score_many(items)
                    same = scores == Scorer().score_many(items)
                    print(scorer.batches_sent_to_pool, len(scores), same)

            if __name__ == "__main__":
                main()
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "3000", "True"]


@pytest.mark.parametrize("workers", [1, None])
def test_worker_count_defaults_and_single_worker_never_spawns(workers: int | None) -> None:
    with ParallelScorer(workers=workers, min_batch=10) as parallel:
        assert parallel.workers >= 1
        if workers == 1:
            parallel.score_many(batch(50))
            assert parallel.batches_sent_to_pool == 0
