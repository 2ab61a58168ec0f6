"""What several test modules share: fakes, builders, the CLI runner, the app and its pages."""
