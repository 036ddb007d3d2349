"""Expressions counted from the publication date: أمس, غدا, يوم الاثنين, الخميس
الماضي, الأسبوع المقبل, قبل ثلاثة أسابيع, منذ يومين, خلال أسبوعين, الأيام
القادمة."""

from __future__ import annotations

from typing import cast

from marsad.dates.calendars import Unit
from marsad.dates.grammar_dates import Parsed, qualifier, relative_offset
from marsad.dates.model import Precision
from marsad.dates.nodes import VAGUE_SPAN_UNITS, RelDay, Run, Shift, WeekdayRef, Within
from marsad.dates.numbers import cardinal
from marsad.dates.tokens import Stream
from marsad.text.normalize import strip_diacritics

_AFTER_BOTH = "كلا"  # كلا الاثنين: "both", not Monday
# Precision of bare plural spans: الأيام الماضية is known to about a week.
_VAGUE_PRECISION: dict[Unit, Precision] = {
    "day": "week", "week": "month", "month": "month", "year": "year",
    "hour": "day", "minute": "day",
}


def relative_day(s: Stream, i: int) -> Parsed | None:
    """اليوم, أمس, البارحة, غدا, أول أمس, بعد غد, الليلة, الآن and variants."""
    hit = s.match(i, "relative_days")
    if hit is None:
        return None
    offset = int(hit.value)
    if strip_diacritics(s.source(i)) in s.lex.spellings("spelling_blockers"):
        return None
    word = s.text(i)
    if hit.end == i + 1 and word in ("بكرة", "بكره", "بكرا") and \
            s.plain(hit.end, "tomorrow_blockers"):
        return None
    single = hit.end == i + 1 and word in ("اليوم", "الغد", "لليوم", "والغد", "واليوم")
    if single and (s.plain(hit.end, "today_blockers") or s.ends_at(i - 1, "name_heads")
                   or s.ends_at(i - 1, "today_after") or _per_day(s, i)):
        return None
    return hit.end, RelDay(offset)


def _per_day(s: Stream, i: int) -> bool:
    """في اليوم after a quantity means 'per day' (2000 سعر حراري في اليوم)."""
    if s.text(i - 1) != "في":
        return False
    return any(s.num(k) is not None or cardinal(s, k) is not None for k in range(i - 4, i - 1))


def week_period(s: Stream, i: int) -> Parsed | None:
    """الأسبوع الماضي / هذا الأسبوع / الأسبوع المقبل / الأسبوع قبل الماضي."""
    found = relative_offset(s, i, "week")
    return None if found is None else (found[0], Run("week", found[1]))


def _weekday_word(s: Stream, i: int, *, bare: bool) -> tuple[int, int, int] | None:
    """(end, weekday, proclitic length) of a weekday at `i`; `bare` also allows
    the forms without the article (ثلاثاء)."""
    hit = s.match(i, "weekdays")
    if hit is None and bare:
        hit = s.match(i, "weekdays_bare")
        if hit is not None and hit.clitic:
            return None  # واحد is "one", not و + أحد
    if hit is None:
        return None
    return hit.end, int(hit.value), hit.clitic


def weekday_head(s: Stream, i: int) -> tuple[int, int] | None:
    """[هذا] [يوم] weekday -> (end, weekday). يوم allows the bare form (يوم ثلاثاء)."""
    j = i + 1 if s.text(i) == "هذا" else i
    day_word = s.match(j, "day_word")
    has_day = day_word is not None
    if day_word is not None:
        j = day_word.end
    found = _weekday_word(s, j, bare=has_day)
    if found is None or _tens_follow(s, found[0]):
        return None
    if not has_day and s.text(i - 1) == _AFTER_BOTH:
        return None
    return found[0], found[1]


def _tens_follow(s: Stream, i: int) -> bool:
    """الاثنين والثلاثين is the number 32 (دور الاثنين والثلاثين), not Monday."""
    word = s.text(i)[1:] if s.text(i).startswith("و") else ""
    return any((w,) in s.lex.table(name).entries
               for w in (word, word[2:]) for name in ("cardinal_tens", "ordinal_tens"))


