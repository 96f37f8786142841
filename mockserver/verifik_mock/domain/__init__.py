"""What the mock does, free of HTTP: tenants' worlds, validations, checks, lists."""
