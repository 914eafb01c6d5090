"""Arabic (and ISO / RFC 822) dates become aware datetimes in the site's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sources.dates import parse_date

AMMAN = ZoneInfo("Asia/Amman")
BERLIN = ZoneInfo("Europe/Berlin")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, tz: ZoneInfo | timezone = AMMAN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الخميس، 24 سبتمبر 2026 01:00 م", at(2026, 9, 24, 13, 0)),
        ("الخميس، 24 سبتمبر 2026 01:00 ص", at(2026, 9, 24, 1, 0)),
        ("15 تشرين الأول 2025", at(2025, 10, 15)),
        ("3 كانون الثاني 2026", at(2026, 1, 3)),
        ("3 كانون الأول 2026", at(2026, 12, 3)),
        ("الأربعاء   15:59   15/10/2025", at(2025, 10, 15, 15, 59)),
        ("٢٤ أيلول ٢٠٢٦ ١٠:٠٥ صباحًا", at(2026, 9, 24, 10, 5)),
        ("۱۵ اکتبر", None),  # Persian month names are not supported; no year either
        ("12 جوان 2025 - 21:30", at(2025, 6, 12, 21, 30)),
        (
            "الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)",
            at(2013, 8, 28, 14, 0, tz=timezone(timedelta(hours=4))),
        ),
        ("12:30 م بتوقيت غرينتش 1 مايو 2025", at(2025, 5, 1, 12, 30, tz=UTC)),
        ("2025-10-15T15:59:00+03:00", at(2025, 10, 15, 15, 59)),
        ("2025-10-15T12:59:00Z", at(2025, 10, 15, 12, 59, tz=UTC)),
        ("2025-10-15 15:59", at(2025, 10, 15, 15, 59)),
        ("٢٠٢٦-٠٧-٠٧T١٤:٣٠:٠٠+٠٣:٠٠", at(2026, 7, 7, 14, 30)),
        ("Wed, 15 Oct 2025 12:59:00 GMT", at(2025, 10, 15, 12, 59, tz=UTC)),
        ("Wed, 15 Oct 2025 15:59:00 +0300", at(2025, 10, 15, 15, 59)),
        ("October 15, 2025 3:04 PM", at(2025, 10, 15, 15, 4)),
        ("2025/10/15", at(2025, 10, 15)),
    ],
)
def test_known_forms(text: str, expected: datetime | None) -> None:
    got = parse_date(text, AMMAN)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None


def test_local_time_is_in_the_site_zone() -> None:
    got = parse_date("15/01/2025 10:00", BERLIN)
    assert got is not None and got.utcoffset() == timedelta(hours=1)
    got = parse_date("15/07/2025 10:00", BERLIN)
    assert got is not None and got.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "text",
    ["", None, "garbage", "31 فبراير 2025", "30/02/2025", "اليوم", "منذ 5 دقائق", "25:70 15/10/2025 x", "1 يناير 1066",
     "Wed, 99 Foo 2025 12:00:00 GMT", "2025-13-45T10:00:00"],
)  # fmt: skip
def test_bad_dates_give_none(text: str | None) -> None:
    got = parse_date(text, AMMAN)
    assert got is None or got.tzinfo is not None  # "25:70 15/10/2025" keeps the date, drops the time
    if text in ("31 فبراير 2025", "30/02/2025", "garbage", "2025-13-45T10:00:00"):
        assert got is None


# --- properties -------------------------------------------------------------------------------------

MONTHS = {
    1: ["يناير", "كانون الثاني", "جانفي"],
    2: ["فبراير", "شباط", "فيفري"],
    3: ["مارس", "آذار"],
    4: ["أبريل", "إبريل", "نيسان", "أفريل"],
    5: ["مايو", "أيار", "ماي"],
    6: ["يونيو", "يونيه", "حزيران", "جوان"],
    7: ["يوليو", "تموز", "جويلية"],
    8: ["أغسطس", "آب", "آب/أغسطس", "أوت"],
    9: ["سبتمبر", "أيلول"],
    10: ["أكتوبر", "تشرين الأول"],
    11: ["نوفمبر", "تشرين الثاني"],
    12: ["ديسمبر", "كانون الأول"],
}
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


def _twelve(d: datetime, am: str, pm: str) -> str:
    hour = d.hour % 12 or 12
    return f"{hour:02d}:{d.minute:02d} {am if d.hour < 12 else pm}"


@given(moments, st.data())
def test_arabic_forms_round_trip(d: datetime, data: st.DataObject) -> None:
    month = data.draw(st.sampled_from(MONTHS[d.month]))
    weekday = WEEKDAYS[d.weekday()]
    sep = data.draw(st.sampled_from(["، ", " ", " - ", "   "]))
    forms = [
        f"{weekday}{sep}{d.day} {month} {d.year} {d.hour:02d}:{d.minute:02d}",
        f"{weekday}{sep}{d.day} {month} {d.year} {_twelve(d, 'ص', 'م')}",
        f"{d.day} {month} {d.year}، {_twelve(d, 'صباحًا', 'مساءً')}",
        f"{weekday}   {d.hour:02d}:{d.minute:02d}   {d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.hour}:{d.minute:02d} {d.day}-{d.month}-{d.year}",
        f"{d:%Y-%m-%d %H:%M}",
        f"{d:%Y/%m/%d} {d:%H:%M}",
    ]
    text = data.draw(st.sampled_from(forms))
    text = text.translate(data.draw(st.sampled_from([INDIC, PERSIAN, str.maketrans("", "")])))
    assert parse_date(text, AMMAN) == d.replace(tzinfo=AMMAN), text


@given(moments, st.integers(-12, 14))
def test_iso_and_rfc822_with_offsets(d: datetime, hours: int) -> None:
    aware = d.replace(tzinfo=timezone(timedelta(hours=hours)))
    assert parse_date(aware.isoformat(), AMMAN) == aware
    from email.utils import format_datetime

    assert parse_date(format_datetime(aware), AMMAN) == aware


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    got = parse_date(text, AMMAN)
    assert got is None or got.tzinfo is not None


def test_rfc822_without_a_zone_is_site_time_and_explicit_utc_stays_utc() -> None:
    assert parse_date("Wed, 15 Oct 2025 10:00:00", AMMAN) == datetime(2025, 10, 15, 10, 0, tzinfo=AMMAN)
    for utc in ("Wed, 15 Oct 2025 10:00:00 -0000", "Wed, 15 Oct 2025 10:00:00 GMT"):
        assert parse_date(utc, AMMAN) == datetime(2025, 10, 15, 10, 0, tzinfo=UTC)
