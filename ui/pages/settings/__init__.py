"""The settings page (`page.SettingsPage`) and one module per section: deadline rules, rule set
(+ fields), calendar, backups, printing, fonts; `common` holds what the sections share."""
