"""What a rebuild may reuse: the state kept between builds and the store that keeps it on disk."""
