"""Pure: one context per page kind, rendered with the theme's templates (sitemap and robots too)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..config import SiteConfig
from ..errors import ContentError, Diagnostic
from ..link.glossary import Glossary
from ..link.graph import Links
from ..link.index import SiteIndex, newest_first
from ..link.people import People
from ..load.values import format_duration
from ..markdown import Parsed
from ..model import Concept, Episode, Essay, Item, Page
from ..routes import tag_folder, tag_slug
from ..slugs import fold
from .glossary import concept_context, glossary_context
from .people import people_globals, people_pages
from .series import SeriesOf, series_jobs
from .theme import make_environment, template_frame, theme_dirs
from .views import View, episode_label, format_date

# A page to render: output path, template, the item it shows (if any), and its context, made
# only when the page is rendered (a rebuild of a few pages costs a few pages).
Job = tuple[str, str, Item | None, Callable[[], dict]]


class Renderer:
    """Holds the Jinja2 environment and renders every page of one build."""

    def __init__(
        self,
        config: SiteConfig,
        index: SiteIndex,
        parsed: Mapping[str, Parsed],
        links: Links,
        asset_urls: Mapping[str, str],
        menu: list[Page],
        glossary: Glossary,
        live_reload: str | None = None,
        env: jinja2.Environment | None = None,
        people: People | None = None,
    ):
        self.config, self.index, self.parsed, self.links = config, index, parsed, links
        self.glossary, self.people = glossary, people
        self._views: dict[str, View] = {}
        self._seen: set[str] | None = None  # items the page being rendered has shown
        self.env = env or make_environment(theme_dirs(config))
        base = config.base_path
        self.env.globals.update(
            site=config,
            menu=[self.view(p) for p in menu],
            url=lambda path="": base + path.lstrip("/"),
            abs_url=self.abs_url,
            asset=lambda name: base + asset_urls[name],
            live_reload=live_reload,
            generator="site-builder",
            series_of=SeriesOf(self),
        )
        self.env.filters.update(
            date=format_date,
            duration=format_duration,
            isodate=lambda d: d.isoformat() if d else "",
            tag_url=lambda tag: base + quote(tag_folder(tag_slug(tag))),
            episode_label=episode_label,
        )
        self.env.globals.update(people_globals(self))

    def abs_url(self, path: str) -> str:
        """Absolute URL of a path below the base path (or of one already under it)."""
        origin = self.config.base_url[: -len(self.config.base_path)]
        if path.startswith(self.config.base_path):
            return origin + path
        return self.config.base_url + path.lstrip("/")

    def view(self, item: Item) -> View:
        if self._seen is not None:
            self._seen.add(item.key)
        found = self._views.get(item.key)
        if found is None:
            # the item as it is now: a link graph kept from the last build holds it as it was
            item = self.index.by_key.get(item.key, item)
            body = self.parsed.get(item.key)
            summary = item.summary or (
                item.definition if isinstance(item, Concept) else (body.excerpt if body else "")
            )
            found = View(item, self.index.url(item), body, summary)
            self._views[item.key] = found
        return found

    def views(self, items) -> list[View]:
        return [self.view(i) for i in items]

    def render(self, jobs: Iterable[Job]) -> tuple[dict[str, bytes], dict[str, frozenset[str]]]:
        """The pages of `jobs` keyed by output path, and the items each page shows (so that a
        later build knows which pages a new title changes); every template problem is reported.
        """
        pages: dict[str, bytes] = {}
        shown: dict[str, frozenset[str]] = {}
        stopped: dict[Diagnostic, list[str]] = {}  # a template's problem -> the pages it stopped
        for path, template, item, context in jobs:
            self._seen = set()
            try:
                pages[path] = self._render(template, path, item, context()).encode()
                shown[path] = frozenset(self._seen)
            except ContentError as exc:
                for problem in exc.diagnostics:
                    stopped.setdefault(problem, []).append(path)
            finally:
                self._seen = None
        if stopped:  # once each, not once a page: a typo in base.html stops every page
            raise ContentError(_on_pages(problem, paths) for problem, paths in stopped.items())
        return pages, shown

    def jobs(self, items: list[Item]) -> list[Job]:
        """Every page of the site, in a fixed order."""
        ordered = sorted(items, key=newest_first)
        essays = [i for i in ordered if isinstance(i, Essay)]
        episodes = [i for i in ordered if isinstance(i, Episode)]
        concepts = sorted((i for i in items if isinstance(i, Concept)), key=lambda c: fold(c.title))
        jobs: list[Job] = []

        def page(
            path: str, template: str, item: Item | None = None, context: Callable[[], dict] = dict
        ) -> None:
            jobs.append((path, template, item, context))

        self._list_pages(page, essays, episodes, concepts)
        self._tag_pages(page)
        self._item_pages(page, essays, episodes[::-1], concepts)
        jobs += series_jobs(self)
        for item in ordered:
            if isinstance(item, Page):
                page(self._path(item), "page.html", item)
        people_pages(self, page)
        page("404.html", "404.html")
        if self.config.search:
            page("search/index.html", "search.html")
        page_paths = [job[0] for job in jobs]
        page(
            "sitemap.xml",
            "sitemap.xml",
            context=lambda: dict(entries=self._sitemap(ordered, page_paths)),
        )
        page("robots.txt", "robots.txt")
        return jobs

    def _list_pages(
        self,
        page: Callable[..., None],
        essays: list[Essay],
        episodes: list[Episode],
        concepts: list[Concept],
    ) -> None:
        """The home page and the lists: essays, episodes, the glossary, the tags."""
        page(
            "index.html",
            "home.html",
            context=lambda: dict(
                essays=self.views(essays[:8]),
                episodes=self.views(episodes[:4]),
                concepts_count=len(concepts),
            ),
        )
        page("essays/index.html", "essays.html", context=lambda: dict(essays=self.views(essays)))
        page(
            "episodes/index.html",
            "episodes.html",
            context=lambda: dict(episodes=self.views(episodes)),
        )
        page(
            "glossary/index.html",
            "glossary.html",
            context=partial(glossary_context, self, concepts),
        )
        page(
            "tags/index.html",
            "tags.html",
            context=lambda: dict(
                tags=[
                    (label, quote(tag_folder(slug)), len(tagged))
                    for slug, (label, tagged) in self.links.tags.items()
                ]
            ),
        )

    def _tag_pages(self, page: Callable[..., None]) -> None:
        """Each tag's page, which names the tag's feed."""
        for slug, (label, tagged) in self.links.tags.items():
            folder = tag_folder(slug)
            feed = (
                f"{self.config.title}: {label}",
                f"{self.config.base_path}{quote(folder)}feed.xml",
            )
            page(
                f"{folder}index.html",
                "tag.html",
                context=lambda label=label, tagged=tagged, feed=feed: dict(
                    tag=label, items=self.views(tagged), feeds=[feed]
                ),
            )

    def _item_pages(
        self,
        page: Callable[..., None],
        essays: list[Essay],
        in_order: list[Episode],
        concepts: list[Concept],
    ) -> None:
        """Each essay's, episode's (`in_order` oldest first, for previous and next) and
        concept's page."""
        for item in essays:
            page(self._path(item), "essay.html", item, partial(self._essay_context, item))
        for i, item in enumerate(in_order):
            page(
                self._path(item),
                "episode.html",
                item,
                partial(
                    self._episode_context,
                    item,
                    in_order[i - 1] if i > 0 else None,
                    in_order[i + 1] if i + 1 < len(in_order) else None,
                ),
            )
        for item in concepts:
            page(self._path(item), "concept.html", item, partial(concept_context, self, item))

    def _essay_context(self, essay: Essay) -> dict[str, Any]:
        episode = self.links.episode_of.get(essay.key)
        responses = [
            (r, Markup(body), Markup(reply))
            for r, (body, reply) in zip(
                essay.responses, self.parsed[essay.key].responses_html, strict=True
            )
        ]
        return dict(
            episode=episode and self.view(episode),
            concepts=self._concepts_of(essay),
            responses=responses,
        )

    def _episode_context(
        self, episode: Episode, previous: Episode | None, following: Episode | None
    ) -> dict[str, Any]:
        transcript = episode.transcript
        return dict(
            essays=self.views(self.links.essays_of.get(episode.key, ())),
            previous=previous and self.view(previous),
            next=following and self.view(following),
            concepts=self._concepts_of(episode),
            transcript=Markup(self.parsed[episode.key].transcript_html),
            transcript_file=transcript
            and self.index.base_path + quote(f"{episode.url_path}transcript.{transcript.kind}"),
        )

    def _render(self, template: str, path: str, item: Item | None, ctx: dict) -> str:
        page = self.view(item) if item else None
        url = self.index.base_path + quote(path.removesuffix("index.html"))
        try:
            return self.env.get_template(template).render(
                page=page, page_url=url, canonical=self.abs_url(url), **ctx
            )
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(
                [self._template_problem(exc.filename, exc.lineno, exc.message)]
            ) from None
        except Exception as exc:  # any error raised while a template runs
            filename, lineno = template_frame(exc)
            message = f"{type(exc).__name__}: {exc}"
            raise ContentError([self._template_problem(filename, lineno, message)]) from None

    def _template_problem(self, filename: str | None, line: int | None, message: str) -> Diagnostic:
        shown = filename or "templates"
        if filename:
            file = Path(filename)
            shown = (
                file.relative_to(self.config.root).as_posix()
                if file.is_relative_to(self.config.root)
                else str(file)  # a default-theme template: its absolute path
            )
        return Diagnostic(shown, line, message, code="template")

    @staticmethod
    def _path(item: Item) -> str:
        return f"{item.url_path}index.html"

    def _concepts_of(self, item: Item) -> list[View]:
        found = (self.index.by_key.get(f"glossary/{slug}") for slug in item.concepts)
        return [self.view(c) for c in found if c is not None]

    def _sitemap(self, items: list[Item], pages: list[str]) -> list[tuple[str, str]]:
        lastmod = {
            self._path(i): (i.updated or i.date).date().isoformat()
            for i in items
            if i.updated or i.date
        }
        return sorted(
            (self.abs_url(quote(path.removesuffix("index.html"))), lastmod.get(path, ""))
            for path in pages
            if path.endswith("index.html") and path != "search/index.html"
        )


def _on_pages(problem: Diagnostic, pages: list[str]) -> Diagnostic:
    """A template's problem, saying which pages it stopped (the first, and how many more)."""
    more = len(pages) - 1
    others = f", and {more} other page{'s' * (more != 1)}" if more else ""
    return replace(
        problem,
        message=f"{problem.message} (while rendering {pages[0]}{others})",
        hint=problem.hint or "fix that line of the template (it is Jinja2)",
    )
