"""The main window and what frames it: menus, toolbar, settings panel, status bar,
history bar, window settings, the app's start-up."""
