"""Pure: what podcast apps read of an episode beyond its audio: the post where listeners
discuss it (podcast:socialInteract), its other files (podcast:alternateEnclosure), and where
to support it (podcast:funding, of an episode or of the show)."""

from __future__ import annotations

from ..model import AlternateAudio, Funding, SocialPost
from .fields import FieldReader

# podcast:socialInteract protocols (Podcasting 2.0's socialprotocols.txt)
SOCIAL_PROTOCOLS = ("activitypub", "atproto", "twitter", "lightning", "hive", "matrix", "nostr")


def read_social(r: FieldReader) -> tuple[SocialPost, ...]:
    """`social:` the post where listeners discuss the episode: a URL (an ActivityPub post, as
    Mastodon's), or `{url, protocol, account, account_url}`; or a list of them."""
    value = r.get("social")
    if value is None:
        return ()
    many = isinstance(value, list)
    posts = []
    for i, entry in enumerate(value if many else [value]):
        key: tuple = ("social", i) if many else ("social",)
        if isinstance(entry, dict):
            s = r.within(*key)
            url = s.url("url", required=True, absolute=True)
            protocol = s.choice("protocol", SOCIAL_PROTOCOLS, "activitypub")
            if url:
                posts.append(
                    SocialPost(
                        url, protocol, s.text("account"), s.url("account_url", absolute=True)
                    )
                )
        elif isinstance(entry, str):
            url = (r.within("social") if many else r).url(key[-1], absolute=True)
            if url:
                posts.append(SocialPost(url))
        else:
            r.error("social", f"'social' item {i + 1} must be a post's URL or {{url, protocol}}")
    return tuple(posts)


def read_alternate_audio(r: FieldReader) -> tuple[AlternateAudio, ...]:
    """`alternate_audio: [{url, type, length, bitrate, title}]`: other files of the episode."""
    found = []
    for a in r.mappings("alternate_audio"):
        url = a.url("url", required=True, absolute=True)
        kind = a.text("type", required=True)
        length = a.integer("length", required=True, minimum=1)
        bitrate = a.integer("bitrate", minimum=1)
        if url and kind and length:
            found.append(AlternateAudio(url, kind, length, bitrate, a.text("title")))
    return tuple(found)


def read_funding(r: FieldReader) -> tuple[Funding, ...]:
    """`funding: [{url, text}]` (podcast:funding), of the show or of one episode."""
    found = []
    for f in r.mappings("funding"):
        url = f.url("url", required=True, absolute=True)
        if url:
            found.append(Funding(url, f.text("text") or ""))
    return tuple(found)
