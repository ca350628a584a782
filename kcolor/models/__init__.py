"""Model builders: see the files in this package (being written)."""
