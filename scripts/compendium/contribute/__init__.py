"""What contributors fill in: the record's JSON Schema and the GitHub issue form made from it."""
