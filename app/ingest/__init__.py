"""Turning a new article into candidate facts: its body without chrome, numbers, dates and names, each quoted."""
