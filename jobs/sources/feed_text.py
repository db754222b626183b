"""A feed's bytes to text, the way browsers read XML, before feedparser sees it.

Which encoding: a byte-order mark, else the charset of the HTTP Content-Type, else the XML
declaration, else detection (RFC 7303 and the WHATWG encoding standard; a BOM is
unambiguous, so it wins over a header that disagrees). Labels are read as browsers read
them: `iso-8859-1` and `us-ascii` mean windows-1252, and `us-ascii` (the old RFC 3023 default
for text/xml) is never trusted over the bytes.

A UTF-8 feed with a stray windows-1252 byte (a pasted curly quote) is common. Decoding the
document again in another encoding, as feedparser does, spoils every other item; here only
the bad bytes are read as windows-1252 and the rest stays UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_PROLOG_TEXT = re.compile(r"""^\s*(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_TRAILING_MISC = re.compile(r"(?:\s+|<!--.*?-->|<\?.*?\?>|\x00+)$", re.DOTALL)
_WINDOWS_1252 = "cp1252"
# Browsers read these labels as windows-1252 (WHATWG encoding standard).
_AS_1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819"})
_UNTRUSTED = frozenset({"us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968"})
_ESCAPED = re.compile("[\udc80-\udcff]+")


def _byte_as_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode(_WINDOWS_1252)
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned: keep Latin-1
        return chr(byte)


_REPAIR = [_byte_as_1252(byte) for byte in range(256)]


@dataclass(frozen=True, slots=True)
class DecodedFeed:
    text: str
    encoding: str
    repaired_bytes: int = 0


def decode_feed(content: bytes, content_type: str | None) -> DecodedFeed:
    """Decode a feed's bytes; never fails (undecodable bytes become U+FFFD)."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return DecodedFeed(content[len(bom) :].decode(encoding, "replace"), encoding)
    declared = _usable(_header_charset(content_type)) or _usable(_prolog_charset(content))
    if declared is not None and declared != "utf-8":
        return DecodedFeed(content.decode(declared, "replace"), declared)
    text, repaired, multibyte = _utf8_repairing(content)
    if declared == "utf-8" or not repaired or multibyte:
        return DecodedFeed(text, "utf-8", repaired)
    guess = charset_normalizer.from_bytes(content).best()  # no label and not UTF-8: detect
    encoding = _usable(guess.encoding if guess else None) or _WINDOWS_1252
    return DecodedFeed(content.decode(encoding, "replace"), encoding)


def for_parser(text: str) -> bytes:
    """UTF-8 bytes for feedparser: declaration says utf-8, no junk around the root element.

    Real feeds start with a blank line (illegal before `<?xml`) and end with a cache comment
    (`<!-- ph=1 -->`); neither says anything about whether the feed is complete.
    """
    body = _PROLOG_TEXT.sub(r'\1 encoding="utf-8"', text.lstrip(), count=1)
    return body.encode("utf-8", "replace")


def strip_trailing_misc(text: str) -> str:
    """The document without comments, processing instructions and whitespace at its end."""
    while True:
        stripped = _TRAILING_MISC.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _utf8_repairing(content: bytes) -> tuple[str, int, int]:
    """UTF-8 with each invalid byte read as windows-1252: (text, repaired, multibyte chars)."""
    text = content.decode("utf-8", "surrogateescape")
    repaired = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal repaired
        repaired += len(match.group())
        return "".join(_REPAIR[ord(char) - 0xDC00] for char in match.group())

    text = _ESCAPED.sub(fix, text)
    return text, repaired, _count_multibyte(content) if repaired else 0


def _count_multibyte(content: bytes) -> int:
    """UTF-8 sequences of two or more bytes that decode correctly (a sign the text is UTF-8)."""
    strict = content.decode("utf-8", "surrogateescape")
    return sum(1 for char in strict if ord(char) > 0x7F and not 0xDC80 <= ord(char) <= 0xDCFF)


def _header_charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _prolog_charset(content: bytes) -> str | None:
    match = _PROLOG.match(content[:512])
    return match.group(1).decode("ascii") if match else None


def _usable(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None if unknown or not to be trusted."""
    if not label:
        return None
    lowered = label.strip().lower()
    if lowered in _UNTRUSTED:
        return None
    if lowered in _AS_1252:
        return _WINDOWS_1252
    try:
        name = codecs.lookup(lowered).name
    except LookupError:
        return None
    return "utf-8" if name in ("utf-8", "utf_8") else name
