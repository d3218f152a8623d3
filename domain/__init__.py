"""The school's rules: aggregates, their events and value objects. Pure: no I/O, no clock."""
