"""Boolean query language for topics and campaigns, and the matcher that runs all of them.

Syntax (case-insensitive matching): `flood` (the word or #flood, not "floods"), `flood*`
(words and hashtags starting with "flood"; at least 3 characters before `*`), `#abflood`
(that hashtag only), `@cityofcalgary` (that mention only), `"boil water"` (consecutive
words), space or `AND`, `OR`, `NOT x` or `-x`, parentheses, `a NEAR/n b` (at most n words
between a and b, either order; NEAR/0 means adjacent), and the fields `lang:en` (also
en-US), `source:mastodon` (source kind or name), `site:cbc.ca` (links to cbc.ca or its
subdomains) and `author:name` (leading @ optional). Field values may be quoted.
Precedence: NOT > NEAR > AND > OR.

Choices the spec left open:
- Operators must be uppercase: lowercase `or`, `and`, `not` are ordinary words
  (`NEAR/n` is recognized in any case, since "near/3" is never meant as words).
- A post's tokens are maximal runs of letters, digits and underscores. Every token takes a
  position, hashtags and mentions included; URLs are dropped and take none. A phrase word
  matches the word or the same hashtag ("boil #water"), never a mention, so a mention
  between two words breaks a phrase.
- A query word that the tokenizer splits ("covid-19", "don't") becomes a phrase.
- NEAR sides are words, phrases, hashtags, NEARs or ORs of those; a NEAR's own positions
  are those of the side matches that were near each other, so NEARs can be chained.
- A query that matches a post with no words and no fields is rejected as only negative.
"""

from commands.query.errors import QueryError
from commands.query.matcher import REMEMBERED_TEXTS, Matcher, compile_matcher
from commands.query.parsed import Query, parse, query_terms
from commands.query.post import AnalyzedPost, Document, analyze
from commands.query.text import words

__all__ = [
    "REMEMBERED_TEXTS",
    "AnalyzedPost",
    "Document",
    "Matcher",
    "Query",
    "QueryError",
    "analyze",
    "compile_matcher",
    "parse",
    "query_terms",
    "words",
]
