"""Thin Reflex states: parse input, call a service, hold what the page shows."""
