"""site_builder: a static site generator for glossary-driven podcast companion sites."""

__version__ = "0.1.0"
