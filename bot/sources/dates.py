"""Dates as Arabic news sites write them, made aware datetimes.

:func:`parse_date` understands, with Arabic-Indic or Persian digits as well as ASCII:

* ISO 8601 with or without an offset (``2025-10-15T15:59:00+03:00``, ``2025-10-15 15:59``);
* RFC 822 (``Wed, 15 Oct 2025 12:59:00 GMT``), as in RSS;
* a weekday (ignored), a day, a month name — Egyptian/Gulf (سبتمبر), Levantine (تشرين الأول),
  Maghrebi (جوان), both at once (آب/أغسطس) or English — and a year:
  «الخميس، 24 سبتمبر 2026 01:00 م», «15 تشرين الأول 2025»;
* numeric day/month/year with a time anywhere around it: «الأربعاء   15:59   15/10/2025»;
* ص/م (and صباحًا/مساءً, AM/PM) after the time; an explicit offset (``GMT+0400``, ``UTC+3``) or
  «بتوقيت غرينتش».

Without an offset the time is local to the site (``tz``).  Anything else — or an impossible date such as
31 February — gives None: a bad date never stops an article.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from bot.sources.text import ascii_digits, fold

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "يناير كانون الثاني جانفي january jan",
        "فبراير شباط فيفري february feb",
        "مارس اذار march mar",
        "ابريل نيسان افريل april apr",
        "مايو ايار ماي may",
        "يونيو يونيه حزيران جوان june jun",
        "يوليو يوليه تموز جويليه جويليا july jul",
        "اغسطس اغسطوس اب اوت غشت august aug",
        "سبتمبر ايلول شتنبر september sep sept",
        "اكتوبر تشرين الاول october oct",
        "نوفمبر تشرين الثاني نونبر november nov",
        "ديسمبر كانون الاول دجنبر december dec",
    ),
    start=1,
):
    _list = _names.split()
    _i = 0
    while _i < len(_list):
        if _list[_i] in ("كانون", "تشرين"):
            _MONTHS[f"{_list[_i]} {_list[_i + 1]}"] = _number
            _i += 2
        else:
            _MONTHS[_list[_i]] = _number
            _i += 1

_MONTH = "|".join(sorted((re.escape(m).replace(r"\ ", r"\s+") for m in _MONTHS), key=len, reverse=True))
_MONTH_RE = re.compile(rf"(?<!\w)({_MONTH})(?!\w)")
# «15 تشرين الأول 2025», «28 آب/اغسطس 2013», «24 سبتمبر، 2026»
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?({_MONTH})(?:\s*[/(-]\s*(?:{_MONTH})\s*\)?)?\s*[,.]?\s*(\d{{4}})(?!\d)"
)
# «October 15, 2025», «سبتمبر 24، 2026»
_MONTH_DAY_YEAR = re.compile(rf"(?<!\w)({_MONTH})\s+(\d{{1,2}})\s*,?\s*(\d{{4}})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_TIME = re.compile(
    r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])\s*"
    r"(ص|م|صباحا|مساء|ظهرا|عصرا|ليلا|فجرا|a\.?m\.?|p\.?m\.?)?(?!\w)"
)
_OFFSET = re.compile(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)|([+-])(\d{2}):?(\d{2})\s*$")
_GMT_WORDS = re.compile(r"بتوقيت\s+(?:غرينتش|جرينتش|غرينيتش)|(?<!\w)(?:gmt|utc)(?!\s*[+-]\s*\d)")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:z|[+-]\d{2}:?\d{2})?$", re.I)
_RFC822 = re.compile(r"^(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}", re.I)
_AM = ("ص", "صباحا", "فجرا", "am")
_MIN_YEAR, _MAX_YEAR = 1970, 2100


def parse_date(text: str | None, tz: tzinfo) -> datetime | None:
    """An aware datetime for ``text`` (local to ``tz`` unless it carries an offset), or None."""
    if not text:
        return None
    raw = ascii_digits(text).replace("،", ",").strip()
    if len(raw) > 200:
        raw = raw[:200]
    if _ISO.match(raw):
        return _iso(raw, tz)
    if _RFC822.match(raw):
        return _rfc822(raw, tz)
    return _words(fold(raw), tz)


def _iso(raw: str, tz: tzinfo) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw.upper() else raw)
    except ValueError:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=tz)
    return value if _MIN_YEAR <= value.year <= _MAX_YEAR else None


_EXPLICIT_UTC = re.compile(r"(?:-0000|\bGMT|\bUTC?|\bZ)\s*$", re.IGNORECASE)


def _rfc822(raw: str, tz: tzinfo) -> datetime | None:
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is None:
        # "-0000" means UTC with no local time known; no zone at all means the site's local time
        value = value.replace(tzinfo=UTC if _EXPLICIT_UTC.search(raw) else tz)
    return value if _MIN_YEAR <= value.year <= _MAX_YEAR else None


def _date_parts(s: str) -> tuple[int, int, int] | None:
    if m := _DAY_MONTH_YEAR.search(s):
        return int(m.group(3)), _MONTHS[re.sub(r"\s+", " ", m.group(2))], int(m.group(1))
    if m := _MONTH_DAY_YEAR.search(s):
        return int(m.group(3)), _MONTHS[re.sub(r"\s+", " ", m.group(1))], int(m.group(2))
    if m := _YMD.search(s):
        return int(m.group(1)), int(m.group(3)), int(m.group(4))
    if m := _DMY.search(s):
        return int(m.group(4)), int(m.group(3)), int(m.group(1))
    return None


def _time_parts(s: str) -> tuple[int, int, int] | None:
    m = _TIME.search(s)
    if m is None:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    marker = m.group(4)
    if marker:
        if hour > 12 or hour == 0:
            return None if hour > 23 else (hour, minute, second)
        if marker.replace(".", "") in _AM:
            hour = 0 if hour == 12 else hour
        elif hour != 12:
            hour += 12
    return hour, minute, second


def _offset(s: str) -> tzinfo | None:
    m = _OFFSET.search(s)
    if m:
        sign, hours, minutes = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(4, 5, 6)
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > timedelta(hours=14):
            return None
        return timezone(-delta if sign == "-" else delta)
    return UTC if _GMT_WORDS.search(s) else None


def _words(s: str, tz: tzinfo) -> datetime | None:
    date = _date_parts(s)
    if date is None:
        return None
    year, month, day = date
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    hour, minute, second = _time_parts(s) or (0, 0, 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=_offset(s) or tz)
    except ValueError:
        return None
