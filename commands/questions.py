"""/earshot questions [topic] [period] | answer N URL "summary" | posts N: what residents ask."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from commands import blocks as bk
from commands.context import Ctx, Reply, UsageError
from commands.period import Period, parse_period
from commands.target import split_period
from storage import audit
from storage.models import QuestionCluster
from storage.questions import ClusterFigures, Questions
from storage.topics import Topics

USAGE = (
    "Usage: `/earshot questions [topic] [24h|7d|30d]`, "
    '`/earshot questions answer N https://… "one-line summary"`, `/earshot questions posts N`.'
)
SUMMARY_MAX = 300
ALL = {"", "all", "*"}


@dataclass(frozen=True, slots=True)
class Listing:
    scope: str
    period: Period
    rows: list[ClusterFigures]
    since_answer: dict[int, int]  # cluster id -> posts since its answer (within the period)


def build(ctx: Ctx, topic_name: str, period: Period, *, limit: int = 10) -> Listing:
    topic_id, scope = _topic(ctx, topic_name)
    store = Questions(ctx.engine)
    rows = store.figures(ctx.team_id, period.start, period.end, topic_id=topic_id, limit=limit)
    since = {
        row.cluster.id: store.count_between(
            ctx.team_id, row.cluster.id, row.cluster.answered_at, period.end
        )
        for row in rows
        if row.cluster.id is not None and row.cluster.answered_at is not None
    }
    return Listing(scope, period, rows, since)


def _topic(ctx: Ctx, name: str) -> tuple[int | None, str]:
    if name.strip().lower() in ALL:
        return None, "all posts"
    for topic in Topics(ctx.engine).all(ctx.team_id):
        if topic.name.lower() == name.strip().lower():
            return topic.id, topic.name
    raise UsageError(
        f"No topic named {name!r}: questions are listed per saved topic "
        "(`/earshot topics list`), or for all posts with `all`."
    )


def as_json(listing: Listing) -> dict[str, Any]:
    return {
        "scope": listing.scope,
        "start": listing.period.start.isoformat(),
        "end": listing.period.end.isoformat(),
        "questions": [
            {
                "id": row.cluster.id,
                "text": row.cluster.text,
                "posts": row.posts,
                "authors": row.authors,
                "first_seen": row.first_seen.isoformat(),
                "last_seen": row.last_seen.isoformat(),
                "trend": trend(row),
                "answer": _answer_json(row.cluster),
            }
            for row in listing.rows
        ],
    }


def _answer_json(cluster: QuestionCluster) -> dict[str, Any] | None:
    if cluster.answer_url is None:
        return None
    return {
        "url": cluster.answer_url,
        "summary": cluster.answer_summary,
        "by": cluster.answered_by,
        "at": cluster.answered_at.isoformat() if cluster.answered_at else None,
    }


def trend(row: ClusterFigures) -> str:
    """Second half of the period against the first: rising, falling or steady."""
    if row.recent > max(row.earlier * 1.5, row.earlier + 2):
        return "rising"
    if row.earlier > max(row.recent * 1.5, row.recent + 2):
        return "falling"
    return "steady"


def render(listing: Listing) -> Reply:
    title = f"Questions residents asked · {listing.scope}, {listing.period.label}"
    if not listing.rows:
        text = f"{title}: none found."
        return Reply(text=text, blocks=[bk.section(text)], ephemeral=True, data=as_json(listing))
    lines = [f"*{bk.escape_mrkdwn(title)}*, busiest first:"]
    for row in listing.rows:
        lines.append(question_line(row, listing.since_answer.get(row.cluster.id or 0)))
    text = "\n".join(lines)
    blocks = [bk.section(bk.truncate_mrkdwn(text, 3000))]
    unanswered = [row.cluster for row in listing.rows if row.cluster.answer_url is None][:5]
    if unanswered:
        blocks.append(
            bk.context(
                'Attach the agency\'s answer: `/earshot questions answer N https://… "summary"`'
            )
        )
        blocks.append(
            bk.actions(
                *(
                    # Slack refuses repeated action_ids in one block: number them.
                    bk.button(f"Posts of #{c.id}", f"question_posts:{index}", str(c.id))
                    for index, c in enumerate(unanswered)
                    if c.id is not None
                ),
                block_id="question-posts",
            )
        )
    return Reply(text=text, blocks=blocks, ephemeral=True, data=as_json(listing))


def question_line(row: ClusterFigures, since_answer: int | None) -> str:
    cluster = row.cluster
    who = f", {row.authors:,} authors" if row.authors else ""
    line = (
        f"• *#{cluster.id}* “{bk.escape_mrkdwn(cluster.text)}”: {row.posts:,} posts{who}, "
        f"{_when(row.first_seen)} to {_when(row.last_seen)}, {trend(row)}"
    )
    if cluster.answer_url is not None:
        link = bk.safe_link_url(cluster.answer_url)
        summary = bk.escape_mrkdwn(cluster.answer_summary or "answer")
        line += f"\n    :white_check_mark: Answered: {f'<{link}|{summary}>' if link else summary}"
        if since_answer is not None:
            line += f" ({since_answer:,} posts since the answer)"
    return line


def _when(moment: datetime) -> str:
    return f"{moment:%d %b %H:%M}"


def listing(ctx: Ctx, args: str) -> Reply:
    topic_text, period_text = split_period(args)
    if not topic_text and period_text is None and args.strip():
        topic_text = args.strip()
    period = parse_period(period_text, ctx.now, ctx.timezone, default="7d")
    return render(build(ctx, topic_text, period))


def answer(ctx: Ctx, args: str) -> Reply:
    """Attach the agency's answer (a URL and a one-line summary) to a question cluster."""
    try:
        words = shlex.split(args)
    except ValueError as exc:
        raise UsageError(f"Could not read that: {exc}. {USAGE}") from exc
    if len(words) < 3:
        raise UsageError(USAGE)
    cluster = _cluster(ctx, words[0])
    url = check_url(words[1])
    summary = " ".join(" ".join(words[2:]).split())
    if not summary:
        raise UsageError("Give a one-line summary of the answer after the URL.")
    if len(summary) > SUMMARY_MAX:
        raise UsageError(
            f"The summary is {len(summary)} characters; keep it to {SUMMARY_MAX} (one line)."
        )
    assert cluster.id is not None
    Questions(ctx.engine).update(
        ctx.team_id,
        cluster.id,
        answer_url=url,
        answer_summary=summary,
        answered_by=ctx.user_id or "cli",
        answered_at=ctx.now,
    )
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="question.answer",
        target=str(cluster.id),
        now=ctx.now,
        url=url,
    )
    text = (
        f"Answer attached to question #{cluster.id} “{cluster.text}”: {summary} ({url}). "
        "New posts asking it are shown with this answer, and routed posts asking it carry it "
        "as a suggested reply."
    )
    return Reply(text=text, blocks=[bk.section(bk.escape_mrkdwn(text))])


