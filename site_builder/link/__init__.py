"""Pure: the index of published items, the reference graph between them, and the glossary facts."""
