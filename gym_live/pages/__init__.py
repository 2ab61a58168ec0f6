"""One module per route; composition only."""
