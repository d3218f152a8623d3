"""Routes grouped by resource; each module ends with its ``endpoints`` list."""
