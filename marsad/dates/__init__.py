"""Time expressions in Arabic news text, resolved against the publication date.

    >>> import datetime
    >>> from marsad.dates import find_time_expressions
    >>> found = find_time_expressions("وصل الخميس الماضي", datetime.date(2019, 6, 5))
    >>> [(e.text, e.value) for e in found]
    [('الخميس الماضي', datetime.date(2019, 5, 30))]

How open expressions are resolved (orientation "news", the default; "future"
follows Duckling and is used for its test corpus):

- Bare weekday (يوم الجمعة, الاثنين): the latest one on or before the
  publication day, so a Friday story's يوم الجمعة is that Friday. After a
  future cue a few words before (سيغادر, ستعقد, من المقرر, المرتقبة) it is the
  next one on or after it. Future orientation: the next one strictly after.
- Weekday + الماضي/السابق/الفائت: strictly before; + المقبل/القادم/التالي:
  strictly after (the nearest coming one, not "the one in next week");
  + الأسبوع الماضي / من هذا الأسبوع: that day of that ISO week (Monday first).
- Month + الماضي: the latest whole month before the publication month
  (أبريل الماضي in April is last year's); day + month + الماضي: the latest
  such day before publication (16 أبريل الماضي). الجاري / الحالي: the month or
  year of publication. المقبل / القادم: the first one after.
- Yearless month or day-month without qualifier (في أبريل, 15 يونيو): the
  occurrence from 8 months before to 3 months after the publication month
  (`calendars.NEWS_MONTH_WINDOW`); a written weekday picks the year it fits.
- منتصف + month = the 15th (day precision, as Duckling); أوائل / بداية /
  مطلع = days 1-10, أواسط = 11-20, أواخر / نهاية = 21-end (day precision,
  with `end_value`); أول / آخر + month = its first / last day. Parts of a year
  are thirds of it (month precision), of a decade early / mid / late years.
- قبل / منذ + N units: the publication day moved back, precision = the unit
  (قبل ثلاثة أسابيع = 21 days back, "week"). بعد + N units only after a
  future cue. خلال / في غضون + N units: the N units ending on the
  publication day, or starting on it after a future cue (future orientation:
  always forward).
- الأسبوع / الشهر / العام + qualifier: that whole calendar period;
  الأيام / الأسابيع الثلاثة القادمة: whole days / weeks after the current one;
  without a number (الأيام القادمة) 7 days, 4 weeks, 3 months or 5 years.
- Bare decades (الثمانينيات) are of the 20th century unless a century follows.
- Clock times alone (الساعة 3 صباحا) resolve to the publication day; after or
  before a day they are absorbed into it.
- Hijri dates use the Umm al-Qura tables (hijridate), the tabular calendar
  outside them; numeric dates with a year from 1300 to 1500 are Hijri.
"""

from marsad.dates.finder import find_time_expressions
from marsad.dates.model import DateOptions, Orientation, Precision, TimeExpression

__all__ = ["DateOptions", "Orientation", "Precision", "TimeExpression", "find_time_expressions"]
