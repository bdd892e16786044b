"""The history of facts over HTTP: each fact's revisions, and the feed of every change since a version."""
