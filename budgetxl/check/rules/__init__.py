"""Rule modules: every module here is imported by the registry."""
