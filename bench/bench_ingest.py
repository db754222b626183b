"""Ingest end to end (parse, score, match, store, roll up) against VADER alone, same run.

Usage: .venv/bin/python bench/bench_ingest.py [--rounds 1] [--topics 10,1000,10000] [--no-sqlite]
       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Posts are real: every CrisisLex T6 and T26 tweet once (by tweet id), with their natural
reposts, in file order. `--rounds N` grows the corpus with N - 1 more rounds of the same
tweets with two words swapped for other corpus words (distinct texts; reposts stay
reposts), never with exact copies; the repeat rate is printed. Posts get Zipf-like
authors, are written to a JSONL file and imported with `import_file`, the code behind
`earshot import`. The baseline is vaderSentiment's `polarity_scores` over exactly the
posts imported (every one, repeats included), in one process, measured just before each
import in the same run (the load on a shared machine changes by the minute). Ratios
above 1 mean the pipeline is faster than VADER alone.
"""

# Everything lives in ingest_run.py, imported only when this file is run: the scoring
# workers are spawned processes, which re-import the parent's main module, and they should
# pay what `earshot import`'s workers pay (its main module, bot.cli, is light), not the
# benchmark's own imports of SQLAlchemy, vaderSentiment and the whole pipeline.
if __name__ == "__main__":
    from ingest_run import main

    main()
