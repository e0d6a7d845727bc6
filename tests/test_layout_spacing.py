"""Word breaks from a page's own evidence: a page that writes its spaces as glyphs breaks words only there."""

from __future__ import annotations

from extract.layout.spacing import GLYPH_PAGE_WORD_GAP_EM, WordBreaks, word_breaks


def glyphs(words: list[str], gap_after: dict[int, float] | None = None, size: float = 9.0, space_glyphs: bool = True) -> list[dict]:
    """Chars of one line: letters 5 pt wide, a space glyph (or a bare 2.5 pt gap) between words, extra gaps inside words."""
    chars, x = [], 10.0
    gap_after = gap_after or {}
    position = 0
    for number, word in enumerate(words):
        if number:
            if space_glyphs:
                chars.append({"text": " ", "x0": x, "x1": x + 2.5, "top": 100.0, "size": size})
            x += 2.5
        for letter in word:
            chars.append({"text": letter, "x0": x, "x1": x + 5.0, "top": 100.0, "size": size})
            x += 5.0 + gap_after.get(position, 0.0)
            position += 1
    return chars


SENTENCE = "the trial found no difference in adverse events between the groups at twelve months".split()


def test_a_page_that_writes_its_spaces_breaks_words_only_at_them() -> None:
    # 3.6 pt of extra advance after the "v" of "adverse": wider than the page's 2.5 pt word space
    artifact = {sum(len(w) for w in SENTENCE[:6]) + 2: 3.6}
    breaks = word_breaks(glyphs(SENTENCE, artifact))
    assert breaks.by_glyph and breaks.bare_gaps == 1
    assert breaks.word_gap_em() == GLYPH_PAGE_WORD_GAP_EM and 3.6 < GLYPH_PAGE_WORD_GAP_EM * 9.0


def test_a_page_without_space_glyphs_keeps_breaking_at_gaps() -> None:
    breaks = word_breaks(glyphs(SENTENCE, space_glyphs=False))
    assert not breaks.by_glyph and breaks.spaces == 0 and breaks.bare_gaps == len(SENTENCE) - 1
    assert breaks.word_gap_em() is None


def test_too_few_spaces_say_nothing_and_column_gaps_do_not_count() -> None:
    assert not WordBreaks(spaces=3, bare_gaps=0).by_glyph
    wide = glyphs(["Smith", "Placebo"], gap_after={4: 30.0})
    assert word_breaks(wide).bare_gaps == 0
