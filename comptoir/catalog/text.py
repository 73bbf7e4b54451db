"""Text normalisation shared by the search index and the search query: accent folding,
tokenising, stop words and Snowball stemming per catalogue language.

The index and the query go through exactly the same steps, so "Éléphants" in a title and
"elephant" typed by a buyer both become the token ``eleph``.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

STEMMER_LANGUAGES = {
    "fr": "french", "es": "spanish", "en": "english", "de": "german", "it": "italian", "pt": "portuguese", "nl": "dutch",
}

# Small, deliberate stop-word lists: words that would otherwise make a query require them.
STOP_WORDS = {
    "fr": frozenset("le la les l de des du d un une et ou en a au aux pour par avec sur sans".split()),
    "es": frozenset("el la los las de del un una unos unas y o en a al para por con sin sobre".split()),
    "en": frozenset("the a an of and or for with in on to by without".split()),
    # folded like the text ("für" → "fur")
    "de": frozenset("der die das den dem des ein eine einer eines einem einen und oder fur mit im auf aus von zu zum zur ohne bei".split()),
    "it": frozenset("il lo la i gli le un uno una di del della dei delle degli e o in a al alla per con su senza da".split()),
    "pt": frozenset("o a os as um uma uns umas de do da dos das e ou em no na nos nas para por com sem ao".split()),
    "nl": frozenset("de het een en of van voor met in op aan zonder bij te".split()),
}

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 8
MAX_TOKEN_CHARS = 40

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_SPECIAL = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "ł": "l", "Ł": "l"})


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Éléphant Œuvre' -> 'elephant oeuvre'."""
    text = text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


@lru_cache(maxsize=8)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMER_LANGUAGES.get(language, "english"))


_STEM_CACHE: dict[str, dict[str, str]] = {lang: {} for lang in STEMMER_LANGUAGES}


def stem(token: str, language: str) -> str:
    cache = _STEM_CACHE.setdefault(language, {})
    stemmed = cache.get(token)
    if stemmed is None:
        stemmed = _stemmer(language).stemWord(token)
        if len(cache) < 200_000:
            cache[token] = stemmed
    return stemmed


def analyse(text: str, language: str) -> list[str]:
    """Tokens of a document: folded, stop words removed, stemmed in `language`."""
    return list(_analyse_cached(text, language))


def _analyse(text: str, language: str) -> tuple[str, ...]:
    stops = STOP_WORDS.get(language, frozenset())
    cache = _STEM_CACHE.setdefault(language, {})
    out = []
    for token in _TOKEN_RE.findall(fold(text)):
        if token in stops:
            continue
        stemmed = cache.get(token)
        out.append(stemmed if stemmed is not None else stem(token, language))
    return tuple(out)


# repeated strings (brands, category labels, boilerplate descriptions) are analysed once
_analyse_cached = lru_cache(maxsize=20_000)(_analyse)


# raw word (as split on spaces) -> its analysed tokens joined by spaces ("" for a stop
# word or punctuation), per language. Documents repeat a small vocabulary, so indexing a
# catalogue analyses each distinct word once instead of folding and stemming every occurrence.
_WORD_CACHE: dict[str, dict[str, str]] = {lang: {} for lang in STEMMER_LANGUAGES}
_WORD_CACHE_MAX = 500_000


def analysed_text(text: str, language: str) -> str:
    """``" ".join(analyse(text, language))``, memoised per space-separated word.

    Equivalent to analysing the whole text: folding is per character (a space stays a space,
    and combining marks never reorder across it) and the tokeniser splits on spaces, so the
    tokens of the text are the tokens of its words in order. (Only the ASCII space: other
    whitespace such as U+0085 is dropped by folding and would join its neighbours.)"""
    cache = _WORD_CACHE.setdefault(language, {})
    out = []
    for word in text.split(" "):
        tokens = cache.get(word)
        if tokens is None:
            tokens = " ".join(_analyse(word, language))
            if len(cache) < _WORD_CACHE_MAX:
                cache[word] = tokens
        if tokens:
            out.append(tokens)
    return " ".join(out)


def query_tokens(query: str | None, language: str) -> list[str]:
    """Tokens of a buyer query, capped in length and number; never raises.

    Only [a-z0-9] survive folding, so quotes, '*', '-', parentheses and SQL fragments are
    gone; operator words (NEAR, OR, AND, NOT) become plain lower-case tokens that the
    backends quote as literals.
    """
    if not query:
        return []
    stops = STOP_WORDS.get(language, frozenset())
    out: list[str] = []
    for token in _TOKEN_RE.findall(fold(query[:MAX_QUERY_CHARS])):
        if token in stops:
            continue
        token = stem(token[:MAX_TOKEN_CHARS], language)
        if token and token not in out:
            out.append(token)
        if len(out) >= MAX_QUERY_TOKENS:
            break
    return out


def plain_query(query: str | None) -> str:
    """The buyer query reduced to folded words separated by spaces (for PostgreSQL)."""
    if not query:
        return ""
    words = _TOKEN_RE.findall(fold(query[:MAX_QUERY_CHARS]))
    return " ".join(w[:MAX_TOKEN_CHARS] for w in words[: MAX_QUERY_TOKENS * 2])
