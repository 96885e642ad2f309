"""Publishing results elsewhere: the GitHub API client that posts pull-request comments.

Tokens come from the environment and are never printed. May import `lineage/` and `graphs/render/`."""
