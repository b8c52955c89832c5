"""The app shell: start-up (`app`), the window (`main_window`), the context every page gets
(`context`), the database worker (`worker`), slow jobs (`busy`), the crash handler (`crash`), one
instance per database (`single_instance`), this computer's preferences (`settings_store`) and the
periodic backup (`backup_timer`)."""
