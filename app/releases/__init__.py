"""Numbered releases of the dataset: making them, their changelogs, their data packages, and their routes."""
