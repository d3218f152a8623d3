"""Request and response bodies: commands are imperative, responses end in ``Out``."""