def weekday_ref(s: Stream, i: int) -> Parsed | None:
    """A weekday with what follows it: الخميس الماضي, الثلاثاء القادم, الأحد من
    الأسبوع الماضي, احد الأسبوع الماضي, الاثنين من هذا الأسبوع, or bare."""
    anchored = _week_anchored(s, i)
    if anchored is not None:
        return anchored
    head = weekday_head(s, i)
    if head is None:
        return None
    end, weekday = head
    j = end + 1 if s.text(end) == "من" else end
    week = relative_offset(s, j, "week")
    if week is not None:
        return week[0], WeekdayRef(weekday, week_offset=week[1])
    mode = qualifier(s, end)
    if mode is not None:
        return mode[0], WeekdayRef(weekday, mode=mode[1] if mode[1] != "current" else "bare")
    return end, WeekdayRef(weekday, future_cue=future_cue(s, i))


def _week_anchored(s: Stream, i: int) -> Parsed | None:
    """احد الاسبوع الماضي, ثلاثاء الاسبوع الفائت: bare weekday + a week."""
    found = _weekday_word(s, i, bare=True)
    if found is None or s.match(i, "weekdays") is not None:
        return None
    week = relative_offset(s, found[0], "week")
    if week is None:
        return None
    return week[0], WeekdayRef(found[1], week_offset=week[1])


# How many tokens before a bare weekday are searched for a future cue.
FUTURE_CUE_WINDOW = 5
_CLAUSE_ENDS = frozenset('.!?؟:"')


def future_cue(s: Stream, i: int) -> bool:
    """True if a word shortly before `i`, in the same sentence, puts what follows
    in the future: سوف, من المقرر, المرتقبة, or a verb with the prefix سـ
    (سيغادر, ستعقد). News weekdays are past by default; these flip them."""
    for k in range(i - 1, max(-1, i - 1 - FUTURE_CUE_WINDOW), -1):
        word = s.text(k)
        if word in _CLAUSE_ENDS:
            return False
        if s.ends_at(k, "future_cues") or _future_verb(s, word):
            return True
    return False


def _future_verb(s: Stream, word: str) -> bool:
    """سيغادر, ستعقد, وسيلتقي: سـ + an imperfect verb, unless a listed name or noun."""
    stem = word[1:] if word[:1] in ("و", "ف") and word[1:2] == "س" else word
    if len(stem) < 5 or stem[0] != "س" or stem[1] not in ("ي", "ت"):
        return False
    if stem in s.lex.words("future_prefix_exceptions"):
        return False
    return not any(stem.startswith(x) for x in s.lex.words("future_prefix_exception_stems"))


# ---------------------------------------------------------------- durations
def duration(s: Stream, i: int) -> tuple[int, int, Unit] | None:
    """A counted duration: يومين, أسبوع, ثلاثة أسابيع, 21 أيام, خمسة عشر يوما."""
    for form, count in (("unit_two", 2), ("unit_one", 1)):
        hit = s.match(i, form)
        if hit is not None and hit.end == i + 1:
            if count == 1 and _names_a_date(s, hit.end):
                return None
            end = hit.end + 1 if count == 1 and s.plain(hit.end, "one_words") else hit.end
            return end, count, cast(Unit, hit.value)
    number = cardinal(s, i)
    if number is None or number[1] <= 0:
        return None
    for form in ("unit_many", "unit_one"):
        hit = s.match(number[0], form)
        if hit is not None:
            return hit.end, number[1], cast(Unit, hit.value)
    return None


def _names_a_date(s: Stream, i: int) -> bool:
    """True if what follows a singular unit makes it part of a date (عام 2011,
    شهر مارس, يوم الاثنين), not a duration."""
    if s.num(i) is not None:
        return True
    return any(
        s.match(i, table) is not None
        for table in ("gregorian_months", "hijri_months", "weekdays", "weekdays_bare")
    )


def _anchored_elsewhere(s: Stream, i: int) -> bool:
    """قبل ثلاثة أسابيع من الانتخابات: counted from another event, not from today."""
    return s.is_word(i, "anchor_blockers") or s.plain(i, "anchor_blockers")


