"""Words out of text, the same way for the index and for queries.

Chinese runs are segmented by jieba (dictionary only, no HMM guessing, so that a word is cut
the same way in a document and in a query) with the trade's words added from
`trade_words.txt`; the index side keeps jieba's search-mode sub-words too ("摄像头" also gives
"摄像"), the query side the words as typed. Latin runs are lower-cased; English words are
stemmed (Snowball); codes such as serial numbers, model names and IP addresses are kept whole
and in their parts ("DS-2CD3T46" gives "ds-2cd3t46", "ds", "2cd3t46").

A query is a list of groups: each group is a word of the query with its synonyms, each
synonym a tuple of tokens that must all be present."""

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import jieba
import snowballstemmer

jieba.setLogLevel(logging.WARNING)
TRADE_WORDS = Path(__file__).resolve().parent / "trade_words.txt"
MAX_QUERY_CHARS = 200
MAX_QUERY_GROUPS = 12
MAX_TOKEN_LENGTH = 60

_RUNS = re.compile(
    r"(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<code>[A-Za-z0-9]+(?:[-._/:][A-Za-z0-9]+)*)"
)
_PARTS = re.compile(r"[-._/:]")

# Words too common to tell documents apart. Chinese function words, English ones.
_STOPWORDS_TEXT = (
    "的 了 是 在 和 与 及 或 也 都 就 把 被 请 吗 呢 啊 吧 着 过 之 其 该 此 这 那 有 为 对 "
    "a an and are as at be by for from has have in is it its of on or that the this to was "
    "were will with"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_lock = threading.Lock()


@cache
def _stemmer():
    return snowballstemmer.stemmer("english")


@cache
def _segmenter() -> jieba.Tokenizer:
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.load_userdict(str(TRADE_WORDS))
        return tokenizer


def _latin(run: str) -> Iterator[str]:
    word = run.lower()[:MAX_TOKEN_LENGTH]
    parts = [p for p in _PARTS.split(word) if p]
    if len(parts) > 1:
        yield word
        for part in parts:
            yield from _latin(part)
        return
    if word in STOPWORDS:
        return
    if word.isalpha():
        yield _stemmer().stemWord(word)
    else:
        yield word


def tokens(text: str, *, for_query: bool = False) -> list[str]:
    """The tokens of `text` in order. Documents get search-mode sub-words as well. Short
    texts repeat a lot ("已电话联系客户"): their tokens are remembered."""
    if len(text or "") <= 200:
        return list(_tokens_cached(text or "", for_query))
    return list(_tokens(text, for_query))


@lru_cache(maxsize=50_000)
def _tokens_cached(text: str, for_query: bool) -> tuple[str, ...]:
    return tuple(_tokens(text, for_query))


def _tokens(text: str, for_query: bool) -> Iterator[str]:
    segmenter = _segmenter()
    for match in _RUNS.finditer(text or ""):
        cjk = match.group("cjk")
        if cjk is None:
            yield from _latin(match.group("code"))
            continue
        words = (
            segmenter.cut(cjk, HMM=False) if for_query else segmenter.cut_for_search(cjk, HMM=False)
        )
        for word in words:
            if word not in STOPWORDS:
                yield word[:MAX_TOKEN_LENGTH]


def is_single_cjk(token: str) -> bool:
    return len(token) == 1 and bool(_RUNS.fullmatch(token)) and not token.isascii()


# --- queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One word of a query: any of its alternatives (each a tuple of tokens, all needed)."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def tokens(self) -> set[str]:
        return {t for alternative in self.alternatives for t in alternative}


@dataclass(frozen=True)
class Query:
    groups: tuple[Group, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def tokens(self) -> set[str]:
        return {t for group in self.groups for t in group.tokens}


class Synonyms:
    """Groups of words that mean the same thing, as token tuples, ready for matching."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self.by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        for terms in groups:
            alternatives = []
            for term in terms:
                tokenized = tuple(tokens(term, for_query=True))
                if tokenized and tokenized not in alternatives:
                    alternatives.append(tokenized)
            if len(alternatives) < 2:
                continue
            index = len(self.groups)
            self.groups.append(tuple(alternatives))
            for alternative in alternatives:
                self.by_first.setdefault(alternative[0], []).append((alternative, index))
        for candidates in self.by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def match(self, words: list[str], at: int) -> tuple[int, tuple[tuple[str, ...], ...]] | None:
        """The longest synonym starting at `words[at]`: (its length, its group)."""
        for alternative, index in self.by_first.get(words[at], ()):
            if tuple(words[at : at + len(alternative)]) == alternative:
                return len(alternative), self.groups[index]
        return None


NO_SYNONYMS = Synonyms()


def parse_query(text: str, synonyms: Synonyms = NO_SYNONYMS) -> Query:
    """The groups of a query: each word with its synonyms. Single Chinese characters are
    dropped when the query has longer words (they are mostly particles, and a document's
    segmentation rarely leaves them alone)."""
    words = list(tokens((text or "")[:MAX_QUERY_CHARS], for_query=True))
    if any(not is_single_cjk(w) for w in words):
        words = [w for w in words if not is_single_cjk(w)]
    groups: list[Group] = []
    seen: set[tuple] = set()
    at = 0
    while at < len(words):
        found = synonyms.match(words, at)
        if found:
            length, alternatives = found
        else:
            length, alternatives = 1, ((words[at],),)
        at += length
        if alternatives not in seen:
            seen.add(alternatives)
            groups.append(Group(alternatives))
    return Query(tuple(groups[:MAX_QUERY_GROUPS]))
