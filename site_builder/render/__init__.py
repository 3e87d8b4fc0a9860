"""Pure: the theme and its Jinja environment, views of items, one context per page, the concept
map."""