def _colloquial_ago(s: Stream, found: tuple[int, int, Unit]) -> bool:
    """Levantine من + duration = 'ago' (من اسبوع, من 7 سنوات تقريبا). Elsewhere من
    is 'of / from' (نوعا من شهر عسل, من خمسة أشهر مهدورة), so beyond Duckling's
    من اسبوع the duration must end the clause or be followed by تقريبا / فقط."""
    end, count, unit = found
    if unit in ("hour", "minute"):
        return False
    if count == 1 and unit == "week":
        return True
    following = s.text(end)
    return following in ("", ".", "،", ",", "!", "؟", "?", ")") or s.plain(end, "ago_tails")


def shifted(s: Stream, i: int) -> Parsed | None:
    """قبل / منذ / بعد + duration (and colloquial من اسبوع); خلال / في غضون + duration."""
    for table, sign in (("ago_words", -1), ("after_words", 1), ("colloquial_ago", -1)):
        hit = s.match(i, table)
        if hit is None or hit.end != i + 1 or (hit.clitic and table == "colloquial_ago"):
            continue
        if table == "after_words" and not future_cue(s, i):
            continue  # بعد ستة أسابيع is mostly narrative time, not counted from today
        if table == "colloquial_ago" and s.ends_at(i - 1, "comparatives"):
            return None
        found = duration(s, hit.end)
        if found is None or _anchored_elsewhere(s, found[0]):
            continue
        if table == "colloquial_ago" and not _colloquial_ago(s, found):
            return None
        return found[0], Shift(sign * found[1], found[2])
    hit = s.match(i, "within_words")
    if hit is not None:
        found = duration(s, hit.end)
        if found is not None and not (s.is_word(found[0], "qualifiers")
                                      or _anchored_elsewhere(s, found[0])):
            return found[0], Within(found[1], found[2], ahead=future_cue(s, i))
    return None


def plural_span(s: Stream, i: int) -> Parsed | None:
    """الأيام الثلاثة الماضية, الأسابيع الثلاثة القادمة, الـ24 ساعة الماضية,
    السنوات الأخيرة, خلال الأيام القادمة (bare ones cover `VAGUE_SPAN_UNITS`)."""
    counted = _counted_plural(s, i)
    if counted is None:
        return None
    end, count, unit = counted
    direction = _span_direction(s, end)
    if direction is None or s.text(direction[0]) == "من":
        return None  # السنوات الأخيرة من حكمه: the last years of something else
    end, sign = direction
    if count is None:
        vague = VAGUE_SPAN_UNITS[unit]
        offset = -vague if sign < 0 else 1
        return end, Run(unit, offset, vague, precision=_VAGUE_PRECISION[unit])
    return end, Run(unit, -count if sign < 0 else 1, count)


def _counted_plural(s: Stream, i: int) -> tuple[int, int | None, Unit] | None:
    """الأيام [الثلاثة] or الـ 24 ساعة: (end, count or None, unit)."""
    hit = s.match(i, "unit_the_many")
    if hit is not None:
        count = cardinal(s, hit.end, definite=True)
        if count is not None and s.text(hit.end).startswith("ال"):
            return count[0], count[1], cast(Unit, hit.value)
        return hit.end, None, cast(Unit, hit.value)
    if s.text(i) == "ال" and s.num(i + 1) is not None:
        for form in ("unit_one", "unit_many"):
            unit = s.match(i + 2, form)
            if unit is not None:
                return unit.end, s.num(i + 1), cast(Unit, unit.value)
    return None


def _span_direction(s: Stream, i: int) -> tuple[int, int] | None:
    window = s.match(i, "window_past")
    if window is not None:
        return window.end, -1
    mode = qualifier(s, i)
    if mode is None or mode[1] == "current":
        return None
    return mode[0], -1 if mode[1] == "past" else 1


def relative_expression(s: Stream, i: int) -> Parsed | None:
    """The longest relative expression at `i`."""
    best: Parsed | None = None
    for parser in (relative_day, week_period, weekday_ref, shifted, plural_span):
        found = parser(s, i)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return best

