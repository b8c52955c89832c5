"""One task's window (`view`, `timeline`) and the forms that record an action on it
(`action_forms`, `record_form`)."""
