"""The thin edges: the HTTP API and the operators' CLI."""
