"""Small functions that return components; no business math."""
