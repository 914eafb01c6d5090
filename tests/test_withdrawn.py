"""Articles the site withdrew (404/410): marked, hidden from readers, and their posts left, deleted or
corrected per WITHDRAWN_POLICY."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from bot.demo.site import SampleSite, load_articles
from bot.pipeline import run_once
from bot.withdrawn import recheck
from tests.fakes.telegram import FakeBotAPI, Limits
from tests.rig import open_services

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


@pytest.mark.parametrize("policy", ["leave", "delete", "correct"])
async def test_withdrawn_article_policy(tmp_path: Path, policy: str) -> None:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles[1:]) as site:
        services = await open_services(
            fake, tmp_path, FEED_URLS=f"{site.url}/feed.xml", TELEGRAM_CHANNELS="@huna_news", WITHDRAWN_POLICY=policy
        )
        try:
            await run_once(services)
            seed = dataclasses.replace(articles[0], time=max(a.time for a in site.articles) + timedelta(minutes=1))
            site.publish(seed)
            await run_once(services)
            assert len(fake.sent("@huna_news")) == 1

            first = await recheck(services)
            assert (first.checked, first.withdrawn) == (6, 0)

            site.withdraw(seed.slug)
            report = await recheck(services)
            latest = await services.store.articles.latest(10)
        finally:
            await services.close()
    assert report.withdrawn == 1
    assert seed.title not in [a.article.title for a in latest]
    msg = fake.sent("@huna_news")[0]
    if policy == "leave":
        assert report.posts_changed == 0 and not msg.deleted and not msg.history
    elif policy == "delete":
        assert report.posts_changed == 1 and msg.deleted
    else:
        assert report.posts_changed == 1 and "تنويه" in msg.text and len(msg.history) == 1
