"""Read models: SQL tables built from the events, each with its own tracked position."""
