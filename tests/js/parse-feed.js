// Parses a podcast feed file with Podcast Index's parser and prints what it read as JSON.
// Usage: node parse-feed.js path/to/podcast.xml
"use strict";
const fs = require("fs");
const pt = require("podcast-partytime");

const feed = pt.parseFeed(fs.readFileSync(process.argv[2], "utf8"), { allowMissingGuid: true });
if (!feed) {
  process.stderr.write("podcast-partytime could not parse the feed\n");
  process.exit(1);
}
process.stdout.write(JSON.stringify(feed, null, 1) + "\n");
