"""News bodies become HTML without letting any HTML of the author through."""

import html

from hypothesis import given
from hypothesis import strategies as st

from siaga.public.markup import plain, render


def test_paragraphs_headings_lists_bold_and_links():
    out = render("Pembukaan **penting**.\n\n## Jadwal\n\n- H-5: PPK\n- H-1: KPPS\n\n"
                 "Info: https://kpu.go.id.")
    assert "<p>Pembukaan <strong>penting</strong>.</p>" in out
    assert "<h2>Jadwal</h2>" in out
    assert "<ul><li>H-5: PPK</li><li>H-1: KPPS</li></ul>" in out
    assert '<a href="https://kpu.go.id" rel="nofollow noopener">https://kpu.go.id</a>.' in out


def test_html_written_by_the_author_is_shown_as_text():
    out = render('<script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out


def test_a_link_cannot_break_out_of_its_attribute():
    out = render('https://x.example/"onmouseover="alert(1)')
    assert 'href="https://x.example/&quot;onmouseover=&quot;alert(1' in out


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_no_tag_but_ours_ever_appears(text):
    out = render(text)
    tags = {chunk.split(">")[0].split(" ")[0] for chunk in out.split("<")[1:]}
    assert tags <= {"p", "/p", "br", "h2", "/h2", "ul", "/ul", "li", "/li", "strong", "/strong",
                    "a", "/a"}


@given(st.text(alphabet=st.sampled_from("ab <>&\"'\n"), max_size=80))
def test_the_text_survives_apart_from_the_marks(text):
    out = render(text)
    visible = html.unescape(out.replace("<br>", "\n").replace("<p>", "").replace("</p>", "\n"))
    assert "".join(visible.split()) == "".join(text.split())


def test_the_summary_drops_marks_and_ends_at_a_word():
    assert plain("## Judul\n\n- satu **dua** tiga", 200) == "Judul satu dua tiga"
    assert plain("kata " * 100, 22) == "kata kata kata kata …"
