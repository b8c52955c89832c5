"""The county's rules: the versioned rule set (评分细则), the holiday calendar and
the 13710 deadline arithmetic (docs/design.md §3 and §6). Pure functions where possible;
the few database helpers take a sqlite-utils `Database` and never import Qt.
"""
