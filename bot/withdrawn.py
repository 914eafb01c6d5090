"""Articles the site withdrew: their pages now answer 404 or 410.

A feed that stops listing an article proves nothing (feeds roll), so the page itself is asked: every
``interval`` the pages of the articles posted in the last 48 hours are fetched again.  A 404/410 marks
the article withdrawn (it leaves /latest, the sections and search) and applies WITHDRAWN_POLICY to the
posts already out:

- ``leave``: the posts stay as they are;
- ``delete``: each Telegram post is deleted (Telegram allows it for 48 hours — hence the window);
- ``correct``: each Telegram post is edited into a short notice that the site withdrew the article.

X posts are left alone (an X post can only be deleted, and a newsroom decides that by hand).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.compose import compose_correction
from bot.exceptions import FetchError, PublishError, SourceError
from bot.models import DeliveryStatus, Destination, DestinationKind
from bot.services import Services
from bot.store import StoredArticle

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=48)
GONE = (404, 410)


@dataclass(slots=True)
class WithdrawnReport:
    checked: int = 0
    withdrawn: int = 0
    posts_changed: int = 0


async def _is_gone(services: Services, stored: StoredArticle) -> bool:
    try:
        await services.fetcher.fetch_page(stored.article.href)
    except FetchError as exc:
        return exc.status in GONE
    except SourceError:
        return False
    return False


async def _apply(services: Services, stored: StoredArticle, policy: str) -> int:
    changed = 0
    correction = compose_correction(stored.article, services.posts.context) if policy == "correct" else None
    for d in await services.store.outbox.for_article(stored.id):
        dest = Destination.parse(d.destination)
        if d.status is not DeliveryStatus.SENT or not d.message_id or dest.kind is DestinationKind.X:
            continue
        chat = d.chat_id or dest.target
        try:
            if correction is not None:
                await services.telegram.edit(chat, int(d.message_id), correction, as_photo=d.as_photo)
            else:
                await services.telegram.delete(chat, int(d.message_id))
            changed += 1
        except PublishError as exc:
            log.warning("withdrawn article %s: could not %s the post in %s: %s", stored.id, policy, chat, exc.message)
    return changed


async def recheck(services: Services, *, limit: int = 200, concurrency: int = 4) -> WithdrawnReport:
    """Ask the pages of the articles of the last 48 hours whether they still exist; act on those gone."""
    report = WithdrawnReport()
    since = datetime.now(UTC) - WINDOW
    recent = [a for a in await services.store.articles.latest(limit) if a.seen_at >= since]
    gate = asyncio.Semaphore(concurrency)

    async def one(stored: StoredArticle) -> None:
        async with gate:
            gone = await _is_gone(services, stored)
        report.checked += 1
        if not gone:
            return
        report.withdrawn += 1
        await services.store.articles.mark_withdrawn(stored.id)
        policy = services.settings.telegram.withdrawn_policy
        log.info("article withdrawn by the site (%s): %s", policy, stored.article.href)
        if policy != "leave":
            report.posts_changed += await _apply(services, stored, policy)

    await asyncio.gather(*(one(a) for a in recent))
    return report
