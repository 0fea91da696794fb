"""File actions of the main window: sessions (open, save, autosave) and exports."""
