"""The bot's own words: Arabic first, English for users whose Telegram language is not Arabic.

:func:`t` returns Telegram HTML: the texts below are trusted markup, every parameter is ``html.escape``'d
unless it is wrapped in :class:`Html` (markup the caller already built safely).  A user without a
``language_code`` gets Arabic (the site's language).
"""

from __future__ import annotations

import html
from typing import Literal

Lang = Literal["ar", "en"]


class Html(str):
    """A string that is already valid, escaped Telegram HTML (not escaped again by :func:`t`)."""

    __slots__ = ()


def lang_of(language_code: str | None) -> Lang:
    if not language_code or language_code.lower().split("-")[0] == "ar":
        return "ar"
    return "en"


_TEXTS: dict[str, tuple[str, str]] = {
    # readers
    "welcome": (
        "مرحبًا بك في بوت <b>{site}</b> 👋\nأرسل لك آخر الأخبار، وتبحث فيها، وتشترك في الأقسام التي تهمك.\n"
        "اختر قسمًا أو اكتب /help لقائمة الأوامر.",
        "Welcome to the <b>{site}</b> bot 👋\nGet the latest news, search it, and subscribe to sections.\n"
        "Pick a section or send /help for the commands.",
    ),
    "help": (
        "<b>الأوامر</b>\n/latest — آخر الأخبار (مثل: /latest 10)\n/search كلمات — البحث في الأخبار\n"
        "/subscribe — الاشتراك في قسم\n/unsubscribe — إلغاء الاشتراك\n/subscriptions — اشتراكاتك\n"
        "\n<b>الأقسام</b>\n{sections}\n\nوفي أي محادثة اكتب ‎@{bot} ثم كلمات البحث لمشاركة خبر.",
        "<b>Commands</b>\n/latest — latest news (e.g. /latest 10)\n/search words — search the news\n"
        "/subscribe — subscribe to a section\n/unsubscribe — unsubscribe\n/subscriptions — your subscriptions\n"
        "\n<b>Sections</b>\n{sections}\n\nIn any chat, type @{bot} and a few words to share an article.",
    ),
    "latest_title": ("📰 <b>آخر الأخبار</b>", "📰 <b>Latest news</b>"),
    "section_title": ("📰 <b>آخر أخبار {section}</b>", "📰 <b>Latest in {section}</b>"),
    "search_title": ("🔎 <b>نتائج البحث عن «{query}»</b>", "🔎 <b>Results for “{query}”</b>"),
    "no_articles": ("لا توجد أخبار بعد.", "No news yet."),
    "no_more": ("لا مزيد من الأخبار.", "No more news."),
    "no_results": (
        "لم أجد أخبارًا عن «{query}». جرّب كلمات أخرى.",
        "Nothing found for “{query}”. Try other words.",
    ),
    "more": ("المزيد", "More"),
    "latest_usage": (
        "اكتب عددًا من 1 إلى {max} بعد الأمر، مثل: /latest 5",
        "Give a number from 1 to {max}, e.g. /latest 5",
    ),
    "search_usage": (
        "اكتب كلمات البحث بعد الأمر، مثل: /search الانتخابات",
        "Put the words to look for after the command, e.g. /search elections",
    ),
    "search_empty": (
        "كلمات البحث قصيرة أو شائعة جدًا؛ جرّب كلمات أدق.",
        "Those words are too short or too common; try more specific ones.",
    ),
    "unknown_command": ("لا أعرف هذا الأمر. اكتب /help لقائمة الأوامر.", "Unknown command. Send /help for the list."),
    "too_long": (
        "الرسالة طويلة جدًا. اكتب بضع كلمات للبحث، أو /help للأوامر.",
        "That message is too long. Send a few words to search, or /help for the commands.",
    ),
    "not_text": ("أفهم النصوص والأوامر فقط. اكتب /help.", "I only understand text and commands. Send /help."),
    "private_only": ("تحدّث معي في محادثة خاصة: ‎@{bot}", "Talk to me in a private chat: @{bot}"),
    "old_button": ("هذا الزر قديم. اكتب /latest من جديد.", "This button is outdated. Send /latest again."),
    "error": ("حدث خطأ مؤقت. حاول بعد قليل.", "Something went wrong. Please try again shortly."),
    # subscriptions
    "subscribe_choose": ("اختر قسمًا للاشتراك فيه:", "Pick a section to subscribe to:"),
    "unsubscribe_choose": ("اختر القسم الذي تريد إلغاء الاشتراك فيه:", "Pick the section to unsubscribe from:"),
    "subscribed": (
        "✅ اشتركت في قسم <b>{section}</b>. ستصلك أخباره الجديدة هنا.",
        "✅ Subscribed to <b>{section}</b>. New articles will reach you here.",
    ),
    "already_subscribed": (
        "أنت مشترك في قسم <b>{section}</b> من قبل.",
        "You are already subscribed to <b>{section}</b>.",
    ),
    "unsubscribed": ("تم إلغاء اشتراكك في قسم <b>{section}</b>.", "Unsubscribed from <b>{section}</b>."),
    "unsubscribed_all": ("تم إلغاء كل اشتراكاتك ({count}).", "All your subscriptions were cancelled ({count})."),
    "not_subscribed": ("لست مشتركًا في قسم <b>{section}</b>.", "You are not subscribed to <b>{section}</b>."),
    "no_subscriptions": (
        "ليست لديك اشتراكات. اكتب /subscribe لتختار قسمًا.",
        "You have no subscriptions. Send /subscribe to pick a section.",
    ),
    "subscriptions": ("<b>اشتراكاتك</b>\n{sections}", "<b>Your subscriptions</b>\n{sections}"),
    "unknown_section": (
        "لا يوجد قسم باسم «{name}». الأقسام المتاحة:\n{sections}",
        "There is no section called “{name}”. Sections:\n{sections}",
    ),
    "no_sections": ("لا توجد أقسام بعد.", "No sections yet."),
    # editors
    "not_editor": ("هذا الأمر للمحررين فقط.", "This command is for editors only."),
    "url_usage": (
        "اكتب رابط الخبر بعد الأمر، مثل: {command} https://…",
        "Put the article URL after the command: {command} https://…",
    ),
    "url_blocked": ("لا أستطيع جلب هذا الرابط: {reason}", "I can't fetch that URL: {reason}"),
    "url_failed": ("تعذّر جلب الخبر أو قراءته: {reason}", "Could not fetch or read the article: {reason}"),
    "pushed": (
        "📤 أُرسل «{title}» للنشر ({count} وجهة).",
        "📤 “{title}” is queued for publishing ({count} destinations).",
    ),
    "push_nothing": (
        "«{title}» منشور من قبل في كل الوجهات.",
        "“{title}” was already published everywhere.",
    ),
    "publish": ("نشر", "Publish"),
    "cancel": ("إلغاء", "Cancel"),
    "preview_expired": ("انتهت صلاحية هذه المعاينة؛ استخدم /push.", "This preview expired; use /push."),
    "preview_cancelled": ("أُلغيت المعاينة.", "Preview cancelled."),
    "breaking_usage": (
        "اكتب نص الخبر العاجل بعد الأمر، مثل: /breaking نص الخبر",
        "Put the alert text after the command.",
    ),
    "breaking_queued": (
        "🔴 أُرسل الخبر العاجل إلى {count} وجهة.",
        "🔴 The breaking alert is queued for {count} destinations.",
    ),
    "paused": (
        "⏸ أوقفت النشر التلقائي. اكتب /resume لاستئنافه.",
        "⏸ Automatic posting paused. Send /resume to restart.",
    ),
    "already_paused": ("النشر التلقائي متوقف من قبل.", "Automatic posting was already paused."),
    "resumed": ("▶️ استُؤنف النشر التلقائي.", "▶️ Automatic posting resumed."),
    "already_running": ("النشر التلقائي يعمل من قبل.", "Automatic posting was already running."),
}


def t(key: str, lang: Lang = "ar", /, **params: object) -> str:
    """The text ``key`` in ``lang`` with ``params`` filled in (escaped unless :class:`Html`)."""
    ar, en = _TEXTS[key]
    template = ar if lang == "ar" else en
    if not params:
        return template
    safe = {k: v if isinstance(v, Html) else html.escape(str(v), quote=False) for k, v in params.items()}
    return template.format(**safe)


def keys() -> frozenset[str]:
    return frozenset(_TEXTS)
