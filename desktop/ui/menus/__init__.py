"""The window's menus and dialogs: Phone and View, Environment, Account, Settings, Help (diagnostics, support
bundle)."""
