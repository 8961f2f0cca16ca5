"""Related news items: shared tags and similar words (pure: no Django).

Each item is scored against the one being read by the tags they share (Jaccard overlap) and by
the cosine similarity of their TF-IDF word vectors over title and body, the title counted
twice because it says what the item is about. Common Indonesian function words are dropped
first, so two items do not look alike for both using "yang" and "dan".
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# A short list of Indonesian function words (and a few words every item of a regency's news
# shares); enough to keep them from dominating short texts.
_STOPWORD_TEXT = """
ada adalah agar akan aku anda antara apa atas atau bagi bahwa bagaimana banyak baru belum
berbagai bersama bisa boleh bukan dalam dan dapat dari demikian dengan di dia hal hanya harus
hingga ia ini itu jadi jika juga kami kamu karena ke kecuali kembali kepada ketika kita lagi
lain lebih maka masih mereka meski mulai namun oleh pada para per perlu pula saat saja sama
sampai sangat satu saya sebagai sebelum sedang sehingga sejak selama seluruh semua sendiri
seperti serta setelah setiap sudah tahun tak tanpa telah tempat tentang tersebut tetapi tidak
untuk wib yaitu yakni yang
kabupaten kecamatan desa warga masyarakat sintetis contoh
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

TAG_WEIGHT = 0.5
TEXT_WEIGHT = 0.5


@dataclass(frozen=True)
class Doc:
    """One item: its id, tags (slugs) and words."""

    id: int
    title: str
    body: str
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Related:
    id: int
    score: float
    shared_tags: tuple[str, ...]


def words(text: str) -> list[str]:
    """Lower-case words of two letters or more, without numbers and stopwords."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def tfidf_matrix(docs: Sequence[Doc]) -> np.ndarray:
    """Rows of unit-length TF-IDF vectors (title twice, then body); a row with no words is 0."""
    bags = [Counter(words(d.title) * 2 + words(d.body)) for d in docs]
    vocabulary = {w: i for i, w in enumerate(sorted({w for bag in bags for w in bag}))}
    matrix = np.zeros((len(docs), len(vocabulary)))
    for row, bag in enumerate(bags):
        for word, count in bag.items():
            matrix[row, vocabulary[word]] = 1.0 + math.log(count)  # sublinear term frequency
    if vocabulary:
        df = np.count_nonzero(matrix, axis=0)
        matrix *= np.log((1 + len(docs)) / (1 + df)) + 1.0  # smoothed IDF
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def tag_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two tag sets (0 when either has none)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def related(target_id: int, docs: Sequence[Doc], limit: int = 3,
            minimum: float = 0.05) -> list[Related]:
    """The `limit` items most like `target_id` among `docs`, best first, each scoring at least
    `minimum` (0..1: half shared tags, half text similarity). Ties go to the newer item, that is
    the one listed first in `docs`."""
    index = {d.id: i for i, d in enumerate(docs)}
    if target_id not in index or limit <= 0:
        return []
    matrix = tfidf_matrix(docs)
    t = index[target_id]
    text = np.clip(matrix @ matrix[t], 0.0, 1.0) if matrix.size else np.zeros(len(docs))
    target_tags = docs[t].tags
    scored = []
    for i, doc in enumerate(docs):
        if i == t:
            continue
        score = TAG_WEIGHT * tag_overlap(target_tags, doc.tags) + TEXT_WEIGHT * float(text[i])
        if score >= minimum:
            scored.append((-round(score, 12), i, Related(doc.id, score,
                                                         tuple(sorted(target_tags & doc.tags)))))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [r for _, _, r in scored[:limit]]
