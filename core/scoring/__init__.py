"""Monthly review and quarterly assessment (DESIGN.md §6): events, scores, ranks, publications."""
