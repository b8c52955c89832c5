"""The units and leaders page (`page.DirectoryPage`), its table models (`models`), its edit
dialogs (`dialogs`) and the form they share (`form`)."""
