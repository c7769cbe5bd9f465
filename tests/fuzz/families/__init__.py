"""Mutation families: every module here registers its families with ``core.register`` on import."""
