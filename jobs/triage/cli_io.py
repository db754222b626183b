"""Classify every post of an input file and write one CSV row per post."""

from __future__ import annotations

from pathlib import Path

from commands.csv_safe import SafeWriter
from jobs.classify_formats import INPUT_FORMATS, OUTPUT_COLUMNS
from jobs.language import detect_language
from jobs.triage.classifier import classify
from jobs.triage.crisislex import InputFormatError, read_t26
from jobs.triage.needs import detect_needs


def classify_file(input_path: Path, output_path: Path, input_format: str = "crisislex-t26") -> int:
    """Write `OUTPUT_COLUMNS` for each post of `input_path`; return how many were written.

    The whole input is read and checked before the output is opened, so a bad file
    never leaves a half-written CSV behind. Raises InputFormatError with a message
    fit for a person when the input is missing or not in `input_format`.
    """
    if input_format not in INPUT_FORMATS:
        raise InputFormatError(f"unknown input format {input_format!r}; known: {INPUT_FORMATS}")
    if not input_path.is_file():
        raise InputFormatError(f"{input_path}: no such file")
    rows = []
    for post in read_t26(input_path):
        result = classify(post.text)
        lang = detect_language(post.text)  # T26 files carry no language column
        needs = detect_needs(post.text) if lang in ("en", "und") else []
        rows.append(
            (
                post.tweet_id,
                lang,
                result.category,
                f"{result.confidence:.3f}",
                "; ".join(result.reasons),
                ";".join(need.category for need in needs),
            )
        )
    with output_path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeWriter(handle)
        writer.writerow(OUTPUT_COLUMNS)
        writer.writerows(rows)
    return len(rows)
