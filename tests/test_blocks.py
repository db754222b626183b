"""Block Kit builders: every limit is enforced, and post text cannot inject markup."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block as SdkBlock

from commands import blocks as bk
from tests.fakes.slack_blocks import block_kit_problems


def assert_valid(*built: dict[str, Any]) -> None:
    """Two independent judges: the fake Slack's checks and slack_sdk's own validators."""
    assert block_kit_problems(list(built)) == []
    for block in built:
        parsed = SdkBlock.parse(block)
        assert parsed is not None
        parsed.validate_json()


def test_escape_mrkdwn_makes_mentions_and_links_inert() -> None:
    hostile = "hi <!channel> <@U123> <http://evil.example|click> & <!here>"
    escaped = bk.escape_mrkdwn(hostile)
    assert escaped == (
        "hi &lt;!channel&gt; &lt;@U123&gt; &lt;http://evil.example|click&gt; &amp; &lt;!here&gt;"
    )
    assert "<" not in escaped
    assert ">" not in escaped


def test_truncate_adds_an_ellipsis_only_when_cutting() -> None:
    assert bk.truncate("short", 10) == "short"
    assert bk.truncate("exactly10!", 10) == "exactly10!"
    cut = bk.truncate("abcdefghijk", 10)
    assert cut == "abcdefghi…"
    assert len(cut) == 10


def test_truncate_mrkdwn_never_leaves_half_a_link_or_entity() -> None:
    text = "see " + "<https://example.gov/a|report>" + " now"
    cut = bk.truncate_mrkdwn(text, 15)
    assert cut == "see…"
    assert bk.truncate_mrkdwn("a &amp; b &lt;x", 13) == "a &amp; b…"


def test_header_is_plain_text_one_line_and_at_most_150() -> None:
    block = bk.header("Spike:\n" + "x" * 300)
    text = block["text"]["text"]
    assert block["text"]["type"] == "plain_text"
    assert len(text) == 150
    assert text.startswith("Spike: x")
    assert text.endswith("…")
    assert_valid(block)
    with pytest.raises(ValueError, match="empty"):
        bk.header(" \n\x07 ")


def test_section_enforces_text_and_field_limits() -> None:
    block = bk.section("s" * 5000, fields=[f"*f{n}*\n" + "v" * 2500 for n in range(14)])
    assert len(block["text"]["text"]) == 3000
    assert len(block["fields"]) == 10
    assert all(len(field["text"]) == 2000 for field in block["fields"])
    assert block["fields"][9]["text"].startswith("*f9*")
    assert_valid(block)


def test_section_with_fields_only_and_empty_section() -> None:
    block = bk.section("", fields=["*Mentions*\n412", " "])
    assert "text" not in block
    assert [field["text"] for field in block["fields"]] == ["*Mentions*\n412"]
    assert_valid(block)
    with pytest.raises(ValueError, match="text or at least one field"):
        bk.section("  ", fields=[""])


def test_context_keeps_ten_elements() -> None:
    block = bk.context(*[f"note {n}" for n in range(12)], "")
    assert [e["text"] for e in block["elements"]] == [f"note {n}" for n in range(10)]
    assert_valid(block, bk.divider())


def test_buttons_and_actions_respect_limits() -> None:
    confirm = bk.confirm_dialog("Mute " + "t" * 200, "x" * 400, "Mute", "Keep")
    mute = bk.button("Mute for one hour " + "!" * 80, "alert_mute_1h", "42", "danger", confirm)
    assert len(mute["text"]["text"]) == 75
    assert (mute["style"], mute["value"], mute["action_id"]) == ("danger", "42", "alert_mute_1h")
    assert len(confirm["title"]["text"]) == 100
    assert len(confirm["text"]["text"]) == 300
    many = [bk.button(f"b{n}", f"act_{n}", str(n)) for n in range(30)]
    block = bk.actions(mute, *many, block_id="alert_7")
    assert len(block["elements"]) == 25
    assert block["elements"][0] is mute
    assert block["block_id"] == "alert_7"
    assert_valid(block)


def test_identifiers_are_refused_rather_than_silently_shortened() -> None:
    with pytest.raises(ValueError, match="action_id"):
        bk.button("Ack", "a" * 256, "1")
    with pytest.raises(ValueError, match="action_id"):
        bk.button("Ack", "", "1")
    with pytest.raises(ValueError, match="value"):
        bk.button("Ack", "alert_ack", "v" * 2001)
    with pytest.raises(ValueError, match="block_id"):
        bk.actions(bk.button("Ack", "alert_ack", "1"), block_id="b" * 256)
    with pytest.raises(ValueError, match="at least one element"):
        bk.actions()
    assert len(bk.button("Ack", "a" * 255, "v" * 2000)["value"]) == 2000


def test_limit_blocks_trims_with_a_note() -> None:
    many = [bk.section(f"post {n}") for n in range(120)]
    trimmed = bk.limit_blocks(many)
    assert len(trimmed) == 50
    assert trimmed[48]["text"]["text"] == "post 48"
    assert trimmed[-1] == bk.context("…71 more not shown")
    assert_valid(*trimmed)
    assert bk.limit_blocks(many[:50]) == many[:50]
    assert len(bk.limit_blocks(many, max=100)) == 100


def test_quote_post_links_only_safe_urls() -> None:
    quote = bk.quote_post(
        "Water main <b>burst</b> on 5th & Main", "https://news.example.gov/a?b=1&c=2"
    )
    assert quote == (
        "“Water main &lt;b&gt;burst&lt;/b&gt; on 5th &amp; Main” "
        "<https://news.example.gov/a?b=1&amp;c=2|news.example.gov>"
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.gov/x",
        "https://evil.example/x|Official notice",
        "https://evil.example/x>extra",
        "https://evil.example/<x",
        "https://evil.example/a b",
        "https://evil.example/\nx",
        "/relative/path",
        "https://",
        "https://example.gov/" + "a" * 3000,
    ],
)
def test_quote_post_drops_unsafe_links(url: str) -> None:
    quote = bk.quote_post("text", url)
    assert quote == "“text”"


def test_quote_post_is_one_clean_line_of_bounded_length() -> None:
    hostile = "line one\nline two\r\n\t<!channel>\x00\x1b[31m \u202eevil\u202c " + "z" * 500
    quote = bk.quote_post(hostile, None, limit=60)
    assert "\n" not in quote
    assert "\x00" not in quote
    assert "\x1b" not in quote
    assert "\u202e" not in quote
    assert quote.startswith("“line one line two &lt;!channel&gt;[31m evil z")
    assert quote.endswith("…”")
    assert bk.quote_post(" \n ", None) == "_(no text)_"


URLS = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.text(max_size=80).map(lambda path: "https://example.gov/" + path),
)


@given(text=st.text(max_size=400), url=URLS)
def test_quote_post_output_never_contains_live_markup(text: str, url: str | None) -> None:
    quote = bk.quote_post(text, url, limit=100)
    body, linked, link = quote.partition(" <https://example.gov/")
    assert "<" not in body
    assert ">" not in body
    assert "\n" not in quote
    if linked:
        assert link.endswith("|example.gov>")
        assert link.count("|") == 1
        assert link.count(">") == 1
    assert_valid(bk.section(quote))
