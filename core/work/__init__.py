"""The 13710 work itself: meetings, tasks and assignments (`tasks`, `weekly`), the life of an
assignment as a fold over its events (`workflow`), recording an action (`actions`), the status cache
(`status`, trusted through `status_check`) and the reads over it (`ledger`, `dashboard`, `task_view`)."""
