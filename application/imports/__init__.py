"""Imports from the national systems (SIECLE, STS-WEB, ONDE): records in, domain events out."""
