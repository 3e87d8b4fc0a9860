"""`serve`: the preview server, the watcher that rebuilds on a change, and the reload script."""
