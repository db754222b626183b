"""Questions in other messages: the digest section, spreading alerts, routed-post replies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from commands import blocks as bk
from commands.context import Ctx, Reply, UsageError
from commands.period import Period
from storage import audit
from storage.models import QuestionCluster
from storage.questions import Questions

DIGEST_QUESTIONS = 5
COMPARE_MAX = timedelta(hours=24)  # before/after an answer: equal windows, at most a day


def answer_link(cluster: QuestionCluster) -> str:
    link = bk.safe_link_url(cluster.answer_url or "")
    summary = bk.escape_mrkdwn(cluster.answer_summary or "the agency's answer")
    return f"<{link}|{summary}>" if link else summary


def suggested_reply(ctx: Ctx, post_id: int) -> dict[str, Any] | None:
    """A block suggesting the agency's answer when the post asks an answered question."""
    cluster = Questions(ctx.engine).cluster_of(ctx.team_id, post_id)
    if cluster is None or cluster.answer_url is None:
        return None
    return bk.section(
        f":bulb: *Suggested reply* (this asks question #{cluster.id}, already answered): "
        f"{answer_link(cluster)}"
    )


def before_after(ctx: Ctx, cluster: QuestionCluster, end: datetime) -> tuple[int, int, timedelta]:
    """Posts in equal windows before and after the answer (the window ends by `end`)."""
    assert cluster.id is not None
    assert cluster.answered_at is not None
    span = min(max(end - cluster.answered_at, timedelta(hours=1)), COMPARE_MAX)
    at = cluster.answered_at
    store = Questions(ctx.engine)
    before = store.count_between(ctx.team_id, cluster.id, at - span, at)
    after = store.count_between(ctx.team_id, cluster.id, at, at + span)
    return before, after, span


def digest_lines(ctx: Ctx, period: Period) -> list[str]:
    """ "Questions residents asked": unanswered first, answered with volume before/after."""
    rows = Questions(ctx.engine).figures(ctx.team_id, period.start, period.end, limit=25)
    if not rows:
        return []
    rows.sort(key=lambda r: (r.cluster.answer_url is not None, -r.posts))
    lines = ["*Questions residents asked*"]
    for row in rows[:DIGEST_QUESTIONS]:
        cluster = row.cluster
        who = f", {row.authors:,} authors" if row.authors else ""
        line = f"• #{cluster.id} “{bk.escape_mrkdwn(cluster.text)}”: {row.posts:,} posts{who}"
        if cluster.answer_url is None or cluster.answered_at is None:
            line += " · :grey_question: not answered yet"
        else:
            before, after, span = before_after(ctx, cluster, period.end)
            hours = round(span.total_seconds() / 3600)
            line += (
                f" · :white_check_mark: answered {cluster.answered_at:%d %b %H:%M} UTC "
                f"({answer_link(cluster)}): {before:,} posts in the {hours}h before, "
                f"{after:,} in the {hours}h after"
            )
        lines.append(line)
    if any(r.cluster.answer_url is None for r in rows[:DIGEST_QUESTIONS]):
        lines.append('_Answer one with `/earshot questions answer N https://… "summary"`._')
    return ["\n".join(lines)]


def spreading_reply(
    ctx: Ctx, cluster: QuestionCluster, recent: int, before: int, authors: int, minutes: int
) -> Reply:
    """The alert for a question cluster that grows fast, with the usual buttons."""
    assert cluster.id is not None
    headline = (
        f"New question spreading: “{cluster.text}” {recent:,} posts in {minutes} min "
        f"({before:,} in the {minutes} min before)"
    )
    body = f":rotating_light: *{bk.escape_mrkdwn(headline)}*, {authors:,} authors."
    if cluster.answer_url:
        body += f"\nAlready answered: {answer_link(cluster)}"
    else:
        body += f'\nAnswer it: `/earshot questions answer {cluster.id} https://… "summary"`'
    value = str(cluster.id)
    blocks = [
        bk.section(body),
        bk.actions(
            bk.button("Acknowledge", "question_ack", value, style="primary"),
            bk.button("Mute 24h", "question_mute_24h", value),
            bk.button("Show posts", "question_posts", value),
            block_id=f"question-{cluster.id}",
        ),
    ]
    return Reply(text=headline, blocks=blocks, data={"cluster": cluster.id, "posts": recent})


def _cluster(ctx: Ctx, cluster_id: int) -> QuestionCluster:
    cluster = Questions(ctx.engine).get(ctx.team_id, cluster_id)
    if cluster is None:
        raise UsageError("That question no longer exists in this workspace.")
    return cluster


def acknowledge(ctx: Ctx, cluster_id: int) -> Reply:
    cluster = _cluster(ctx, cluster_id)
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="question.acknowledge",
        target=str(cluster_id),
        now=ctx.now,
    )
    text = (
        f":white_check_mark: Question #{cluster.id} “{cluster.text}” spreading: "
        f"acknowledged by <@{ctx.user_id}> at {ctx.now:%H:%M} UTC."
    )
    return Reply(text=text, blocks=[bk.section(bk.escape_mrkdwn(text))])


def mute(ctx: Ctx, cluster_id: int, hours: int = 24) -> Reply:
    cluster = _cluster(ctx, cluster_id)
    until = ctx.now + timedelta(hours=hours)
    Questions(ctx.engine).update(ctx.team_id, cluster_id, muted_until=until)
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="question.mute",
        target=str(cluster_id),
        now=ctx.now,
        hours=hours,
    )
    return Reply(
        text=f"No spreading alerts for question #{cluster.id} until {until:%d %b %H:%M} UTC.",
        ephemeral=True,
    )
