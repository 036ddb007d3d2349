"""The matching form of Arabic text, and the offsets back to the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from marsad.text.normalize import fold, fold_with_offsets

ARABIC_ALPHABET = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةـًٌٍَُِّْ٠١٢٣٤٥٦٧٨٩،؛؟«»“” \n\tabcXYZ019.,-\u00a0\u200f")
    ),
    max_size=80,
)


def test_spelling_variants_fold_together() -> None:
    assert fold("حِفتر") == fold("حفتر")
    assert fold("إسرائيل") == fold("اسرائيل")
    assert fold("مدينة") == fold("مدينه")
    assert fold("مصطفى") == fold("مصطفي")
    assert fold("الـــجيش") == fold("الجيش")
    assert fold("١٦ أبريل ٢٠١٩") == "16 ابريل 2019"
    assert fold("«الصمت»") == '"الصمت"'


def test_glued_scraper_tokens_are_split() -> None:
    assert fold("شارك هذا المقالClose Button") == "شارك هذا المقال close button"
    assert fold("لـ3 ملايين") == "ل 3 ملايين"


@given(ARABIC_ALPHABET)
def test_offsets_version_agrees_and_points_back(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    assert folded == fold(text)
    assert len(offsets) == len(folded)
    assert offsets == sorted(offsets)
    for ch, offset in zip(folded, offsets, strict=True):
        if ch != " ":
            assert fold(text[offset]) in (ch, "")  or fold(text[offset]).startswith(ch)
