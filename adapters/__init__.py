"""The world: databases, files, password hashing, logs."""
