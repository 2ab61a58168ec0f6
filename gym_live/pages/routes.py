"""Route paths, named once."""

DASHBOARD = "/"
