"""Pure: the podcast rules for the show itself (site.yaml's `podcast:`): its categories, its
language, description and artwork, and the Podcasting 2.0 tags of its channel. The rules for
episodes, which share the funding and artwork checks, are in podcast_checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

from ..config import SiteConfig
from ..errors import Diagnostic, did_you_mean
from ..load.media import image_info
from ..model import Funding
from ..routes import PODCAST_FEED, is_remote

# Apple Podcasts categories: parent -> subcategories (a subcategory must sit under its parent).
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
UUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
MAX_DESCRIPTION_BYTES = 4000


def show_language(config: SiteConfig) -> str:
    """The podcast's language: its own `language:` (as an import writes it), else the site's."""
    assert config.podcast is not None
    return config.podcast.language or config.language


def show_problems(config: SiteConfig, image: Callable[[str], bytes | str]) -> list[Diagnostic]:
    """Every problem of the show's own settings (`image` as for `check_podcast`)."""
    show = config.podcast
    assert show is not None
    problems: list[Diagnostic] = []

    def config_problem(
        key: tuple, message: str, hint: str | None = None, severity: str = "error"
    ) -> None:
        problems.append(
            Diagnostic(
                "site.yaml",
                config.line_of("podcast", *key),
                message,
                hint=hint,
                code="podcast",
                severity=severity,
            )
        )

    if "categories" in show.extra:
        if len(show.categories) > 3:
            config_problem(("categories",), "give at most three categories")
        for i, names in enumerate(show.categories):
            _check_categories(names, partial(_at_item, config_problem, i))
        if not show.categories:
            _check_categories((), config_problem)
    else:
        _check_categories(show.categories[0] if show.categories else (), config_problem)
    problems += _channel_tag_problems(config)
    language = show_language(config)
    if not _LANGUAGE.fullmatch(language):
        where = ("podcast", "language") if show.language else ("language",)
        problems.append(
            Diagnostic(
                "site.yaml",
                config.line_of(*where),
                f"'{language}' is not an ISO 639 language code",
                hint="write e.g. en or en-GB",
                code="podcast",
            )
        )
    if len(show.description.encode()) > MAX_DESCRIPTION_BYTES:
        config_problem(("description",), "the show description is over 4,000 bytes")
    if show.image is None:
        config_problem((), "the podcast needs artwork: add `image: media/cover.png`")
    else:
        for message in artwork_problems(show.image, image):
            config_problem(
                ("image",),
                message,
                "Apple needs a square JPEG or PNG of 1400 to 3000 pixels, in RGB",
            )
    if show.guid and not UUID.fullmatch(show.guid):
        config_problem(
            ("guid",),
            f"podcast guid '{show.guid}' is not a UUID",
            "delete the line to use the one derived from the feed's address",
        )
    return problems


def _at_item(problem: Callable, index: int, key: tuple, *args: str) -> None:
    """`problem` reported at item `index` of `categories:`, whichever key it named."""
    problem(("categories", index), *args)


_GEO = re.compile(r"geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?(;[\w=.;-]*)?")
_OSM = re.compile(r"[NWR]\d+(#\d+)?")
MAX_NAME = 128  # the Podcasting 2.0 limit of names and funding texts
MAX_TXT = 4000


