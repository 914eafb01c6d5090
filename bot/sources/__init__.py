"""The bot's input: feeds, sitemaps and article pages become clean Arabic :class:`~bot.models.Article`\\ s.

* :mod:`.watcher` — ``Watcher.poll(state, known)``: one poll of one source → new/changed items + state.
* :mod:`.fetch` — ``Fetcher``: HTTP over one shared aiohttp session (limits, conditional GET, images).
* :mod:`.feeds` — ``parse_feed``: RSS 2.0/1.0, Atom, JSON Feed, news sitemap, sitemap index (by content).
* :mod:`.page` — ``extract_article``: one article page without the site's chrome.
* :mod:`.urls` — ``normalize_url`` (identity keys), ``percent_encode_url`` (outbound links).
* :mod:`.dates`, :mod:`.text`, :mod:`.sections` — Arabic dates, text cleaning and decoding, section slugs.
* :mod:`.identity` — keys, fingerprints, merging a feed entry with its page.

Everything but ``fetch`` and ``watcher`` is pure: data in, data out.
"""
