"""The image phase as the build runs it: web sizes, cards and icons made (or found in the
image cache), what parsing and the templates need of them, and their files published once
the build has succeeded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import SiteConfig
from ..errors import Diagnostic
from ..incremental.state import BuildCache
from ..model import Item
from ..render.views import episode_label
from .facts import Catalog, catalog_digest
from .process import ImageStore, Published, publish_images
from .sharing import SiteImages, publish_sharing, template_globals


@dataclass(slots=True)
class Pictures:
    store: ImageStore
    published: Published
    site: SiteImages
    problems: list[Diagnostic]

    @property
    def catalog(self) -> Catalog:
        return self.published.catalog

    @property
    def digest(self) -> str:
        """What pages show of the images: parse and render again when it changes."""
        return catalog_digest(self.catalog) + repr(self.site.icons)

    def globals(self, base_path: str) -> dict[str, Any]:
        """The templates' `picture`, `share_of`, `icons` and `cover_sizes`."""
        return template_globals(self.site, base_path)

    def publish(self, copies: dict[str, Path], emit: Callable[[dict[str, bytes]], None]) -> None:
        """After a good build: the cache gets what was made (`build` only), and the files go
        out, as copies of the cache's where it has them, as bytes where not (`serve`)."""
        self.store.flush()
        self.published.settle(self.store)
        copies.update(self.published.copies)
        for out in self.published.files:
            copies.pop(out, None)  # an original published without its metadata
        emit(self.published.files)


def make_pictures(
    config: SiteConfig,
    media: Iterable[str],
    items: Iterable[Item],
    cache: BuildCache | None,
    store: bool,
    jobs: int,
) -> Pictures:
    """The image phase: as charts are, the image cache is read with a build cache and added
    to only by `build` (`store`); `serve` keeps what it made in memory."""
    kept = (
        ImageStore(config.image_cache_dir, store, cache.images)
        if cache is not None
        else ImageStore()
    )
    published = publish_images(config.content_dir / "media", media, kept)
    site, problems = publish_sharing(config, items, kept, published, episode_label, jobs)
    return Pictures(kept, published, site, problems)
