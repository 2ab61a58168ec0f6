"""Everything that talks to the outside world: database engine, event bus, password hashing."""
