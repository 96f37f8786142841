"""The HTTP edge: reading requests into models and writing models and errors as responses."""
