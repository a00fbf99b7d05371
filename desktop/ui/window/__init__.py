"""The window and what it shows: the main window, the notice bar, the offline screen, crash recovery, placement."""