def check_url(raw: str) -> str:
    """An http(s) URL with a host, no spaces or control characters, at most 2,000 chars."""
    parts = urlsplit(raw)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise UsageError(
            f"{raw!r} is not a web address: give the answer's full URL, "
            "e.g. https://city.example.gov/water-advisory."
        )
    if len(raw) > 2000 or bk.safe_link_url(raw) is None:
        raise UsageError("That URL is too long or has characters a link cannot carry.")
    return raw


def _cluster(ctx: Ctx, raw: str) -> QuestionCluster:
    number = raw.lstrip("#")
    if not number.isdigit():
        raise UsageError(f"{raw!r} is not a question number: use the #N shown in the list.")
    cluster = Questions(ctx.engine).get(ctx.team_id, int(number))
    if cluster is None:
        raise UsageError(f"No question #{number}. `/earshot questions` lists them.")
    return cluster


def posts(ctx: Ctx, cluster_id: int) -> Reply:
    """The newest posts of one question cluster, with its answer if it has one."""
    cluster = _cluster(ctx, str(cluster_id))
    assert cluster.id is not None
    found = Questions(ctx.engine).posts(ctx.team_id, cluster.id, limit=8)
    lines = [f"*#{cluster.id}* “{bk.escape_mrkdwn(cluster.text)}”, newest posts:"]
    lines += [f"• {bk.quote_post(p.text, p.url, limit=200)} _({p.source})_" for p in found]
    if cluster.answer_url:
        lines.append(
            f"Answer: {bk.escape_mrkdwn(cluster.answer_summary or '')} {cluster.answer_url}"
        )
    text = "\n".join(lines)
    return Reply(text=text, blocks=[bk.section(bk.truncate_mrkdwn(text, 3000))], ephemeral=True)


def run(args: str, ctx: Ctx) -> Reply:
    word, _, rest = args.strip().partition(" ")
    if word.lower() == "answer":
        return answer(ctx, rest)
    if word.lower() == "posts":
        number = rest.strip().lstrip("#")
        if not number.isdigit():
            raise UsageError(USAGE)
        return posts(ctx, int(number))
    return listing(ctx, args)
