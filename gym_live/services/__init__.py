"""Use cases: each owns its transaction, asks the domain, and publishes only after commit."""
