"""The /status report for editors: posting state, feeds and their health, the outbox, stopped
destinations, the last posts and the dead letters — bounded so it always fits one message."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.editor import Status
from bot.i18n import Lang
from bot.models import Delivery, FeedHealth, FeedState
from handlers.views import rtl, text, when

FEEDS_SHOWN = 10
_LABELS: dict[str, tuple[str, str]] = {
    "title": ("📊 <b>حالة البوت</b>", "📊 <b>Bot status</b>"),
    "posting": ("النشر التلقائي", "Automatic posting"),
    "running": ("يعمل ▶️", "running ▶️"),
    "paused": ("متوقف ⏸", "paused ⏸"),
    "feeds": ("<b>المصادر</b>", "<b>Sources</b>"),
    "no_feeds": ("لا مصادر مضبوطة.", "No sources configured."),
    "more_feeds": ("… و{n} أخرى", "… and {n} more"),
    "failures": ("محاولات فاشلة", "failures"),
    "last_ok": ("آخر نجاح", "last ok"),
    "never": ("لم تُقرأ بعد", "not read yet"),
    "queue": ("<b>الطابور</b>", "<b>Outbox</b>"),
    "stopped": ("<b>وجهات متوقفة</b>", "<b>Stopped destinations</b>"),
    "last": ("<b>آخر المنشورات</b>", "<b>Last posts</b>"),
    "none": ("لا شيء.", "None."),
    "dead": ("<b>رسائل لم تُرسل</b>", "<b>Dead letters</b>"),
    "totals": ("المشتركون: {subs} · الأخبار المخزنة: {articles}", "Subscribers: {subs} · Articles stored: {articles}"),
}
_STATUSES = ("pending", "sending", "sent", "dead", "paused", "skipped")
_HEALTH = {FeedHealth.OK: "✅", FeedHealth.FAILING: "❌", FeedHealth.NEW: "🆕"}


def _l(key: str, lang: Lang) -> str:
    ar, en = _LABELS[key]
    return ar if lang == "ar" else en


def _feed(feed: FeedState, tz: tzinfo, now: datetime, lang: Lang) -> str:
    line = f"{_HEALTH.get(feed.health, '•')} {text(feed.url, 60)}"
    if feed.last_ok_at:
        line += f" · {_l('last_ok', lang)} {when(feed.last_ok_at, tz, now, lang)}"
    elif feed.health is FeedHealth.NEW:
        line += f" · {_l('never', lang)}"
    if feed.failures:
        line += f" · {_l('failures', lang)}: {feed.failures}"
    if feed.last_error and feed.health is FeedHealth.FAILING:
        line += f"\n    {text(feed.last_error, 60)}"
    return line


def _delivery(item: tuple[Delivery, str], *, reason: bool) -> str:
    delivery, title = item
    line = f"• {text(title, 50)} → {text(delivery.destination, 40)}"
    if reason and delivery.last_error:
        line += f"\n    {text(delivery.last_error, 80)}"
    return line


def status_text(status: Status, configured: Sequence[str], *, tz: tzinfo, now: datetime, lang: Lang) -> str:
    lines = [_l("title", lang), ""]
    lines.append(f"{_l('posting', lang)}: {_l('paused' if status.paused else 'running', lang)}")
    known = {f.url: f for f in status.feeds}
    feeds = [known.get(url) or FeedState(url=url) for url in configured]
    feeds += [f for f in status.feeds if f.url not in configured]
    lines += ["", _l("feeds", lang)]
    lines += [_feed(f, tz, now, lang) for f in feeds[:FEEDS_SHOWN]] or [_l("no_feeds", lang)]
    if len(feeds) > FEEDS_SHOWN:
        lines.append(_l("more_feeds", lang).format(n=len(feeds) - FEEDS_SHOWN))
    counts = " · ".join(f"{s}: {status.counts.get(s, 0)}" for s in _STATUSES)
    lines += ["", f"{_l('queue', lang)}\n{counts}"]
    if status.stopped:
        lines += ["", _l("stopped", lang)]
        lines += [f"• {text(d.key, 40)}: {text(d.reason or '', 60)}" for d in status.stopped[:5]]
    lines += ["", _l("last", lang)]
    lines += [_delivery(item, reason=False) for item in status.last_sent] or [_l("none", lang)]
    lines += ["", _l("dead", lang)]
    lines += [_delivery(item, reason=True) for item in status.dead] or [_l("none", lang)]
    totals = _l("totals", lang).format(subs=status.subscribers, articles=status.articles)
    lines += ["", html.escape(totals, quote=False)]
    return rtl(lines, lang)
