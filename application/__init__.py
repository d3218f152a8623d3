"""Use cases over one school-year base, the registry of bases, and access journaling."""