def _channel_tag_problems(config: SiteConfig) -> list[Diagnostic]:
    """What the Podcasting 2.0 namespace does not allow in the show's own tags."""
    show = config.podcast
    assert show is not None
    problems: list[Diagnostic] = []

    def problem(key: tuple, message: str, hint: str | None = None) -> None:
        problems.append(
            Diagnostic("site.yaml", config.line_of("podcast", *key), message, hint, "podcast")
        )

    if show.new_feed_url and show.new_feed_url.rstrip("/") == (config.base_url + PODCAST_FEED):
        problem(
            ("new_feed_url",),
            "new_feed_url is this feed's own address: apps would follow it in a circle",
            "set it to the address of the feed on the new host, only once that feed is live",
        )
    problems += funding_problems(
        show.funding, lambda *k: ("site.yaml", config.line_of("podcast", *k))
    )
    for i, feed in enumerate(show.podroll):
        if not UUID.fullmatch(feed.guid):
            problem(
                ("podroll", i),
                f"podroll guid '{feed.guid}' is not a UUID",
                "give the show's podcast:guid, or its feed URL",
            )
    if show.location:
        place = show.location
        if len(place.name) > MAX_NAME:
            problem(("location",), "the location's name is over 128 characters")
        if place.geo and not _GEO.fullmatch(place.geo):
            problem(
                ("location", "geo"),
                f"'{place.geo}' is not a geo URI",
                "write geo:latitude,longitude, e.g. geo:52.52,13.405",
            )
        if place.osm and not _OSM.fullmatch(place.osm):
            problem(
                ("location", "osm"),
                f"'{place.osm}' is not an OpenStreetMap object",
                "write its type letter (N node, W way, R relation) and number, e.g. R62422",
            )
    for i, entry in enumerate(show.txt):
        key = ("txt", i) if isinstance(show.extra.get("txt"), list) else ("txt",)
        if len(entry.text) > MAX_TXT:
            problem(key, "a txt value is over 4,000 characters")
        if entry.purpose and len(entry.purpose) > MAX_NAME:
            problem((*key, "purpose"), "a txt purpose is over 128 characters")
    for number, name in show.seasons.items():
        if len(name) > MAX_NAME:
            problem(("seasons", number), f"the name of season {number} is over 128 characters")
    return problems


def funding_problems(funding: Sequence[Funding], where: Callable) -> list[Diagnostic]:
    return [
        Diagnostic(
            *where("funding", i, "text"),
            "a funding text is over 128 characters (podcast:funding)",
            "apps show it as the link's words: keep it short, e.g. Support the show",
            "podcast",
        )
        for i, entry in enumerate(funding)
        if len(entry.text) > MAX_NAME
    ]


def _check_categories(category: tuple[str, ...], problem: Callable) -> None:
    if not category:
        problem((), "the podcast needs an Apple category: `category: [News, Politics]`")
        return
    parent = category[0]
    if parent not in APPLE_CATEGORIES:
        parent_of = {sub: top for top, subs in APPLE_CATEGORIES.items() for sub in subs}
        hint = did_you_mean(parent, [*APPLE_CATEGORIES, *parent_of])
        close = hint and hint.split("'")[1]
        if close in parent_of:  # a subcategory goes after its parent
            hint = f"did you mean `category: [{parent_of[close]}, {close}]`?"
        problem(
            ("category",),
            f"'{parent}' is not an Apple Podcasts category",
            hint or "see the list in the README",
        )
        return
    if len(category) > 2:
        problem(("category",), "give a category and at most one subcategory")
    if len(category) > 1 and category[1] not in APPLE_CATEGORIES[parent]:
        children = APPLE_CATEGORIES[parent]
        elsewhere = [p for p, subs in APPLE_CATEGORIES.items() if category[1] in subs]
        hint = (
            f"'{category[1]}' belongs under '{elsewhere[0]}'"
            if elsewhere
            else did_you_mean(category[1], children)
            or (
                f"'{parent}' has {', '.join(children)}"
                if children
                else f"'{parent}' has no subcategories"
            )
        )
        problem(("category",), f"'{category[1]}' is not a subcategory of '{parent}'", hint)


def artwork_problems(path: str, image: Callable[[str], bytes | str]) -> list[str]:
    if is_remote(path):  # kept on another host (an imported show's): not read at build time
        return []
    rel = path.lstrip("/")
    head = image(rel)
    if isinstance(head, str):
        return [head]
    info = image_info(head)
    if info is None:
        return [f"/{rel} is not a PNG or JPEG image"]
    problems = []
    extension = rel.rsplit(".", 1)[-1].lower()
    if extension not in (("png",) if info.kind == "png" else ("jpg", "jpeg")):
        problems.append(f"/{rel} is a {info.kind.upper()} file with a .{extension} name")
    if info.width != info.height:
        problems.append(f"/{rel} is {info.width}x{info.height} pixels, not square")
    elif not 1400 <= info.width <= 3000:
        problems.append(f"/{rel} is {info.width}x{info.height} pixels, outside 1400 to 3000")
    if not info.rgb:
        problems.append(f"/{rel} is not in RGB colour")
    return problems
