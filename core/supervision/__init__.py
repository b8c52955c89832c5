"""Supervision (督查, docs/design.md §7): people, inspection groups, inspections and findings, actions, views."""
