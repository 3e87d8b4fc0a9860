"""The steps `build.make_site` runs, one call each: load, parse, link, render. Each step asks
incremental/ what the last build left standing and makes the rest with the phase packages."""
