"""Readers of the national export files; each turns one file into typed records, or refuses it whole."""
