"""`site-builder import`: moving an existing podcast feed or newsletter archive into a site.

Every importer reads its source whole, decides every file it will write, and only then writes
them all at once (`common.write_all`): a run writes every file or none. Nothing here is
imported by `build`: markdownify and defusedxml are loaded only by `import`.
"""
