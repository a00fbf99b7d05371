"""The app in the desktop: tray, notifications, single instance and forwarded commands, global hotkeys."""
