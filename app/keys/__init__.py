"""API keys: scoped bearer secrets for the write routes (reading stays public)."""
