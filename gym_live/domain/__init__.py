"""Pure rules of the gym: no database, no web framework, time passed in."""
