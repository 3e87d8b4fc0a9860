"""Images: responsive web sizes of content/media's images, social cards and icons.

`facts` and `markup` are pure (what an image is, the HTML that shows it); `process` is the
image phase, the one place that decodes and encodes images (with Pillow, imported only when
needed) and keeps what it made in the image cache.
"""

from .facts import Catalog, ImageFacts, Variant, catalog_digest, find_image, media_key
from .markup import figure_html, largest, picture_html
from .process import ImageStore, Published, publish_images

__all__ = [
    "Catalog",
    "ImageFacts",
    "ImageStore",
    "Published",
    "Variant",
    "catalog_digest",
    "figure_html",
    "find_image",
    "largest",
    "media_key",
    "picture_html",
    "publish_images",
]
