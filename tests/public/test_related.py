"""Related items: shared tags and similar words, Indonesian function words ignored."""

import math

from hypothesis import given
from hypothesis import strategies as st

from siaga.public.related import Doc, related, tag_overlap, tfidf_matrix, words

LOGISTIK = Doc(1, "Distribusi logistik ke PPK", "Kotak suara dan surat suara dikirim ke PPK "
               "dengan truk dan klotok.", frozenset({"logistik"}))
LOGISTIK_2 = Doc(2, "Logistik tiba di gudang KPU", "Kotak suara, bilik suara dan tinta tiba "
                 "di gudang. Surat suara disortir.", frozenset({"logistik"}))
SIMULASI = Doc(3, "Simulasi penghitungan suara", "KPPS berlatih menghitung suara lima jenis "
               "surat suara.", frozenset({"simulasi", "kpps"}))
APEL = Doc(4, "Apel pengamanan TPS", "Polres, Kodim dan Linmas mengikuti apel kesiapan.",
           frozenset({"pengamanan"}))
DOCS = [LOGISTIK, LOGISTIK_2, SIMULASI, APEL]


def test_indonesian_function_words_and_numbers_are_not_words():
    assert words("Yang 2024 dan di TPS 003 untuk pemilih") == ["tps", "pemilih"]


def test_the_item_sharing_tag_and_words_comes_first():
    found = related(1, DOCS)
    assert [r.id for r in found][:1] == [2]
    assert found[0].shared_tags == ("logistik",)


def test_an_item_with_nothing_in_common_is_not_related():
    assert 4 not in [r.id for r in related(1, DOCS)]


def test_the_item_itself_is_never_related_and_unknown_items_have_none():
    assert all(r.id != 1 for r in related(1, DOCS))
    assert related(99, DOCS) == []


def test_a_shared_tag_outranks_the_same_text_without_it():
    target = Doc(1, "Rapat koordinasi", "Rapat koordinasi Forkopimda", frozenset({"koordinasi"}))
    tagged = Doc(2, "Rapat lanjutan", "Rapat lanjutan", frozenset({"koordinasi"}))
    untagged = Doc(3, "Rapat lanjutan", "Rapat lanjutan", frozenset())
    assert [r.id for r in related(1, [target, untagged, tagged])] == [2, 3]


def test_limit_is_respected():
    assert len(related(1, DOCS, limit=1)) == 1
    assert related(1, DOCS, limit=0) == []


texts = st.text(alphabet=st.sampled_from("abcdeklmnoprstu "), max_size=40)
tagsets = st.frozensets(st.sampled_from(["a", "b", "c", "d"]), max_size=3)
docs_strategy = st.lists(st.tuples(texts, texts, tagsets), min_size=1, max_size=8).map(
    lambda rows: [Doc(i + 1, t, b, g) for i, (t, b, g) in enumerate(rows)])


@given(docs_strategy)
def test_scores_lie_between_0_and_1_and_come_best_first(docs):
    found = related(docs[0].id, docs, limit=10)
    scores = [r.score for r in found]
    assert all(0 <= s <= 1 + 1e-9 for s in scores)
    assert scores == sorted(scores, reverse=True)


@given(docs_strategy)
def test_similarity_is_symmetric(docs):
    all_scores = {d.id: {r.id: r.score for r in related(d.id, docs, limit=10, minimum=0)}
                  for d in docs}
    for a, scores in all_scores.items():
        for b, score in scores.items():
            assert math.isclose(score, all_scores[b][a], abs_tol=1e-9)


@given(docs_strategy)
def test_every_row_of_the_tfidf_matrix_has_length_one_or_zero(docs):
    norms = [float((row ** 2).sum()) ** 0.5 for row in tfidf_matrix(docs)]
    assert all(math.isclose(n, 1.0) or n == 0 for n in norms)


@given(tagsets, tagsets)
def test_tag_overlap_is_symmetric_and_one_only_for_equal_sets(a, b):
    assert tag_overlap(a, b) == tag_overlap(b, a)
    assert (tag_overlap(a, b) == 1.0) == (bool(a) and a == b)
