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


# --- bare gaps judged with the lexicon, and the page's own widest word space -----------------


def test_bare_gaps_inside_a_token_keep_only_the_breaks_between_real_words() -> None:
    from extract.text.spacing import soft_gap_breaks

    assert soft_gap_breaks(["f", "iv", "e", "y", "ears"]) == (False, False, True, False)  # five years
    assert soft_gap_breaks(["of", "follow-up"]) == (True,)
    assert soft_gap_breaks(["therapy", "vs."]) == (True,)
    for name in (["Trembla", "y"], ["Lindq", "v", "ist"], ["Kowalcz", "yk"], ["G", "ynecol"], ["Ny", "borg"], ["Ay", "din"]):
        assert soft_gap_breaks(name) == (False,) * (len(name) - 1), name


def test_no_word_is_read_across_a_capital_after_a_small_letter() -> None:
    """A bold caption whose spaces pdfium reports as its own (Chromium): the capitals the joined
    pieces gain must not make the run of words read as one abbreviation."""
    from extract.text.spacing import soft_gap_breaks

    assert soft_gap_breaks(["Summary", "of", "Included", "Studies", "for", "Research", "Question"]) == (True,) * 6
    assert soft_gap_breaks(["Clinical", "Effectiveness"]) == (True,)
    assert soft_gap_breaks(["NY", "HA"]) == (False,)  # capitals after capitals: an abbreviation stays whole


def test_no_word_is_read_across_a_bracket() -> None:
    """Two cells a couple of points apart with no space glyph between them (LibreOffice's web
    layout): a year in brackets and the next cell's word are two tokens, though a token holding
    digits reads as printed; a name inside brackets is still closed up."""
    from extract.text.spacing import soft_gap_breaks

    assert soft_gap_breaks(["(2018)", "Prospectiv", "e"]) == (True, False)
    assert soft_gap_breaks(["Smith", "(2018)"]) == (True,)
    assert soft_gap_breaks(["(Ny", "borg)"]) == (False,)


def test_bare_gap_cuts_fall_where_a_glyph_leaves_word_width_blank() -> None:
    from extract.layout.spacing import bare_gap_cuts

    def glyph(text: str, x0: float) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + 4.0, "size": 9.0}

    word = [glyph("o", 0), glyph("f", 4.2), glyph("f", 11.5), glyph("o", 15.6)]  # 3.3 pt after the first f
    assert bare_gap_cuts(word) == [2]
    assert bare_gap_cuts(word[:2]) == []


def test_the_widest_word_space_is_learnt_from_the_pages_own_gaps() -> None:
    from extract.layout.spacing import MIN_GLYPH_SPACES, widest_word_space

    drawn = [2.5] * MIN_GLYPH_SPACES + [2.7]
    assert widest_word_space(drawn, [3.2, 3.3, 3.1]) == 2.7 + 3.3
    assert widest_word_space(drawn[:3], [3.2]) == 0.0  # too few drawn spaces to say
    assert widest_word_space(drawn, []) == 0.0  # no bare gaps: nothing beyond a drawn space


def test_a_drawn_space_is_a_word_space_short_of_a_column_gap() -> None:
    from extract.layout.spacing import drawn_word_space

    assert drawn_word_space(7.3, 9.0, 1)
    assert not drawn_word_space(7.3, 9.0, 0)
    assert not drawn_word_space(20.0, 9.0, 1)


def test_a_title_set_solid_is_one_block_and_a_line_drawn_over_another_is_not() -> None:
    """A large title's second line may reach into the first's box by a little (tight leading)."""
    from extract.layout.blocks import segments_to_blocks
    from extract.layout.lines import TextLine
    from extract.model import BBox
    from extract.settings import LayoutSettings

    first = TextLine("Intravenous iron for leg ulcers: Clinical", BBox(56, 158.1, 588, 177.9), 1, 20.0, False)
    second = TextLine("Effectiveness", BBox(56, 176.5, 204, 192.2), 1, 20.0, False)
    assert [len(block) for block in segments_to_blocks([first, second], LayoutSettings())] == [2]
    over = TextLine("Effectiveness", BBox(56, 165.0, 204, 180.0), 1, 20.0, False)  # half a line into the first
    assert [len(block) for block in segments_to_blocks([first, over], LayoutSettings())] == [1, 1]


# --- a space the producer left out, told from extra advance by the glyph before it -------------


def test_a_glyph_the_page_sets_tight_is_told_from_one_always_followed_by_extra_advance() -> None:
    from extract.layout.spacing import dropped_space, joins_bare_gap

    words = "the wave of events drove the vivid vote and the dead did vanish and tidied".split()
    # extra advance after every v, as some producers leave it; no space glyph between "and" and "tidied"
    artifact = {position: 3.6 for position, letter in enumerate("".join(words)) if letter == "v"}
    chars = glyphs(words, artifact)
    dropped = max(index for index, char in enumerate(chars) if char["text"] == " ")
    breaks = word_breaks(chars[:dropped] + chars[dropped + 1 :])
    assert breaks.by_glyph
    assert "d" in breaks.tight and "v" not in breaks.tight
    assert dropped_space(breaks, "d") and not dropped_space(breaks, "v")
    assert joins_bare_gap(breaks, 3.6, 9.0, "v") and not joins_bare_gap(breaks, 2.5, 9.0, "d")


def test_a_word_is_cut_at_a_left_out_space_whatever_the_lexicon_knows_of_its_parts() -> None:
    from extract.readers.words import cut_at_word_breaks

    def token(*parts: str) -> list[dict]:
        chars, x = [], 10.0
        for part in parts:
            for letter in part:
                chars.append({"text": letter, "x0": x, "x1": x + 5.0, "top": 100.0, "size": 9.0})
                x += 5.0
            x += 2.5
        return chars

    def read(chars: list[dict], tight: frozenset[str]) -> list[str]:
        return ["".join(c["text"] for c in word) for word in cut_at_word_breaks(chars, WordBreaks(12, 0, tight))]

    assert read(token("Table", "4:"), frozenset("e")) == ["Table", "4:"]
    assert read(token("zorbitide:", "trial"), frozenset()) == ["zorbitide:", "trial"]  # no word runs on after a colon
    assert read(token("and", "zorbitide"), frozenset("d")) == ["and", "zorbitide"]
    # after a glyph the page does not set tight, the lexicon judges: a name no lexicon knows stays one word
    assert read(token("Ny", "borg"), frozenset("e")) == ["Nyborg"]


def test_a_gap_between_figures_groups_a_numbers_digits_and_is_no_left_out_space() -> None:
    from extract.readers.words import cut_at_word_breaks

    chars, x = [], 10.0
    for part in ("98", "452"):
        for digit in part:
            chars.append({"text": digit, "x0": x, "x1": x + 5.0, "top": 100.0, "size": 9.0})
            x += 5.0
        x += 2.5
    words = cut_at_word_breaks(chars, WordBreaks(12, 0, frozenset("8")))
    assert ["".join(c["text"] for c in word) for word in words] == ["98452"]
