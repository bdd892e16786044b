"""/v1/conflicts: the open disagreements between sources (facts ranked by app.facts.ranks)."""
