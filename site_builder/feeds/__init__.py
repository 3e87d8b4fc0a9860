"""Which feeds the site has: Atom and JSON feeds, the podcast's RSS and its checks, glossary.json."""
